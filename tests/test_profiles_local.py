"""`mfa-guard profiles`, `check --local` and the LOC rules against fake ~/.aws/<short>/ trees."""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
from pathlib import Path
from typing import Callable

import pytest

from mfa_guard.analysis import analyse
from mfa_guard.cli import main
from mfa_guard.local.load import parse_aws_file, read_aws_file
from mfa_guard.local.model import mask
from mfa_guard.local.plan import build_plan, parse_command
from mfa_guard.prepare import Options
from mfa_guard.report import FORMATS
from tests.conftest import run_cli
from tests.fixture_tree import AWS

SECRET_KEYS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")
SHARED_BACKEND = "shared/config/backend.tfvars"


def fake_aws(tmp_path: Path, base: str, name: str = "aws") -> Path:
    target = tmp_path / name / "me"
    shutil.copytree(AWS / base, target)
    return target


def secrets_in(aws_dir: Path) -> list[str]:
    """Every key id, secret and token of the fake credentials file."""
    found = []
    text = (aws_dir / "credentials").read_text(encoding="utf-8") if (aws_dir / "credentials").exists() else ""
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key.strip() in SECRET_KEYS:
            found.append(value.strip())
    return found


def snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(directory).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def local_findings(root: Path, aws_dir: Path, **options: object) -> list[tuple[str, str]]:
    analysis = analyse(Options(path=root, select=("LOC",), local=True, aws_dir=aws_dir, **options))  # type: ignore[arg-type]
    return [(f.rule, f.span.path) for f in analysis.findings]


def commands(root: Path, aws_dir: Path) -> list[str]:
    analysis = analyse(Options(path=root, select=("LOC",), local=True, aws_dir=aws_dir))
    return [step.command for step in build_plan(analysis.findings)]


# --- reading the local files ---------------------------------------------------------------


def test_config_and_credentials_sections_are_read_like_the_aws_cli() -> None:
    config = parse_aws_file(
        "[default]\nregion = x\n\n[profile me-a-oaar]\nRole_Arn = arn\n[sso-session s]\nk = v\n", True
    )
    assert sorted(config) == ["default", "me-a-oaar"]
    assert config["me-a-oaar"].line == 4 and config["me-a-oaar"].get("role_arn") == "arn"
    credentials = parse_aws_file("[me-bootstrap]\naws_access_key_id = A\naws_secret_access_key = B\n", False)
    assert credentials["me-bootstrap"].has_keys


def test_missing_files_are_empty_with_a_note(tmp_path: Path) -> None:
    missing = read_aws_file(tmp_path / "config", "~/.aws/me/config", True)
    assert missing.sections == {} and not missing.exists
    assert missing.problem == "~/.aws/me/config: not found (treated as empty)"


