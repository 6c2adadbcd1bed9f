"""Paths from the working directory (console, plain, json, --diff, companion `cd`), SARIF from the
repository root, and the JSON report (version 2) against its schema."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mfa_guard.report.json_format import companion_commands, document
from mfa_guard.report.paths import from_cwd, rebase_cd
from tests.conftest import REPO, run_cli
from tests.reporting import sample_report
from tests.test_sarif import validate as validate_sarif

SCHEMA = REPO / "docs" / "json-report.schema.json"


def validate(data: dict[str, Any]) -> None:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def example(destination: Path) -> Path:
    shutil.copytree(REPO / "examples" / "leverage-project", destination)
    return destination


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_from_cwd_and_rebase_cd(tmp_path: Path) -> None:
    root = tmp_path / "infra"
    assert from_cwd(root, "build.env", tmp_path) == "infra/build.env"
    assert from_cwd(root, "build.env", root) == "build.env"
    assert from_cwd(root, "build.env", root / "management") == "../build.env"
    assert from_cwd(root, ".", root) == "."
    assert rebase_cd('cd "shared/global/base-identities" && leverage tf apply', root, tmp_path) == (
        "cd infra/shared/global/base-identities && leverage tf apply"
    )
    grouped = "(cd management/a && leverage tf init -reconfigure) && (cd management/b && leverage tf init -reconfigure)"
    assert rebase_cd(grouped, root, tmp_path) == (
        "(cd infra/management/a && leverage tf init -reconfigure) && (cd infra/management/b && leverage tf init -reconfigure)"
    )
    hostile = "cd 'a $(id)' && leverage tf apply; then cd \"b c\" && x"
    assert rebase_cd(hostile, root, tmp_path) == "cd 'infra/a $(id)' && leverage tf apply; then cd 'infra/b c' && x"


def test_companion_commands_are_a_list_of_commands() -> None:
    text = "leverage credentials configure --type MANAGEMENT; then `leverage tf init -reconfigure` in each layer"
    assert companion_commands(text) == [
        "leverage credentials configure --type MANAGEMENT",
        "leverage tf init -reconfigure",
    ]
    assert companion_commands('cd "x" && leverage tf apply') == ['cd "x" && leverage tf apply']
    assert companion_commands(None) == []


@pytest.mark.parametrize("in_git", [True, False])
def test_fix_diff_applies_from_the_directory_above_the_project(tmp_path: Path, in_git: bool) -> None:
    example(tmp_path / "infra")
    if in_git:
        assert git(tmp_path, "init", "-q").returncode == 0
    # fix follows the plan: the shared OAAR's fix (the companion this test reads) waits until the
    # management users' MFA devices are confirmed and the earlier OAAR applies are recorded.
    for recorded in (
        ("--confirm", "management-mfa"),
        ("--applied", "management/global/base-identities"),
        ("--applied", "security/global/base-identities"),
    ):
        assert run_cli("plan", "infra", *recorded, cwd=tmp_path).returncode in (0, 1)
    result = run_cli("fix", "--diff", "--guarded", "infra", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "--- a/infra/management/global/base-identities/outputs.tf" in result.stdout
    check = subprocess.run(
        ["git", "apply", "--check", "-"], cwd=tmp_path, input=result.stdout, capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stderr
    assert "  cd infra/shared/global/base-identities && leverage tf apply" in result.stderr


def test_plan_commands_cd_from_the_working_directory(tmp_path: Path) -> None:
    example(tmp_path / "infra")
    plan = run_cli("plan", "infra", cwd=tmp_path).stdout
    cds = [word for line in plan.splitlines() for word in [line.split(": cd ", 1)[-1]] if ": cd " in line]
    assert cds and all(cd.startswith("infra/") for cd in cds), plan
    assert all((tmp_path / cd.split(" ", 1)[0]).is_dir() for cd in cds)


def test_plain_and_json_paths_open_from_the_working_directory(tmp_path: Path) -> None:
    example(tmp_path / "infra")
    plain = run_cli("check", "infra", "--format", "plain", cwd=tmp_path)
    paths = [line.split(":", 1)[0] for line in plain.stdout.splitlines()]
    assert paths and all((tmp_path / path).is_file() for path in paths)
    data = json.loads(run_cli("check", "infra", "--format", "json", cwd=tmp_path).stdout)
    validate(data)
    assert all((tmp_path / f["path"]).is_file() for f in data["findings"])
    assert data["project"]["root_shown"] == "infra"
    rol001 = next(f for f in data["findings"] if f["rule"] == "ROL001")
    assert rol001["companion"] == ["cd infra/shared/global/base-identities && leverage tf apply"]
    assert rol001["plan_step"] == {"number": 6, "of": 10}  # its step of `mfa-guard plan`, as the message says
    assert "step 6 of 10 of `mfa-guard plan`" in rol001["message"]
    assert rol001["why"].startswith("The OAAR grants AdministratorAccess")
    mfa002 = next(f for f in data["findings"] if f["rule"] == "MFA002")
    assert mfa002["fix"]["waits_on"].startswith("every OrganizationAccountAccessRole must require MFA")
    assert mfa002["fix"]["edits"][0]["text"] == "me-management-oaar"
    assert mfa002["target"].startswith("Management backend `me-management-oaar`")


def test_hand_built_report_validates() -> None:
    validate(document(sample_report()))


def test_fix_dry_run_honours_json_and_diff_refuses_it(tmp_path: Path) -> None:
    example(tmp_path / "infra")
    dry = run_cli("fix", "--dry-run", "--format", "json", "infra", cwd=tmp_path)
    assert dry.returncode == 1, dry.stderr
    data = json.loads(dry.stdout)
    validate(data)
    assert [(w["rule"], w["path"]) for w in data["would_fix"]] == [
        ("OUT001", "infra/management/global/base-identities/outputs.tf")
    ]
    diff = run_cli("fix", "--diff", "--format", "json", "infra", cwd=tmp_path)
    assert diff.returncode == 2 and diff.stdout == ""
    assert "--diff prints a patch; --format json is not available" in diff.stderr
    sarif = run_cli("fix", "--dry-run", "--format", "sarif", "infra", cwd=tmp_path)
    assert sarif.returncode == 2 and "--format sarif is not available" in sarif.stderr


def test_sarif_uris_are_relative_to_the_repository_root(tmp_path: Path) -> None:
    root = example(tmp_path / "repo" / "infra")
    assert git(tmp_path / "repo", "init", "-q").returncode == 0
    report = tmp_path / "out.sarif"
    result = run_cli("check", ".", "--format", "plain", "--report", f"sarif:{report}", cwd=root / "management")
    assert result.returncode == 1, result.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    validate_sarif(data)
    (run,) = data["runs"]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == (tmp_path / "repo").resolve().as_uri() + "/"
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert "infra/management/config/backend.tfvars" in uris
    assert result.stdout.startswith("../build.env:1:1: MFA005")  # and plain, from where the user stands
