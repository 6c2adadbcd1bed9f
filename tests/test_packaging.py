"""The built wheel works on its own: rules and schema ship inside it, the console script runs.

Offline: the wheel is built with `--no-isolation` (hatchling is in the test venv) and installed
with `--no-deps` into a fresh venv whose only other packages are the test venv's dependencies,
appended after its own site-packages by a `.pth` line (so the wheel, not the checkout, is imported).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path
from typing import Callable

import pytest

from tests.conftest import REPO

RULE_IDS = sorted(p.stem for p in (REPO / "rules").glob("*.yaml"))

pytestmark = pytest.mark.slow  # builds and installs the wheel


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the wheel, the bin directory of a fresh venv that has it installed)."""
    base = tmp_path_factory.mktemp("packaging")
    dist = base / "dist"
    run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", dist, REPO, cwd=base)
    (wheel,) = dist.glob("mfa_guard-*.whl")
    venv = base / "fresh venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=base)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    purelib = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=base).stdout.strip()
    # Dependencies come from the test venv, after the fresh venv's own site-packages.
    (Path(purelib) / "test-venv-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel, cwd=base)
    return wheel, bin_dir


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


def test_wheel_carries_the_rules_and_the_schema(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "mfa_guard/rules/rule.schema.json" in names
    assert {f"mfa_guard/rules/{rule_id}.yaml" for rule_id in RULE_IDS} <= names
    assert not any(name.startswith("tests/") for name in names)


def test_installed_console_script_finds_every_rule(installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, bin_dir = installed
    where = run(
        bin_dir / "python",
        "-c",
        "import mfa_guard, mfa_guard.rules as r; print(mfa_guard.__file__); print(r.builtin_rules_dir())",
        cwd=tmp_path,
        env=clean_env(),
    ).stdout.split("\n")
    venv = bin_dir.parent
    assert Path(where[0]).is_relative_to(venv) and Path(where[1]).is_relative_to(venv), where
    assert not Path(where[0]).is_relative_to(REPO)
    listing = run(bin_dir / "mfa-guard", "rules", cwd=tmp_path, env=clean_env()).stdout
    assert [line.split()[0] for line in listing.splitlines()] == RULE_IDS
    validated = run(bin_dir / "mfa-guard", "validate-rules", cwd=tmp_path, env=clean_env()).stdout
    assert validated == f"{len(RULE_IDS)} rules valid\n"  # the schema was found inside the wheel


def test_installed_tool_checks_a_project(
    installed: tuple[Path, Path], project: Callable[[str], Path], tmp_path: Path
) -> None:
    _, bin_dir = installed
    root = project("p1")
    result = run(bin_dir / "mfa-guard", "check", root, "--format", "plain", cwd=tmp_path, env=clean_env())
    assert result.stdout == ""
    result = run(
        bin_dir / "mfa-guard",
        "check",
        root,
        "--rules",
        REPO / "examples" / "team-rules.yaml",
        "--select",
        "TEAM",
        cwd=tmp_path,
        env=clean_env(),
    )
    assert result.stdout.endswith(
        ", short name me, IAM mode, phase p1, Leverage CLI 2.x (TERRAFORM_IMAGE_TAG in build.env line 8)\nNo findings.\n"
    )


def test_installed_wheel_parses_with_its_shipped_parser(
    installed: tuple[Path, Path], project: Callable[[str], Path], tmp_path: Path
) -> None:
    """A new user's first run with the wheel: no parser tables are built or written anywhere."""
    from tests.test_fresh_machine import NO_TABLE_BUILD, files_under, fresh_env

    wheel, bin_dir = installed
    assert "mfa_guard/parse/hcl2_standalone.py" in zipfile.ZipFile(wheel).namelist()
    env = {k: v for k, v in fresh_env(tmp_path).items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    root = project("p1")
    result = run(bin_dir / "python", "-c", NO_TABLE_BUILD, "check", root, "--format", "plain", cwd=tmp_path, env=env)
    assert result.stdout == ""
    assert not [p for p in files_under(tmp_path) if "lalr" in p], files_under(tmp_path / "xdg")