def test_an_unparsable_file_never_quotes_its_content(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_text("aws_secret_access_key = TopSecretValue123\n[ok]\n", encoding="utf-8")
    result = read_aws_file(path, "~/.aws/me/credentials", False)
    assert result.sections is None
    assert result.problem is not None and "TopSecretValue123" not in result.problem and "line 1" in result.problem


@pytest.mark.parametrize("content", [b"\xff\xfe[x]\n", None])
def test_unusable_files_are_reported_not_raised(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "config"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    result = read_aws_file(path, "cfg", True)
    assert result.sections is None and result.problem


def test_key_ids_are_masked_to_their_last_four_characters() -> None:
    assert mask("FAKEKEYIDBOOTSTRAP01") == "****************AP01"
    assert "FAKE" not in mask("FAKEKEYIDBOOTSTRAP01")
    assert mask("short") == "****"


# --- checks per phase ----------------------------------------------------------------------


@pytest.mark.parametrize("phase", ["p0", "p1", "p2", "sso"])
def test_each_phase_workstation_matches_its_project(phase: str, project: Callable[[str], Path], tmp_path: Path) -> None:
    assert local_findings(project(phase), fake_aws(tmp_path, phase)) == []


@pytest.mark.parametrize(
    ("phase", "aws", "expected"),
    [
        ("p1", "p0", {"LOC002", "LOC004"}),  # project moved on, workstation did not
        ("p2", "p1", {"LOC001"}),  # no SECURITY run yet
        ("p0", "p1", {"LOC003"}),  # mfa_serial while MFA is off (source me-management is fine in P0)
        ("sso", "p2", {"LOC001"}),  # IAM profiles only: no me-sso, no me-sso-<account>
    ],
)
def test_a_workstation_of_another_phase_fails(
    phase: str, aws: str, expected: set[str], project: Callable[[str], Path], tmp_path: Path
) -> None:
    assert {rule for rule, _ in local_findings(project(phase), fake_aws(tmp_path, aws))} == expected


def test_check_without_local_never_reads_the_aws_files(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = project("p1")
    home = tmp_path / "home"
    (home / ".aws" / "me").mkdir(parents=True)
    (home / ".aws" / "me" / "config").write_text("not ini\n", encoding="utf-8")
    result = run_cli("check", str(root), "--format", "json", env={"HOME": str(home)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["findings"] == []
    assert analyse(Options(path=root)).local is None


def test_local_is_ignored_in_ci_mode_even_through_the_api(project: Callable[[str], Path], tmp_path: Path) -> None:
    analysis = analyse(Options(path=project("p2"), local=True, ci=True, aws_dir=fake_aws(tmp_path, "p0")))
    assert analysis.local is None and not [f for f in analysis.findings if f.rule.startswith("LOC")]


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("check", "--local", "--ci"), {}),
        (("check", "--local"), {"GITHUB_ACTIONS": "true"}),
        (("profiles",), {"GITHUB_ACTIONS": "true"}),
    ],
)
def test_local_checks_refuse_to_run_in_ci(
    args: tuple[str, ...], env: dict[str, str], project: Callable[[str], Path]
) -> None:
    result = run_cli(*args, str(project("p1")), env=env)
    assert result.returncode == 2
    assert "never run in CI" in result.stderr and "Traceback" not in result.stderr


def test_the_default_directory_is_home_aws_short_name(project: Callable[[str], Path], tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(AWS / "p1", home / ".aws" / "me")
    result = run_cli("profiles", str(project("p2")), env={"HOME": str(home)})
    assert result.returncode == 1
    assert "~/.aws/me/config has no [profile me-security-devops]" in result.stdout
    assert str(home) not in result.stdout


def test_hand_written_profiles_get_no_command(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = project("p1")
    backend = root / SHARED_BACKEND
    backend.write_text(backend.read_text().replace("me-shared-oaar", "me-shared-secops"), encoding="utf-8")
    aws_dir = fake_aws(tmp_path, "p1")
    analysis = analyse(Options(path=root, select=("LOC",), local=True, aws_dir=aws_dir))
    [finding] = analysis.findings
    assert finding.rule == "LOC001" and "maintained by hand" in finding.message
    manual = f"edit [profile me-shared-secops] in {aws_dir}/config by hand (the Leverage CLI never writes it)"
    assert finding.companion == manual
    result = run_cli("profiles", str(root), "--aws-dir", str(aws_dir))
    assert f"1. (by hand) {manual}" in result.stdout


def test_layer_provider_profiles_are_checked_too(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = project("p2")
    config = root / "shared/us-east-1/base-network/config.tf"
    extra = '\nprovider "aws" {\n  alias   = "security"\n  profile = "${var.project}-security-oaar"\n}\n'
    config.write_text(config.read_text() + extra, encoding="utf-8")
    aws_dir = fake_aws(tmp_path, "p2")
    (aws_dir / "config").write_text(
        (aws_dir / "config").read_text().replace("[profile me-security-oaar]", "[profile me-old-oaar]"),
        encoding="utf-8",
    )
    assert local_findings(root, aws_dir) == [("LOC001", "shared/us-east-1/base-network/config.tf")]


# --- companion commands --------------------------------------------------------------------


def test_commands_are_grouped_and_ordered(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = project("p2")
    for layer in ("management/global/base-identities", "shared/us-east-1/base-network"):
        state = root / layer / ".terraform" / "terraform.tfstate"
        state.parent.mkdir(parents=True)
        state.write_text('{"backend": {"type": "s3", "config": {"profile": "me-bootstrap"}}}', encoding="utf-8")
    assert commands(root, fake_aws(tmp_path, "p0")) == [
        "leverage credentials configure --type MANAGEMENT --fetch-mfa-device",  # 2 findings, no keys yet
        "leverage credentials configure --type SECURITY --fetch-mfa-device",  # 2 findings
        "cd management/global/base-identities && leverage tf init -reconfigure",
        "cd shared/us-east-1/base-network && leverage tf init -reconfigure",
    ]


def test_p0_profiles_come_from_a_bootstrap_run_that_keeps_its_keys(
    project: Callable[[str], Path], tmp_path: Path
) -> None:
    aws_dir = fake_aws(tmp_path, "p0")
    (aws_dir / "config").write_text("[default]\nregion = us-east-1\n", encoding="utf-8")
    assert commands(project("p0"), aws_dir) == [
        "leverage credentials configure --type BOOTSTRAP --skip-access-keys-setup"
    ]


def test_mfa_device_is_fetched_with_existing_keys_skipped(project: Callable[[str], Path], tmp_path: Path) -> None:
    aws_dir = fake_aws(tmp_path, "p1")
    text = (aws_dir / "config").read_text()
    (aws_dir / "config").write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith("mfa_serial")), encoding="utf-8"
    )
    assert commands(project("p1"), aws_dir) == [
        "leverage credentials configure --type MANAGEMENT --fetch-mfa-device --skip-access-keys-setup"
    ]


def test_incomplete_keys_are_overwritten(project: Callable[[str], Path], tmp_path: Path) -> None:
    aws_dir = fake_aws(tmp_path, "p2")
    text = (aws_dir / "credentials").read_text()
    (aws_dir / "credentials").write_text(
        text.replace("aws_secret_access_key = FakeSecretSecurity00000000000000000000001\n", ""), encoding="utf-8"
    )
    assert commands(project("p2"), aws_dir) == [
        "leverage credentials configure --type SECURITY --fetch-mfa-device --overwrite-existing-credentials"
    ]


def test_sso_profiles_come_from_aws_configure_sso(project: Callable[[str], Path], tmp_path: Path) -> None:
    assert commands(project("sso"), fake_aws(tmp_path, "p2")) == ["leverage aws configure sso"]


def test_repository_edits_come_first_and_are_never_run(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = project("p1")
    (root / "build.env").write_text((root / "build.env").read_text().replace("MFA_ENABLED=true", "MFA_ENABLED=false"))
    aws_dir = fake_aws(tmp_path, "p1")
    analysis = analyse(Options(path=root, select=("LOC",), local=True, aws_dir=aws_dir, target_phase="p1"))
    steps = build_plan(analysis.findings)
    assert [s.command for s in steps] == ["set MFA_ENABLED=true in the root build.env (`mfa-guard fix` does it)"]
    assert not steps[0].runnable and len(steps[0].findings) == 3


def test_companion_commands_parse_back_into_argv_and_directory() -> None:
    assert parse_command("cd 'a b/c' && leverage tf init -reconfigure") == (
        ("leverage", "tf", "init", "-reconfigure"),
        "a b/c",
    )
    assert parse_command("set MFA_ENABLED=true in build.env")[0] is None
    assert parse_command("leverage x && rm -rf /")[0] is None


# --- no secret in any output ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("phase", "aws"), [("p1", "p0"), ("p2", "p2"), ("sso", "sso"), ("p2", "p1")])
def test_no_secret_ever_appears_in_any_format(
    fmt: str, phase: str, aws: str, project: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(phase)
    aws_dir = fake_aws(tmp_path, aws)
    secrets = secrets_in(aws_dir)
    assert secrets
    report = tmp_path / "report.out"
    outputs = []
    for command in (("profiles",), ("check", "--local")):
        code = main([*command, str(root), "--aws-dir", str(aws_dir), "--format", fmt, "--report", f"{fmt}:{report}"])
        captured = capsys.readouterr()
        assert code in (0, 1), captured.err
        outputs += [captured.out, captured.err, report.read_text(encoding="utf-8")]
    for secret in secrets:
        assert all(secret not in text for text in outputs), f"{secret} leaked in --format {fmt}"


def test_no_secret_in_the_message_of_a_broken_credentials_file(project: Callable[[str], Path], tmp_path: Path) -> None:
    aws_dir = fake_aws(tmp_path, "p1")
    (aws_dir / "credentials").write_text("aws_secret_access_key = FakeSecretBeforeAnySection0000000001\n")
    result = run_cli("profiles", str(project("p1")), "--aws-dir", str(aws_dir))
    assert result.returncode == 2
    assert "credentials: not an INI file (line 1)" in result.stdout
    assert "FakeSecretBeforeAnySection" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_aws_directory_is_a_clear_message(project: Callable[[str], Path], tmp_path: Path) -> None:
    result = run_cli("profiles", str(project("p0")), "--aws-dir", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert "config: not found (treated as empty)" in result.stdout
    assert "Traceback" not in result.stderr


def test_nothing_is_ever_written_under_the_aws_directory(project: Callable[[str], Path], tmp_path: Path) -> None:
    aws_dir = fake_aws(tmp_path, "p0")
    before = snapshot(aws_dir)
    root = project("p2")
    for args in (("profiles",), ("check", "--local"), ("profiles", "--format", "json")):
        run_cli(*args, str(root), "--aws-dir", str(aws_dir))
    assert snapshot(aws_dir) == before


# --- --exec --------------------------------------------------------------------------------


FAKE_LEVERAGE = """#!{python}
import json, os, shutil, sys
with open(os.environ["FAKE_LEVERAGE_LOG"], "a") as log:
    log.write(json.dumps({{"argv": sys.argv[1:], "cwd": os.getcwd()}}) + "\\n")
fix_from = os.environ.get("FAKE_LEVERAGE_FIX_FROM")
if fix_from:  # behave like a successful run: the profiles are now those of the fixed tree
    for name in ("config", "credentials"):
        shutil.copy(os.path.join(fix_from, name), os.path.join(os.environ["FAKE_LEVERAGE_AWS"], name))
print("leverage says hello on stdout")
sys.exit(int(os.environ.get("FAKE_LEVERAGE_EXIT", "0")))
"""


@pytest.fixture
def fake_leverage(tmp_path: Path) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "leverage"
    script.write_text(FAKE_LEVERAGE.format(python=sys.executable), encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return bin_dir


def exec_env(bin_dir: Path, aws_dir: Path, **extra: str) -> dict[str, str]:
    return {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "FAKE_LEVERAGE_LOG": str(bin_dir / "calls.jsonl"),
        "FAKE_LEVERAGE_AWS": str(aws_dir),
        **extra,
    }


def calls(bin_dir: Path) -> list[dict[str, object]]:
    log = bin_dir / "calls.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def stale_p2(project: Callable[[str], Path]) -> Path:
    root = project("p2")
    state = root / "management/global/base-identities/.terraform/terraform.tfstate"
    state.parent.mkdir(parents=True)
    state.write_text('{"backend": {"type": "s3", "config": {"profile": "me-management-oaar"}}}', encoding="utf-8")
    return root


def test_exec_runs_the_commands_in_order_and_rechecks(
    fake_leverage: Path, project: Callable[[str], Path], tmp_path: Path
) -> None:
    root = stale_p2(project)
    (root / "management/global/base-identities/.terraform/terraform.tfstate").write_text(
        '{"backend": {"type": "s3", "config": {"profile": "me-bootstrap"}}}', encoding="utf-8"
    )
    aws_dir = fake_aws(tmp_path, "p0")
    env = exec_env(fake_leverage, aws_dir, FAKE_LEVERAGE_FIX_FROM=str(AWS / "p2"))
    result = run_cli("profiles", str(root), "--aws-dir", str(aws_dir), "--exec", env=env)
    recorded = calls(fake_leverage)
    assert [c["argv"] for c in recorded] == [
        ["credentials", "configure", "--type", "MANAGEMENT", "--fetch-mfa-device"],
        ["credentials", "configure", "--type", "SECURITY", "--fetch-mfa-device"],
        ["tf", "init", "-reconfigure"],
    ]
    assert [Path(str(c["cwd"])) for c in recorded] == [root, root, root / "management/global/base-identities"]
    assert "==> [3/3] leverage tf init -reconfigure (in management/global/base-identities)" in result.stderr
    # the fake fixed the profiles but not the init state (it does not rewrite .terraform): that is what is left
    assert "re-checking" in result.stderr
    assert "LOC008" in result.stdout and "LOC001" not in result.stdout
    assert result.returncode == 1


def test_exec_with_everything_fixed_exits_zero(
    fake_leverage: Path, project: Callable[[str], Path], tmp_path: Path
) -> None:
    aws_dir = fake_aws(tmp_path, "p1")
    env = exec_env(fake_leverage, aws_dir, FAKE_LEVERAGE_FIX_FROM=str(AWS / "p2"))
    result = run_cli("profiles", str(stale_p2(project)), "--aws-dir", str(aws_dir), "--exec", env=env)
    assert len(calls(fake_leverage)) == 1
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings." in result.stdout


def test_exec_stops_at_the_first_failure(fake_leverage: Path, project: Callable[[str], Path], tmp_path: Path) -> None:
    aws_dir = fake_aws(tmp_path, "p0")
    env = exec_env(fake_leverage, aws_dir, FAKE_LEVERAGE_EXIT="3")
    result = run_cli("profiles", str(project("p2")), "--aws-dir", str(aws_dir), "--exec", env=env)
    assert len(calls(fake_leverage)) == 1
    assert "failed with exit code 3; the remaining commands were not run" in result.stderr
    assert "LOC001" in result.stdout  # re-checked: still there
    assert result.returncode == 1


def test_exec_without_leverage_on_path_is_a_clear_error(project: Callable[[str], Path], tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    aws_dir = fake_aws(tmp_path, "p0")
    env = {"PATH": str(empty)}  # the interpreter is started by absolute path
    result = run_cli("profiles", str(project("p2")), "--aws-dir", str(aws_dir), "--exec", env=env)
    assert result.returncode == 2
    assert "`leverage` (the Leverage CLI) is not on PATH" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_exec_with_a_machine_format_keeps_stdout_for_the_report(
    fake_leverage: Path, project: Callable[[str], Path], tmp_path: Path, fmt: str
) -> None:
    aws_dir = fake_aws(tmp_path, "p1")
    env = exec_env(fake_leverage, aws_dir, FAKE_LEVERAGE_FIX_FROM=str(AWS / "p2"))
    result = run_cli("profiles", str(stale_p2(project)), "--aws-dir", str(aws_dir), "--exec", "--format", fmt, env=env)
    assert len(calls(fake_leverage)) == 1
    json.loads(result.stdout)  # nothing but the report
    assert "leverage says hello on stdout" in result.stderr
    assert result.returncode == 0, result.stderr


def test_exec_with_the_console_format_leaves_the_cli_on_the_terminal(
    fake_leverage: Path, project: Callable[[str], Path], tmp_path: Path
) -> None:
    aws_dir = fake_aws(tmp_path, "p1")
    env = exec_env(fake_leverage, aws_dir, FAKE_LEVERAGE_FIX_FROM=str(AWS / "p2"))
    result = run_cli("profiles", str(stale_p2(project)), "--aws-dir", str(aws_dir), "--exec", env=env)
    assert "leverage says hello on stdout" in result.stdout


def test_exec_with_nothing_to_run_runs_nothing(
    fake_leverage: Path, project: Callable[[str], Path], tmp_path: Path
) -> None:
    aws_dir = fake_aws(tmp_path, "p1")
    result = run_cli(
        "profiles", str(project("p1")), "--aws-dir", str(aws_dir), "--exec", env=exec_env(fake_leverage, aws_dir)
    )
    assert result.returncode == 0 and calls(fake_leverage) == []
    assert "no `leverage` command to run" in result.stderr


# --- details of single rules -----------------------------------------------------------------


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


SHARED_OAAR = (
    "role_arn = arn:aws:iam::000123456791:role/OrganizationAccountAccessRole\nsource_profile = me-management\n"
)


def test_iam_mode_mixed_profile_is_regenerated_by_its_credential_type(
    project: Callable[[str], Path], tmp_path: Path
) -> None:
    aws_dir = fake_aws(tmp_path, "p1")
    edit(aws_dir / "config", SHARED_OAAR, SHARED_OAAR + "expiration = 1700000000000\n")
    analysis = analyse(Options(path=project("p1"), select=("LOC",), local=True, aws_dir=aws_dir))
    assert [(f.rule, f.span.path, f.companion) for f in analysis.findings] == [
        (
            "LOC009",
            SHARED_BACKEND,
            "leverage credentials configure --type MANAGEMENT --fetch-mfa-device --skip-access-keys-setup",
        )
    ]


def test_no_source_profile_and_a_malformed_role_arn(project: Callable[[str], Path], tmp_path: Path) -> None:
    aws_dir = fake_aws(tmp_path, "p1")
    edit(aws_dir / "config", SHARED_OAAR, "role_arn = not-an-arn\n")
    analysis = analyse(Options(path=project("p1"), select=("LOC",), local=True, aws_dir=aws_dir))
    messages = {f.rule: f.message for f in analysis.findings}
    assert sorted(messages) == ["LOC005", "LOC006"]
    assert "has no source_profile (MFA entrypoint exit 152)" in messages["LOC005"]
    assert "role_arn not-an-arn, which is not an IAM role ARN" in messages["LOC006"]


@pytest.mark.parametrize(("arn_account", "expected"), [("000123456791", []), ("000123456790", ["LOC006"])])
def test_unquoted_numeric_account_ids_keep_their_leading_zeros(
    arn_account: str, expected: list[str], project: Callable[[str], Path], tmp_path: Path
) -> None:
    root = project("p1")
    edit(root / "config/common.tfvars", 'id    = "000123456791"', "id    = 000123456791")
    aws_dir = fake_aws(tmp_path, "p1")
    edit(aws_dir / "config", "arn:aws:iam::000123456791:role", f"arn:aws:iam::{arn_account}:role")
    assert [rule for rule, _ in local_findings(root, aws_dir)] == expected


def test_an_unreadable_init_state_is_a_note_not_a_crash(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = project("p1")
    state = root / "management/global/organizations/.terraform/terraform.tfstate"
    state.parent.mkdir(parents=True)
    state.write_text("{not json", encoding="utf-8")
    result = run_cli("check", str(root), "--local", "--aws-dir", str(fake_aws(tmp_path, "p1")))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "management/global/organizations/.terraform/terraform.tfstate: not valid JSON" in result.stdout
    assert "Traceback" not in result.stderr


def test_exec_refuses_to_run_over_an_unreadable_file(
    fake_leverage: Path, project: Callable[[str], Path], tmp_path: Path
) -> None:
    aws_dir = fake_aws(tmp_path, "p1")
    (aws_dir / "credentials").write_text("no section header\n", encoding="utf-8")
    env = exec_env(fake_leverage, aws_dir)
    result = run_cli("profiles", str(project("p2")), "--aws-dir", str(aws_dir), "--exec", env=env)
    assert result.returncode == 2 and calls(fake_leverage) == []
    assert "nothing was run" in result.stderr
