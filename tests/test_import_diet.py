"""What the two fastest paths import, in a fresh interpreter: `--version`, and a `check` answered
from the results cache. BENCHMARKS.md measures their time; these tests keep the causes away (each
module named here cost the warm check milliseconds when it was imported)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run_cli

PROBE = """
import json, sys
from mfa_guard.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""

NEVER_ON_THE_WARM_PATH = [
    # the analysis: parsers, model, checks, fixes, the guide
    "mfa_guard.analysis",
    "mfa_guard.parse.hcl_types",
    "mfa_guard.parse.hcl_parser",
    "mfa_guard.model",
    "mfa_guard.checks",
    "mfa_guard.fix",
    "mfa_guard.guide.records",
    "mfa_guard.parse_codec",
    # libraries a hit never needs
    "yaml",
    "jsonschema",
    "rich",
    "lark",
    "hcl2",
    # the standard library's slow starters: logging is imported when a line is written, tempfile
    # when a cache is written, hashlib's OpenSSL not at all (hashing.py), shutil not by argparse
    "logging",
    "tempfile",
    "_hashlib",
    "shutil",
]


def imported(args: list[str], env: dict[str, str] | None = None) -> set[str]:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, check=False)
    assert result.returncode in (0, 1), result.stderr
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


def test_version_imports_neither_argparse_nor_a_command() -> None:
    modules = imported(["--version"])
    assert {m for m in modules if m.startswith("mfa_guard")} == {"mfa_guard", "mfa_guard.cli"}
    assert not modules & {"argparse", "logging", "typing", "dataclasses", "pathlib"}


def test_a_results_cache_hit_imports_nothing_of_the_analysis(
    project: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project("p2")
    monkeypatch.setenv("MFA_GUARD_CACHE_DIR", str(tmp_path / "cache"))
    first = run_cli("check", str(root), "--format", "plain")  # fills the caches
    assert first.returncode == 0, first.stderr
    modules = imported(["check", str(root), "--format", "plain"], env=dict(os.environ))
    assert "mfa_guard.results_cache" in modules  # it was a hit, not some other path
    assert (
        sorted(m for m in NEVER_ON_THE_WARM_PATH if m in modules or any(n.startswith(f"{m}.") for n in modules)) == []
    )


def test_verbose_output_still_reaches_stderr(
    project: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lazy log writes its lines once asked for them (the first run fills, the second hits)."""
    root = project("p1")
    monkeypatch.setenv("MFA_GUARD_CACHE_DIR", str(tmp_path / "cache"))
    run_cli("check", str(root))
    result = run_cli("check", str(root), "-v")
    assert "mfa-guard: INFO: results cache: every input unchanged" in result.stderr
    assert "INFO" not in run_cli("check", str(root)).stderr


def test_a_first_run_that_writes_the_caches_imports_no_slow_starter(
    project: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh machine (empty cache directory): the parser runs and every cache is written, the
    console report printed, without logging (lark's logger is quiet), tempfile or shutil."""
    monkeypatch.setenv("MFA_GUARD_CACHE_DIR", str(tmp_path / "empty cache"))
    modules = imported(["check", str(project("p1"))], env=dict(os.environ))
    assert "mfa_guard.parse.hcl2_standalone" in modules and (tmp_path / "empty cache" / "rules.json").is_file()
    assert sorted(modules & {"logging", "tempfile", "shutil"}) == []
    assert oct((tmp_path / "empty cache" / "rules.json").stat().st_mode & 0o777) == "0o600"
