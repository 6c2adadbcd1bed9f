"""`leverage --version` tells the Leverage CLI generation with --local, when nothing else does: a
bounded probe (no shell, 2 s, 4 KiB), and anything unexpected is unknown with a -v note."""

from __future__ import annotations

import logging
import os
import stat
import sys
import time
from pathlib import Path
from typing import Optional

import pytest

from mfa_guard.analysis import analyse
from mfa_guard.local.cli_version import generation_from_output, probe
from mfa_guard.prepare import Options
from mfa_guard.project_info import project_info
from tests.conftest import run_cli
from tests.fixture_tree import materialise

SCRIPT = """#!{python}
import os, sys, time
with open(os.environ.get("FAKE_VERSION_LOG", os.devnull), "a") as log:
    log.write(" ".join(sys.argv[1:]) + "\\n")
{body}
"""
BODIES = {
    "3.x": 'print("leverage, version 3.1.0")',
    "2.x": 'print("leverage, version 2.1.1")',
    "1.x": 'print("leverage, version 1.15.0")',
    "dev": 'print("leverage, version 0.0.0")',
    "4.x": 'print("leverage, version 4.0.0")',
    "garbage": 'print("Usage: leverage [OPTIONS] COMMAND [ARGS]...")',
    "fails": 'print("leverage, version 3.1.0"); sys.exit(1)',
    "flood": 'sys.stdout.write("x" * 1_000_000)',
    "hang": "time.sleep(30)",
}


def fake(tmp_path: Path, kind: str) -> Path:
    """A directory holding a `leverage` executable that behaves as `kind`."""
    bin_dir = tmp_path / f"bin-{kind}"
    bin_dir.mkdir()
    script = bin_dir / "leverage"
    script.write_text(SCRIPT.format(python=sys.executable, body=BODIES[kind]), encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return bin_dir


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("leverage, version 3.1.0\n", 3),
        ("leverage, version 3.0.0rc1\n", 3),
        ("leverage, version 2.1.1\n", 2),
        ("leverage, version 1.15.0\n", 2),
        ("leverage, version 0.0.0\n", None),
        ("leverage, version 4.0.0\n", None),
        ("", None),
        ("version 3.1.0\n", None),
        ("leverage, version 3.1.0; rm -rf /\n", None),
    ],
)
def test_the_version_line(text: str, number: Optional[int]) -> None:
    found, why = generation_from_output(text)
    assert (found.number if found else None) == number
    assert (found is None) == bool(why)
    if found is not None:
        assert found.reason.startswith("`leverage --version` says ")


@pytest.mark.parametrize(("kind", "number"), [("3.x", 3), ("2.x", 2), ("1.x", 2)])
def test_the_installed_cli_is_asked(tmp_path: Path, kind: str, number: int) -> None:
    found = probe(str(fake(tmp_path, kind)))
    assert found is not None and found.number == number


@pytest.mark.parametrize(
    ("kind", "note"),
    [
        ("garbage", "printed no `leverage, version X.Y.Z` line"),
        ("dev", "neither the 2.x nor the 3.x CLI"),
        ("4.x", "neither the 2.x nor the 3.x CLI"),
        ("fails", "exited 1"),
        ("flood", "printed more than 4096 bytes"),
    ],
)
def test_anything_else_is_unknown_with_a_note(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, kind: str, note: str
) -> None:
    with caplog.at_level(logging.INFO, logger="mfa_guard.local.cli_version"):
        assert probe(str(fake(tmp_path, kind))) is None
    assert note in caplog.text


def test_a_hang_is_stopped_at_the_timeout(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    started = time.monotonic()
    with caplog.at_level(logging.INFO, logger="mfa_guard.local.cli_version"):
        assert probe(str(fake(tmp_path, "hang")), timeout=0.5) is None
    assert time.monotonic() - started < 10  # not the script's 30 s
    assert "did not finish within 0.5 s" in caplog.text


def test_no_leverage_on_path(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with caplog.at_level(logging.INFO, logger="mfa_guard.local.cli_version"):
        assert probe(str(empty)) is None
    assert "no `leverage` on PATH" in caplog.text


def _silent_project(tmp_path: Path) -> tuple[Path, Path]:
    """A project and a workstation that cannot tell the generation: no image tag, no role profiles."""
    root = materialise("p1", tmp_path / "p1")
    env = root / "build.env"
    env.write_text(env.read_text(encoding="utf-8").replace("TERRAFORM_IMAGE_TAG=1.6.0-0.2.0\n", ""), encoding="utf-8")
    aws_dir = tmp_path / "aws"
    aws_dir.mkdir()
    (aws_dir / "config").write_text("[default]\nregion = us-east-1\n", encoding="utf-8")
    return root, aws_dir


def test_local_asks_leverage_only_when_nothing_else_tells(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, aws_dir = _silent_project(tmp_path)
    bin_dir = fake(tmp_path, "3.x")
    log = tmp_path / "calls"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_VERSION_LOG", str(log))
    assert not analyse(Options(path=root, no_cache=True)).project.state.cli.known  # repo only: never asked
    assert not log.exists()
    analysis = analyse(Options(path=root, local=True, aws_dir=aws_dir, no_cache=True))
    assert analysis.project.state.cli.number == 3
    assert log.read_text(encoding="utf-8") == "--version\n"
    info = project_info(analysis.project, analysis.local)
    assert info.leverage_cli_reason.startswith("`leverage --version` says 3.1.0")
    configured = analyse(Options(path=root, local=True, aws_dir=aws_dir, leverage_cli=2, no_cache=True))
    assert configured.project.state.cli.number == 2  # a configured generation is never second-guessed
    assert log.read_text(encoding="utf-8") == "--version\n"


def test_status_and_the_report_say_where_the_generation_came_from(tmp_path: Path) -> None:
    root, aws_dir = _silent_project(tmp_path)
    env = {"PATH": f"{fake(tmp_path, '2.x')}{os.pathsep}{os.environ['PATH']}"}
    status = run_cli("status", str(root), "--local", "--aws-dir", str(aws_dir), "--format", "plain", env=env)
    assert "Leverage CLI: 2.x (`leverage --version` says 2.1.1 (the Docker-based CLI" in status.stdout
    report = run_cli("check", str(root), "--local", "--aws-dir", str(aws_dir), "--exit-zero", "--no-cache", env=env)
    assert "Leverage CLI 2.x (`leverage --version` says 2.1.1)" in report.stdout + report.stderr
    hang_env = {"PATH": f"{fake(tmp_path, 'garbage')}{os.pathsep}{os.environ['PATH']}"}
    unknown = run_cli(
        "status", str(root), "--local", "--aws-dir", str(aws_dir), "--format", "plain", "-v", env=hang_env
    )
    assert "Leverage CLI: unknown" in unknown.stdout
    assert "printed no `leverage, version X.Y.Z` line" in unknown.stderr
