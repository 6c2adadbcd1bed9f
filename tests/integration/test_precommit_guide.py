"""The guide walked commit by commit through real pre-commit: with the `mfa-guard` hook installed,
every commit on the guide's path goes in, every commit off it is refused.

The project's account names do not sort in the guide's order (`root` is management, then
security, shared, apps-devstg). The records (`mfa-guard plan --applied/--confirm`) are committed
with the steps, as a team would.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.guide.walk_project import OFF_PATH, WALK, guide_project
from tests.integration.conftest import GIT_IDENTITY, git

pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install -e '.[test]')")


def hooked_repo(tools: tuple[Path, dict[str, str]], destination: Path) -> Path:
    checkout, env = tools
    root = guide_project(destination)
    git(root, "init", "-q")
    rev = git(checkout, "rev-parse", "HEAD").strip()
    config = {"repos": [{"repo": str(checkout), "rev": rev, "hooks": [{"id": "mfa-guard"}]}]}
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=root, env=env, check=True, capture_output=True)
    return root


def commit(tools: tuple[Path, dict[str, str]], root: Path, message: str) -> subprocess.CompletedProcess[str]:
    _, env = tools
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    command = ["git", *GIT_IDENTITY, "commit", "-q", "--allow-empty", "-m", message]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False, timeout=900)


def test_every_commit_on_the_path_goes_in(tools: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    root = hooked_repo(tools, tmp_path / "walk")
    for label, step in WALK:
        step(root)
        result = commit(tools, root, label)
        assert result.returncode == 0, (label, result.stdout + result.stderr)
    log = git(root, "log", "--format=%s").splitlines()
    assert log[::-1] == [label for label, _ in WALK]


def test_every_commit_off_the_path_is_refused(tools: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    for index, (label, mutate) in enumerate(OFF_PATH):
        root = hooked_repo(tools, tmp_path / f"off{index}")
        assert commit(tools, root, "P0").returncode == 0
        mutate(root)
        result = commit(tools, root, label)
        assert result.returncode != 0, label
        assert "mfa-guard" in result.stdout + result.stderr
