"""Unit tests of the MFA and backend-profile checks: blocked fixes, targets, companions, MFA005 steps."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

import pytest

from mfa_guard.checks import backends, env, mfa
from mfa_guard.checks.base import CheckContext, Settings
from mfa_guard.findings import Violation
from mfa_guard.fix.facts import record_applied, record_confirmed
from mfa_guard.guide.runbook import oaar_digest
from mfa_guard.load.project import LoadOptions, load_project
from mfa_guard.model import Project

Make = Callable[[str], Path]
CHECKS = {**mfa.CHECKS, **backends.CHECKS, **env.CHECKS}


def run(check: str, project: Project, ci: bool = False) -> list[Violation]:
    return list(CHECKS[check].function(CheckContext(project, {}, Settings(ci=ci))))


def edit(root: Path, relpath: str, old: str, new: str, count: int = 1) -> None:
    path = root / relpath
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == count, (relpath, old)
    path.write_text(text.replace(old, new), encoding="utf-8", newline="")


def load(root: Path, target: Optional[str] = None) -> Project:
    return load_project(root, LoadOptions(target_phase=target))


def only(violations: list[Violation]) -> Violation:
    assert len(violations) == 1, [v.message for v in violations]
    return violations[0]


OAAR_FALSE = "role_requires_mfa    = false\n  mfa_age              = 7200"
OAAR_TRUE = "role_requires_mfa    = true\n  mfa_age              = 7200"


def test_mfa002_management_fix_is_blocked_until_every_oaar_requires_mfa(project: Make) -> None:
    root = project("p0")
    edit(root, "build.env", "MFA_ENABLED=false", "MFA_ENABLED=true")
    violation = only(run("mfa_on_with_bootstrap_profile", load(root)))
    assert violation.fix is not None and violation.fix.blocked_by is not None
    blocked = violation.fix.blocked_by
    # listed in apply order: management first, then security, then shared (§5.8 step 4)
    order = [blocked.index(f"{a}/global/base-identities/roles.tf:18") for a in ("management", "security", "shared")]
    assert order == sorted(order)
    assert violation.fix.edits[0].text == "me-management-oaar"
    assert violation.companion is not None and "--type MANAGEMENT --fetch-mfa-device" in violation.companion


def test_mfa002_blocked_by_an_expression_is_never_guessed(project: Make) -> None:
    root = project("p1")
    edit(root, "management/config/backend.tfvars", '"me-management-oaar"', '"me-bootstrap"')
    edit(root, "shared/global/base-identities/roles.tf", OAAR_TRUE, OAAR_TRUE.replace("true", "var.oaar_mfa"))
    violation = only(run("mfa_on_with_bootstrap_profile", load(root)))
    assert violation.fix is not None
    assert violation.fix.blocked_by is not None and "expression" in violation.fix.blocked_by


def test_mfa002_member_target_follows_the_phase_and_needs_the_devops_module(project: Make) -> None:
    root = project("p2")
    edit(root, "shared/config/backend.tfvars", '"me-shared-devops"', '"me-bootstrap"')
    violation = only(run("mfa_on_with_bootstrap_profile", load(root)))
    assert violation.fix is not None and violation.fix.blocked_by is None
    assert violation.fix.edits[0].text == "me-shared-devops"
    assert violation.companion is not None and "--type SECURITY" in violation.companion
    # without a DevOps module the switch waits for it
    roles = root / "shared/global/base-identities/roles.tf"
    text = roles.read_text(encoding="utf-8")
    roles.write_text(text[: text.index("#\n# Assumable Role: DevOps")], encoding="utf-8")
    violation = only(run("mfa_on_with_bootstrap_profile", load(root)))
    assert violation.fix is not None and violation.fix.blocked_by is not None
    assert "DevOps module" in violation.fix.blocked_by


def test_prf004_mid_step_4_is_a_warning_with_a_blocked_fix(project: Make) -> None:
    root = project("p0")
    edit(root, "management/global/base-identities/roles.tf", "role_requires_mfa    = false", "role_requires_mfa = true")
    # On the guide's path (no target phase set) this state is progress: MFA005's note, no PRF004.
    assert run("bootstrap_after_mfa", load(root)) == []
    violation = only(run("bootstrap_after_mfa", load(root, "p1")))  # the phase demanded
    assert violation.severity == "warning"
    assert violation.fix is not None and violation.fix.blocked_by is not None
    pending = violation.fix.blocked_by.split(":", 1)[1]
    assert "security/global/base-identities/roles.tf" in pending and "shared/global/base-identities/roles.tf" in pending
    # management's OAAR requires MFA in the code, but its apply is only done once recorded
    assert "management/global/base-identities/roles.tf" not in pending
    assert "the apply of management/global/base-identities is not recorded" in pending


def test_prf004_after_step_4_is_an_error_with_an_open_fix(project: Make) -> None:
    root = project("p1")
    edit(root, "build.env", "MFA_ENABLED=true", "MFA_ENABLED=false")
    edit(root, "management/config/backend.tfvars", '"me-management-oaar"', '"me-bootstrap"')
    assert run("bootstrap_after_mfa", load(root)) == []  # on the guide's path: MFA005's note
    violation = only(run("bootstrap_after_mfa", load(root, "p1")))
    assert violation.fix is not None and violation.fix.blocked_by is not None  # no apply recorded
    assert "is not recorded" in violation.fix.blocked_by
    for account in ("management", "security", "shared"):
        layer = f"{account}/global/base-identities"
        record_applied(root, layer, oaar_digest(load(root), layer), user="tester")
    violation = only(run("bootstrap_after_mfa", load(root, "p1")))
    assert violation.severity is None
    assert violation.fix is not None and violation.fix.blocked_by is None
    assert violation.companion is not None and violation.companion.endswith("layer of management/")


def test_prf004_in_sso_mode_targets_the_sso_role_profile(project: Make) -> None:
    root = project("sso")
    edit(root, "management/config/backend.tfvars", '"me-management-oaar"', '"me-bootstrap"')
    violation = only(run("bootstrap_after_mfa", load(root)))
    assert violation.fix is not None and violation.fix.edits[0].text == "me-management-administrator"
    assert violation.companion is not None and violation.companion.startswith("leverage aws configure sso")


def test_prf003_in_sso_mode_uses_the_account_sso_role(project: Make) -> None:
    root = project("sso")
    edit(root, "shared/config/backend.tfvars", '"me-shared-devops"', '"me-bootstrap"')
    violation = only(run("bootstrap_in_member_account", load(root)))
    assert violation.fix is not None and violation.fix.edits[0].text == "me-shared-devops"


def test_prf003_needs_a_known_management_account(project: Make) -> None:
    root = project("p0")
    edit(root, "shared/config/backend.tfvars", '"me-shared-oaar"', '"me-bootstrap"')
    assert len(run("bootstrap_in_member_account", load(root))) == 1
    loaded = load_project(root, LoadOptions(management_account="nonexistent"))
    assert run("bootstrap_in_member_account", loaded) == []


def test_prf006_management_switch_waits_for_every_oaar_in_p0(project: Make) -> None:
    root = project("p0")
    edit(root, "management/config/backend.tfvars", '"me-bootstrap"', '"me-management"')
    violation = only(run("base_credentials_as_backend", load(root)))
    assert violation.fix is not None and violation.fix.edits[0].text == "me-management-oaar"
    assert violation.fix.blocked_by is not None


def test_prf008_waits_for_a_devops_module(project: Make) -> None:
    root = project("p1")
    roles = root / "shared/global/base-identities/roles.tf"
    text = roles.read_text(encoding="utf-8")
    roles.write_text(text[: text.index("#\n# Assumable Role: DevOps")], encoding="utf-8")
    violations = run("oaar_for_daily_ops", load(root, "p2"))
    blocked = {v.span.path: v.fix.blocked_by if v.fix else "no fix" for v in violations}
    # lock-out guard: the security users' MFA devices are confirmed before any DevOps switch
    assert "mfa-guard plan --confirm security-mfa" in str(blocked["security/config/backend.tfvars"])
    record_confirmed(root, "security-mfa", user="tester")
    violations = run("oaar_for_daily_ops", load(root, "p2"))
    blocked = {v.span.path: v.fix.blocked_by if v.fix else "no fix" for v in violations}
    assert blocked["security/config/backend.tfvars"] is None
    assert "DevOps module" in str(blocked["shared/config/backend.tfvars"])


def test_prf005_keeps_the_written_prefix(project: Make) -> None:
    root = project("p1")
    edit(root, "management/config/backend.tfvars", '"me-management-oaar"', '"me-management-devops"')
    violation = only(run("devops_in_management", load(root)))
    assert violation.fix is not None and violation.fix.applicability == "safe"
    assert violation.fix.edits[0].text == "me-management-oaar"


def test_mfa001_and_env004_write_the_same_edit(project: Make) -> None:
    """Both fire on a P1 tree without the key; identical edits let the fixer write the line once."""
    root = project("p1")
    edit(root, "build.env", "MFA_ENABLED=true\n", "")
    loaded = load(root)
    ours, theirs = only(run("mfa_off_roles_require_mfa", loaded)), only(run("mfa_flag_missing", loaded))
    assert ours.fix is not None and theirs.fix is not None
    assert ours.fix.edits == theirs.fix.edits
    assert (ours.span.path, ours.span.line) == ("build.env", 1)


def test_mfa001_names_both_credential_types_in_p2(project: Make) -> None:
    root = project("p2")
    edit(root, "build.env", "MFA_ENABLED=true", "MFA_ENABLED=false")
    violation = only(run("mfa_off_roles_require_mfa", load(root)))
    assert violation.companion is not None
    assert "--type MANAGEMENT" in violation.companion and "--type SECURITY" in violation.companion
    assert run("mfa_off_roles_require_mfa", load(root), ci=True) == []


def test_mfa001_never_guesses_an_unresolved_flag(project: Make) -> None:
    root = project("p1")
    edit(root, "build.env", "MFA_ENABLED=true", "MFA_ENABLED=${UNSET_FLAG}")
    assert run("mfa_off_roles_require_mfa", load(root)) == []


def test_mfa001_without_a_root_build_env_points_at_a_backend(project: Make) -> None:
    root = project("p1")
    (root / "build.env").unlink()
    violation = only(run("mfa_off_roles_require_mfa", load(root)))
    assert violation.span.path.endswith("config/backend.tfvars")
    assert violation.fix is None


@pytest.mark.parametrize(
    ("written", "severity", "fixed"),
    [('"false"', None, "false"), ('"FALSE"', None, "false"), ('"true"', "note", "true"), ('"yes"', None, None)],
)
def test_mfa004_rewrites_only_strings_that_spell_a_bool(
    project: Make, written: str, severity: Optional[str], fixed: Optional[str]
) -> None:
    root = project("p0")
    edit(root, "config/common.tfvars", "sso_enabled = false", f"sso_enabled = {written}")
    violation = only(run("sso_enabled_quoted", load(root)))
    assert violation.severity == severity
    assert (violation.fix.edits[0].text if violation.fix else None) == fixed


def test_mfa003_reports_a_nested_build_env_too(project: Make) -> None:
    root = project("sso")
    nested = root / "shared/us-east-1/base-network/build.env"
    nested.write_text("MFA_ENABLED=true\n", encoding="utf-8")
    violation = only(run("mfa_flag_under_sso", load(root)))
    assert violation.span.path == "shared/us-east-1/base-network/build.env"


def test_mfa005_lists_the_steps_in_documented_order(project: Make) -> None:
    root = project("p0")
    edit(root, "build.env", "MFA_ENABLED=false", "MFA_ENABLED=true")
    edit(root, "shared/config/backend.tfvars", '"me-shared-oaar"', '"me-shared-devops"')
    violation = only(run("mfa_transition_incomplete", load(root)))
    assert "heading for P2: 5 steps remain" in violation.message
    message = violation.detail or ""  # the steps: shown by the full formats and JSON, not on the finding's line
    steps = [
        "role_requires_mfa = true",
        "in this order: management, security, shared",
        'set profile = "me-management-oaar"',
        "--type MANAGEMENT --fetch-mfa-device",
        "init -reconfigure",
        "security/config/backend.tfvars -> me-security-devops",
    ]
    positions = [message.index(step) for step in steps]
    assert positions == sorted(positions)
    assert "MFA_ENABLED=true in the root" not in message  # already done


def test_mfa005_is_quiet_with_one_step_left_and_outside_iam(project: Make) -> None:
    root = project("p1")
    edit(root, "build.env", "MFA_ENABLED=true", "MFA_ENABLED=false")
    assert run("mfa_transition_incomplete", load(root)) == []
    assert run("mfa_transition_incomplete", load(project("sso"))) == []


def test_profiles_follow_the_environment_name_not_the_directory(project: Make) -> None:
    """le-tf-infra-aws 2022-2025: directory management/, environment "root", profile bb-root-oaar."""
    root = project("p1")
    edit(root, "build.env", "MFA_ENABLED=true", "MFA_ENABLED=false")
    edit(root, "management/config/account.tfvars", '"management"', '"root"')
    edit(root, "management/config/backend.tfvars", '"me-management-oaar"', '"me-root-oaar"')
    loaded = load(root)
    violation = only(run("mfa_off_roles_require_mfa", loaded))
    assert "me-root-oaar" in violation.message and "management/global/base-identities/roles.tf" in violation.message
    edit(root, "build.env", "MFA_ENABLED=false", "MFA_ENABLED=true")
    edit(root, "management/config/backend.tfvars", '"me-root-oaar"', '"me-bootstrap"')
    violation = only(run("mfa_on_with_bootstrap_profile", load(root)))
    assert violation.fix is not None and violation.fix.edits[0].text == "me-root-oaar"
