"""The real `terraform fmt -check` (or `tofu fmt -check`) on many texts at once, when one is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Optional

FMT_SUFFIXES = (".tf", ".tfvars")  # what `terraform fmt` reads from a directory


def fmt_binary() -> Optional[str]:
    return shutil.which("terraform") or shutil.which("tofu")


def skip_reason() -> str:
    return "no `terraform` or `tofu` on PATH (no registry package here ships one): the layout checker stands in"


def not_fmt_clean(texts: Mapping[str, str]) -> set[str]:
    """The keys of `texts` (file paths ending .tf/.tfvars) that `fmt -check` rejects. BOM files are
    left out: terraform drops the mark when it reads standard input or rewrites a file."""
    binary = fmt_binary()
    assert binary is not None
    names = {}
    with tempfile.TemporaryDirectory() as directory:
        for number, (path, text) in enumerate(sorted(texts.items())):
            if text.startswith("\ufeff") or not path.endswith(FMT_SUFFIXES):
                continue
            name = f"f{number}{'.tf' if path.endswith('.tf') else '.tfvars'}"
            names[name] = path
            Path(directory, name).write_text(text, encoding="utf-8", newline="")
        if not names:
            return set()
        env = {**os.environ, "TF_CLI_CONFIG_FILE": os.devnull, "CHECKPOINT_DISABLE": "1"}
        result = subprocess.run(
            [binary, "fmt", "-check", "-list=true", directory], capture_output=True, text=True, env=env, timeout=120
        )
        assert result.returncode in (0, 3), result.stderr
        listed = {Path(line.strip()).name for line in result.stdout.splitlines() if line.strip()}
    return {names[name] for name in listed if name in names}
