"""`profiles --exec` on a 3.x project: the files, not the exit codes, decide (Leverage CLI 3.1.0's
`credentials configure` exits 1 after doing its work, and 255 where it needs a section first)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

from tests.conftest import run_cli
from tests.fixture_tree import AWS
from tests.test_profiles_local import calls, exec_env, fake_leverage  # noqa: F401 (a fixture)

CONFIGURE = ["credentials", "configure", "--type", "MANAGEMENT", "--fetch-mfa-device", "--skip-access-keys-setup"]


def workstation(tmp_path: Path, config: bool = True, keys: bool = True) -> Path:
    """A 3.x workstation before `credentials configure`: management keys, no role profiles."""
    aws_dir = tmp_path / "aws"
    aws_dir.mkdir()
    if keys:
        shutil.copy(AWS / "p1-3x" / "credentials", aws_dir / "credentials")
    if config:
        (aws_dir / "config").write_text("", encoding="utf-8")
    return aws_dir


def test_exit_1_with_the_files_written_goes_on(
    fake_leverage: Path,  # noqa: F811
    project: Callable[[str], Path],
    tmp_path: Path,
) -> None:
    aws_dir = workstation(tmp_path)
    env = exec_env(fake_leverage, aws_dir, FAKE_LEVERAGE_FIX_FROM=str(AWS / "p1-3x"), FAKE_LEVERAGE_EXIT="1")
    args = ("profiles", str(project("p1")), "--leverage-cli", "3", "--aws-dir", str(aws_dir), "--exec")
    result = run_cli(*args, env=env)
    assert [c["argv"] for c in calls(fake_leverage)] == [CONFIGURE]
    assert "exit code 1, but the files now hold what this step writes; going on" in result.stderr
    assert "LOC001" not in result.stdout
    assert result.returncode == 0, result.stdout + result.stderr


def test_exit_0_without_the_files_written_stops(
    fake_leverage: Path,  # noqa: F811
    project: Callable[[str], Path],
    tmp_path: Path,
) -> None:
    aws_dir = workstation(tmp_path)
    env = exec_env(fake_leverage, aws_dir)
    args = ("profiles", str(project("p1")), "--leverage-cli", "3", "--aws-dir", str(aws_dir), "--exec")
    result = run_cli(*args, env=env)
    assert len(calls(fake_leverage)) == 1
    assert "exit code 0, and the files still lack what this step should write; stopping" in result.stderr
    assert "LOC001" in result.stdout
    assert result.returncode == 1


def test_what_3_1_0_needs_first_is_said_and_nothing_runs(
    fake_leverage: Path,  # noqa: F811
    project: Callable[[str], Path],
    tmp_path: Path,
) -> None:
    aws_dir = workstation(tmp_path, config=False, keys=False)
    env = exec_env(fake_leverage, aws_dir, FAKE_LEVERAGE_FIX_FROM=str(AWS / "p1-3x"))
    args = ("profiles", str(project("p1")), "--leverage-cli", "3", "--aws-dir", str(aws_dir), "--exec")
    result = run_cli(*args, env=env)
    assert calls(fake_leverage) == []
    assert "would crash on Leverage CLI 3.1.0; it needs first: a [me-management] section in" in result.stderr
    assert "(3.1.0 backs it up first: FileNotFoundError): touch" in result.stderr
    assert result.returncode == 1


def test_2x_still_trusts_the_exit_code(
    fake_leverage: Path,  # noqa: F811
    project: Callable[[str], Path],
    tmp_path: Path,
) -> None:
    aws_dir = workstation(tmp_path)
    env = exec_env(fake_leverage, aws_dir, FAKE_LEVERAGE_FIX_FROM=str(AWS / "p1"), FAKE_LEVERAGE_EXIT="1")
    result = run_cli("profiles", str(project("p1")), "--aws-dir", str(aws_dir), "--exec", env=env)
    assert "failed with exit code 1; the remaining commands were not run" in result.stderr
    assert result.returncode == 1
