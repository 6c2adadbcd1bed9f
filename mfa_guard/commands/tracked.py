"""Files the team must commit (records, config, baseline) that the repository's .gitignore hides.

Leverage repositories ignore `.*` in .gitignore, so a dot-file is never committed unless an
exception is added; `git check-ignore` says which rule hides it and the warning names the line.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path


def ignored(root: Path, names: Sequence[str]) -> list[str]:
    """The names git would ignore; empty outside a git repository or without git."""
    git = shutil.which("git")
    if git is None or not names:
        return []
    try:
        result = subprocess.run(
            [git, "-C", str(root), "check-ignore", "--no-index", "--", *names],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if result.returncode not in (0, 1):
        return []  # 128: not a repository
    return [line for line in result.stdout.splitlines() if line]


def untracked_warnings(root: Path, names: Sequence[str]) -> list[str]:
    return [
        f"warning: {name} is ignored by git (.gitignore), so the team and CI never see it; "
        f"add this line to .gitignore: !/{name}"
        for name in ignored(root, names)
    ]
