"""Helpers for the fix tests: run the CLI in-process and snapshot trees byte for byte."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from mfa_guard.cli import main

Runner = Callable[..., tuple[int, str, str]]


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Runner:
    """cli("fix", str(root), ...) -> (exit code, stdout, stderr), through the real entry point."""

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run
