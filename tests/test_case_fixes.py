"""The `fixed:` section of every mutation case: `mfa-guard fix` turns the case tree into exactly the
expected tree, leaves exactly the expected findings, is idempotent, and fixed rules stop firing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from mfa_guard.cli import main
from tests.fixture_tree import Case, _apply, all_cases, build_case

FIXED_CASES = [pytest.param(case, id=case.name) for case in all_cases() if case.fixed is not None]
OPTION_FLAGS = {
    "ci": "--ci",
    "target_phase": "--target-phase",
    "management_account": "--management-account",
    "leverage_cli": "--leverage-cli",
}


def tree(root: Path) -> dict[str, bytes]:
    """Every file below root (symlinks as their target text), byte for byte."""
    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            files[path.relative_to(root).as_posix()] = f"-> {path.readlink()}".encode()
        elif path.is_file():
            files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def option_args(case: Case) -> list[str]:
    args = []
    for key, value in case.options.items():
        if key not in OPTION_FLAGS:
            pytest.fail(f"{case.name}: option {key!r} has no command-line flag; the harness cannot pass it to fix")
        if value is True:
            args.append(OPTION_FLAGS[key])
        elif value not in (False, None):
            args += [OPTION_FLAGS[key], str(value)]
    return args


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def findings(capsys: pytest.CaptureFixture[str], root: Path, case: Case) -> list[dict[str, Any]]:
    code, out, err = run(capsys, "check", str(root), "--format", "json", "--exit-zero", *option_args(case))
    assert code == 0, err
    return sorted(
        ({"rule": f["rule"], "path": f["project_path"], "line": f["line"]} for f in json.loads(out)["findings"]),
        key=lambda f: (f["path"], f["line"], f["rule"]),
    )


def expected_findings(fixed: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(
        ({"rule": e["rule"], "path": e["path"], "line": e["line"]} for e in fixed.get("expect") or []),
        key=lambda f: (f["path"], f["line"], f["rule"]),
    )


@pytest.mark.parametrize("case", FIXED_CASES)
def test_case_fix(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fixed = case.fixed
    assert fixed is not None
    root = build_case(case, tmp_path / "project dir")
    expected_root = tmp_path / "expected"
    shutil.copytree(root, expected_root, symlinks=True)
    _apply(expected_root, {k: fixed[k] for k in ("replace", "files", "delete") if k in fixed}, f"{case.name} fixed")
    flags = [*option_args(case), *(["--guarded"] if fixed.get("guarded") else [])]

    code, planned, err = run(capsys, "fix", str(root), "--dry-run", *flags)
    assert code in (0, 1), err
    fixed_rules = {line.split()[2] for line in planned.splitlines() if line.startswith("would fix ")}
    assert tree(root) == tree(build_case(case, tmp_path / "again")), "--dry-run wrote something"

    code, _, err = run(capsys, "fix", str(root), "--format", "json", *flags)
    assert code in (0, 1), err
    assert "BUG:" not in err, err
    assert tree(root) == tree(expected_root), f"{case.name}: the fixed tree differs from `fixed.replace`"

    remaining = findings(capsys, root, case)
    assert remaining == expected_findings(fixed), case.description
    allowed = {e["rule"] for e in fixed.get("expect") or []}
    assert not ({f["rule"] for f in remaining} & (fixed_rules - allowed)), "a fixed rule still fires after fix"

    code, out, err = run(capsys, "fix", str(root), "--diff", *flags)
    assert out == "", f"second fix run would still change:\n{out}"
    assert tree(root) == tree(expected_root)


def test_some_cases_have_fixed_sections() -> None:
    assert FIXED_CASES, "no case has a `fixed:` section"
