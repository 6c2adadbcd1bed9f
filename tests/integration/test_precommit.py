"""The hooks of .pre-commit-hooks.yaml, run by the real pre-commit on a Leverage repository.

pre-commit builds its own virtualenv and pip-installs this checkout into it (non-editable), so a
passing run also proves the wheel ships rules/. That install needs PyPI.

`try-repo` (the scenarios the issue names) always works in a temporary store and rebuilds the hook
environment on every call, whatever PRE_COMMIT_HOME says. The other runs go through a
`.pre-commit-config.yaml` naming the snapshot, as users consume the hooks, and share one
PRE_COMMIT_HOME per session (the `tools` fixture), so that environment is built once.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO
from tests.fixture_tree import materialise
from tests.integration.conftest import git

pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install -e '.[test]')")

HAS_FIX_COMMAND = (REPO / "mfa_guard" / "commands" / "fix.py").is_file()
needs_fix = pytest.mark.skipif(
    not HAS_FIX_COMMAND, reason="`mfa-guard fix` (mfa_guard/commands/fix.py) does not exist yet"
)


def leverage_repo(destination: Path, *, export: bool = False, duplicate: bool = False) -> Path:
    """A git repository holding fixture project P1, with ENV violations when asked."""
    root = materialise("p1", destination)
    env = root / "build.env"
    text = env.read_text(encoding="utf-8")
    if duplicate:
        text = text.replace("MFA_ENABLED=true", "MFA_ENABLED=true\nMFA_ENABLED=true")
    if export:
        text = text.replace("MFA_ENABLED=true", "export MFA_ENABLED=true", 1)
    env.write_text(text, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "fixture")
    return root


def try_repo(tools: tuple[Path, dict[str, str]], repo: Path, hook: str, *args: str) -> subprocess.CompletedProcess[str]:
    checkout, env = tools
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(checkout), hook, "--verbose", *args]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, check=False, timeout=900)


def run_hook(tools: tuple[Path, dict[str, str]], repo: Path, hook: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`pre-commit run HOOK` with a config naming the snapshot at its commit (the README snippet's shape)."""
    checkout, env = tools
    rev = git(checkout, "rev-parse", "HEAD").strip()
    config = {"repos": [{"repo": str(checkout), "rev": rev, "hooks": [{"id": "mfa-guard"}, {"id": "mfa-guard-fix"}]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git(repo, "add", ".pre-commit-config.yaml")  # pre-commit refuses an unstaged config
    command = [sys.executable, "-m", "pre_commit", "run", hook, "--verbose", *args]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, check=False, timeout=900)


def test_violating_project_fails_with_the_findings_shown(tools: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    repo = leverage_repo(tmp_path / "repo", export=True, duplicate=True)
    result = try_repo(tools, repo, "mfa-guard", "--all-files")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Failed" in output
    assert "ENV001" in output and "ENV003" in output
    assert "build.env" in output
    assert "\x1b[" not in output, "colour codes in a captured log"


def test_report_is_coloured_only_on_a_terminal(tools: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    # pre-commit runs hooks in a pseudo-terminal when it colours its own output (a developer's shell).
    repo = leverage_repo(tmp_path / "repo", export=True)
    coloured = run_hook(tools, repo, "mfa-guard", "--all-files", "--color", "always")
    assert coloured.returncode == 1, coloured.stdout + coloured.stderr
    finding_lines = [line for line in coloured.stdout.splitlines() if "ENV001" in line]
    assert finding_lines and all("\x1b[" in line for line in finding_lines)
    plain = run_hook(tools, repo, "mfa-guard", "--all-files", "--color", "never")
    assert "ENV001" in plain.stdout and "\x1b[" not in plain.stdout


def test_clean_project_passes(tools: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    repo = leverage_repo(tmp_path / "repo")
    result = try_repo(tools, repo, "mfa-guard", "--all-files")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


def test_runs_when_a_commit_only_deletes_files(tools: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    # pre-commit lists no deleted files; always_run makes the hook check the project anyway.
    repo = leverage_repo(tmp_path / "repo", export=True)
    git(repo, "rm", "-q", "management/global/base-identities/keys/natasha.romanoff")
    result = run_hook(tools, repo, "mfa-guard")  # staged changes only, as on `git commit`
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "ENV001" in output


@needs_fix
def test_fix_hook_fixes_and_fails_once_then_passes(tools: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    repo = leverage_repo(tmp_path / "repo", export=True)
    first = try_repo(tools, repo, "mfa-guard-fix", "--all-files")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    assert "export MFA_ENABLED" not in (repo / "build.env").read_text(encoding="utf-8")
    git(repo, "add", "-A")
    second = try_repo(tools, repo, "mfa-guard-fix", "--all-files")
    assert second.returncode == 0, second.stdout + second.stderr
    check = run_hook(tools, repo, "mfa-guard", "--all-files")
    assert check.returncode == 0, check.stdout + check.stderr
