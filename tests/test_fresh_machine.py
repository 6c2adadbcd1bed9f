"""A first run on a machine with nothing cached: no parser-table build, and `--no-cache` writes nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

EXAMPLE = REPO / "examples" / "leverage-project"
# The real entry point, with lark's grammar compiler and LALR analyser made to fail if ever called.
NO_TABLE_BUILD = """
import sys
import lark.load_grammar, lark.parsers.lalr_analysis
def refuse(*args, **kwargs):
    raise SystemExit("lark built parser tables")
lark.parsers.lalr_analysis.LALR_Analyzer.__init__ = refuse
lark.load_grammar.GrammarBuilder.__init__ = refuse
from mfa_guard.cli import main
sys.exit(main(sys.argv[1:]))
"""


def fresh_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A new user's environment: an empty HOME and XDG cache, no mfa-guard cache override."""
    home, xdg = tmp_path / "home", tmp_path / "xdg"
    home.mkdir()
    xdg.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "MFA_GUARD_CACHE_DIR" and not k.startswith("XDG_")}
    return {**env, "HOME": str(home), "XDG_CACHE_HOME": str(xdg), **extra}


def files_under(*roots: Path) -> list[str]:
    return sorted(str(p) for root in roots for p in root.rglob("*"))


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", NO_TABLE_BUILD, *args], env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture
def example(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp_path / "example", symlinks=True))


def test_a_fresh_user_cache_does_not_build_parser_tables(tmp_path: Path, example: Path) -> None:
    env = fresh_env(tmp_path)
    result = run(env, "check", str(example), "--format", "json")
    assert result.returncode == 1, result.stderr  # the example has findings
    assert '"MFA002"' in result.stdout
    cached = files_under(tmp_path / "xdg")
    assert cached, "the first run fills mfa-guard's own caches"
    assert not [p for p in cached if "lalr" in p or "hcl2" in p], cached


@pytest.mark.parametrize(
    ("flags", "extra"),
    [(("--no-cache",), {}), ((), {"MFA_GUARD_CACHE_DIR": ""})],
    ids=["--no-cache", "MFA_GUARD_CACHE_DIR="],
)
def test_no_cache_writes_nothing_anywhere(
    tmp_path: Path, example: Path, flags: tuple[str, ...], extra: dict[str, str]
) -> None:
    env = fresh_env(tmp_path, **extra)
    before = files_under(example)
    result = run(env, "check", str(example), "--format", "json", *flags)
    assert result.returncode == 1, result.stderr
    assert files_under(tmp_path / "home", tmp_path / "xdg") == []
    assert files_under(example) == before
