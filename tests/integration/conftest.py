"""Helpers for the tests that run real tools (git, pre-commit, bash) on a copy of this checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

GIT_IDENTITY = (
    "-c",
    "user.name=mfa-guard tests",
    "-c",
    "user.email=tests@example.invalid",
    "-c",
    "commit.gpgsign=false",
)


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *GIT_IDENTITY, *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


def checkout_files() -> list[str]:
    """The files of this checkout as a developer has them: tracked and new, without ignored ones."""
    if (REPO / ".git").exists():
        listed = git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        return sorted(p for p in listed.split("\0") if p and (REPO / p).is_file())
    skipped = {".venv", ".git", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "dist", "build"}
    return sorted(
        p.relative_to(REPO).as_posix()
        for p in REPO.rglob("*")
        if p.is_file() and not skipped.intersection(p.relative_to(REPO).parts)
    )


def snapshot_checkout(destination: Path) -> Path:
    """Commit the working tree into a fresh repository.

    `pre-commit try-repo` on a dirty checkout only takes tracked changes; new files (a new reporter,
    the hooks file itself before the first commit) would be missing, so it gets this copy instead.
    """
    for relpath in checkout_files():
        target = destination / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / relpath, target)
    git(destination, "init", "-q")
    git(destination, "add", "-A")
    git(destination, "commit", "-q", "-m", "snapshot of the checkout under test")
    return destination


def tool_env(home: Path) -> dict[str, str]:
    """Keep every cache the tools write (pre-commit, pip, virtualenv) inside the test's tmp dir."""
    # Colour must follow the terminal, as for a user: no NO_COLOR / FORCE_COLOR from the test run.
    inherited = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR", "PRE_COMMIT_COLOR"}}
    return {
        **inherited,
        "PRE_COMMIT_HOME": str(home / "pre-commit"),
        "PIP_CACHE_DIR": str(home / "pip"),
        "VIRTUALENV_OVERRIDE_APP_DATA": str(home / "virtualenv"),
        "XDG_CACHE_HOME": str(home / "xdg-cache"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }


@pytest.fixture(scope="session")
def tools(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """(a committed snapshot of this checkout, an environment with tmp caches), built once per session.

    Sharing PRE_COMMIT_HOME and the pip cache means pre-commit builds its hook environment once and
    the action's real install reuses the downloaded wheels.
    """
    base = tmp_path_factory.mktemp("tools")
    return snapshot_checkout(base / "mfa-guard"), tool_env(base / "home")
