"""Unit tests of the ROL and OUT checks: edits in the file's own style, guards, secrets kept out."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Callable

import pytest

from mfa_guard.analysis import analyse
from mfa_guard.checks import outputs, roles
from mfa_guard.checks.base import CheckContext
from mfa_guard.findings import Violation
from mfa_guard.fix.apply import apply_edits
from mfa_guard.fix.facts import record_confirmed
from mfa_guard.fix.tidy import tidy
from mfa_guard.load.project import load_project
from mfa_guard.model import Project
from mfa_guard.phase import infer_state
from mfa_guard.prepare import Options
from mfa_guard.rules import find_rule, load_rules

Make = Callable[[str], Path]
OUTPUTS = "management/global/base-identities/outputs.tf"
ROLES = "shared/global/base-identities/roles.tf"


def rule_params(rule_id: str) -> dict[str, Any]:
    rule = find_rule(load_rules(), rule_id)
    assert rule is not None
    return dict(rule.params)


def run(family: Any, check: str, project: Project, **params: Any) -> list[Violation]:
    return list(family.CHECKS[check].function(CheckContext(project, params)))


def out001(project: Project) -> list[Violation]:
    return run(outputs, "output_not_sensitive", project, **rule_params("OUT001"))


def write(root: Path, relpath: str, text: str) -> None:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")


def edit(root: Path, relpath: str, old: str, new: str) -> None:
    text = (root / relpath).read_text(encoding="utf-8")
    assert old in text, old
    write(root, relpath, text.replace(old, new))


def fixed_text(project: Project, violation: Violation) -> str:
    assert violation.fix is not None
    path = violation.fix.edits[0].path
    return apply_edits(project.sources[path].text, violation.fix.edits)


def reload_with(root: Path, path: str, text: str) -> Project:
    write(root, path, text)
    return load_project(root)


SECRET_OUTPUT = 'output "pw" {\n  value = module.user["a"].iam_user_login_profile_encrypted_password\n}\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # absent: inserted after the last attribute with that attribute's indentation
        (
            SECRET_OUTPUT,
            'output "pw" {\n  value = module.user["a"].iam_user_login_profile_encrypted_password\n  sensitive = true\n}\n',
        ),
        # CRLF and tabs are kept
        (
            'output "pw" {\r\n\tvalue = module.u.iam_access_key_encrypted_secret\r\n}\r\n',
            'output "pw" {\r\n\tvalue = module.u.iam_access_key_encrypted_secret\r\n\tsensitive = true\r\n}\r\n',
        ),
        # aligned `=` and a trailing comment survive; only the value token changes
        (
            'output "pw" {\n  value       = module.u.this_iam_user_login_profile_encrypted_password\n'
            "  sensitive   = false # temporarily\n}\n",
            'output "pw" {\n  value       = module.u.this_iam_user_login_profile_encrypted_password\n'
            "  sensitive   = true # temporarily\n}\n",
        ),
        ('output "pw" {\n  value = module.u.keybase_password_pgp_message\n  sensitive = "false"\n}\n', None),
        # last line without a final newline
        (
            'output "pw" {\n  value = module.u.iam_access_key_encrypted_secret }',
            'output "pw" {\n  value = module.u.iam_access_key_encrypted_secret\n  sensitive = true\n}',
        ),
        # the whole block on one line
        (
            'output "pw" { value = module.u.iam_access_key_encrypted_secret }\n',
            'output "pw" {\n  value = module.u.iam_access_key_encrypted_secret\n  sensitive = true\n}\n',
        ),
    ],
)
def test_out001_fix_follows_the_file_style(project: Make, text: str, expected: str | None) -> None:
    root = project("p1")
    loaded = reload_with(root, OUTPUTS, text)
    [violation] = out001(loaded)
    assert violation.fix is not None and violation.fix.applicability == "safe"
    result = fixed_text(loaded, violation)
    if expected is not None:
        assert result == expected
    again = reload_with(root, OUTPUTS, result)  # the fixed file parses and is clean: idempotent
    assert out001(again) == []


def test_out001_never_prints_a_literal_value(project: Make) -> None:
    root = project("p1")
    text = 'output "leak" {\n  value = "hunter2-encrypted_password-s3cr3t"\n}\n'
    [violation] = out001(reload_with(root, OUTPUTS, text))
    assert "hunter2" not in violation.message and "s3cr3t" not in violation.message
    assert "`leak`" in violation.message


def test_out001_leaves_plaintext_outputs_to_out002(project: Make) -> None:
    root = project("p1")
    text = 'output "both" {\n  value = [module.u.iam_user_login_profile_password, module.u.iam_access_key_encrypted_secret]\n}\n'
    loaded = reload_with(root, OUTPUTS, text)
    assert out001(loaded) == []
    [violation] = run(outputs, "output_plaintext_secret", loaded, **rule_params("OUT002"))
    assert violation.fix is not None and "`iam_user_login_profile_password`" in violation.message


def test_out002_cannot_be_suppressed() -> None:
    rule = find_rule(load_rules(), "OUT002")
    assert rule is not None and rule.ignorable is False and rule.fix == "safe"


def test_out001_check_is_reusable_from_a_team_rule_file(project: Make, tmp_path: Path) -> None:
    root = project("p1")
    write(root, "shared/us-east-1/base-network/outputs.tf", 'output "vault" {\n  value = module.vault.root_token\n}\n')
    team = tmp_path / "team-rules.yaml"
    team.write_text(
        "rules:\n"
        "  - id: TEAM001\n"
        "    name: vault-token-output\n"
        "    severity: error\n"
        "    summary: A Vault token output is not sensitive.\n"
        "    why: Tokens in apply logs are tokens for everyone.\n"
        "    target: sensitive = true\n"
        "    fix: safe\n"
        "    check: output_not_sensitive\n"
        "    params: {patterns: ['root_token\\b']}\n",
        encoding="utf-8",
    )
    analysis = analyse(Options(path=root, rule_files=[team], select=["TEAM001"]))
    assert [(f.rule, f.span.path, f.span.line) for f in analysis.findings] == [
        ("TEAM001", "shared/us-east-1/base-network/outputs.tf", 1)
    ]


def test_rol001_orders_the_applies_and_waits_for_p1(project: Make) -> None:
    loaded = load_project(project("p0"))
    assert run(roles, "oaar_without_mfa", loaded) == []  # P0: false by design
    heading = dataclasses.replace(loaded, state=infer_state(loaded, "p1"))
    found = run(roles, "oaar_without_mfa", heading)
    assert [v.span.path.split("/")[0] for v in found] == ["management", "security", "shared"]
    # the plan's numbers: step 1 confirms the management users' MFA devices, 2 edits management's OAAR
    assert "step 2 of 10 of `mfa-guard plan`" in found[0].message
    assert found[0].detail is not None and "the OAARs go management → security → shared" in found[0].detail
    assert "step 4 of 10" in found[1].message and "step 6 of 10" in found[2].message
    assert found[2].companion == "cd shared/global/base-identities && leverage tf apply"
    assert all(v.fix is not None and v.fix.applicability == "guarded" for v in found)
    # lock-out guard: no OAAR edit before the management users' MFA devices are confirmed
    assert all(v.fix is not None and v.fix.blocked_by and "virtual MFA device" in v.fix.blocked_by for v in found)
    root = loaded.root
    record_confirmed(root, "management-mfa", user="tester")
    confirmed = load_project(root)
    found = run(roles, "oaar_without_mfa", dataclasses.replace(confirmed, state=infer_state(confirmed, "p1")))
    assert found[0].fix is not None and found[0].fix.blocked_by is None
    # security's edit waits for management's recorded apply (§5.8: management first)
    assert found[1].fix is not None and found[1].fix.blocked_by is not None
    assert "the apply of management/global/base-identities is not recorded" in found[1].fix.blocked_by
    assert fixed_text(heading, found[0]).count("role_requires_mfa    = true") == 1


def test_rol001_is_blocked_without_management_users(project: Make) -> None:
    root = project("p0")
    (root / "management/global/base-identities/users.tf").unlink()
    loaded = load_project(root)
    heading = dataclasses.replace(loaded, state=infer_state(loaded, "p1"))
    found = run(roles, "oaar_without_mfa", heading)
    assert found and all(v.fix is not None and v.fix.blocked_by for v in found)


def test_rol001_reads_quoted_false_and_skips_expressions(project: Make) -> None:
    root = project("p1")
    edit(
        root,
        ROLES,
        "role_requires_mfa    = true\n  mfa_age              = 7200",
        'role_requires_mfa = "false"\n  mfa_age = 7200',
    )
    edit(
        root,
        "security/global/base-identities/roles.tf",
        "role_requires_mfa    = true\n  mfa_age              = 7200",
        "role_requires_mfa = var.oaar_mfa\n  mfa_age = 7200",
    )
    loaded = load_project(root)
    heading = dataclasses.replace(loaded, state=infer_state(loaded, "p1"))
    [violation] = run(roles, "oaar_without_mfa", heading)
    assert violation.span.path == ROLES


def test_rol002_inserts_in_the_block_style(project: Make) -> None:
    root = project("p1")
    edit(root, ROLES, "  role_requires_mfa    = true\n  mfa_age              = 43200", "  mfa_age              = 43200")
    loaded = load_project(root)
    [violation] = run(roles, "role_mfa_implicit", loaded)
    assert "module.iam_assumable_role_devops" in violation.message
    result = fixed_text(loaded, violation)
    # First in the `# MFA setup` section, not after `tags` (issue 14); the fix loop aligns it (tidy).
    assert "  # MFA setup\n  #\n  role_requires_mfa = true\n  mfa_age              = 43200" in result
    assert violation.fix is not None
    tidied = tidy(violation.fix, loaded.sources)
    aligned = apply_edits(loaded.sources[ROLES].text, tidied.edits)
    assert "  role_requires_mfa    = true\n  mfa_age              = 43200" in aligned
    assert run(roles, "role_mfa_implicit", reload_with(root, ROLES, result)) == []


def test_rol006_mixed_group_is_blocked(project: Make) -> None:
    root = project("p2")
    write(
        root,
        "security/global/base-identities/machine.tf",
        'module "machine_user" {\n  source = "github.com/binbashar/terraform-aws-iam.git//modules/iam-user?ref=v4.7.0"\n'
        '  name = "ci"\n  pgp_key = "keybase:ci"\n}\n',
    )
    edit(
        root,
        "security/global/base-identities/groups.tf",
        'group_users                       = [module.user["natasha.romanoff"].iam_user_name]',
        'group_users                       = [module.user["natasha.romanoff"].iam_user_name, module.machine_user.iam_user_name]',
    )
    [violation] = run(roles, "machine_group_mfa_enforced", load_project(root))
    assert violation.fix is not None and violation.fix.blocked_by is not None
    assert 'module.user["natasha.romanoff"]' in violation.fix.blocked_by
    assert violation.span.line == 6  # the explicit `attach_iam_self_management_policy = true`


def test_rol007_default_mfa_age_and_param(project: Make) -> None:
    root = project("p1")
    edit(root, ROLES, "  mfa_age              = 43200 #", "  # mfa_age            = 43200 #")
    loaded = load_project(root)
    [violation] = run(roles, "role_session_limits", loaded)
    assert "module default 86400" in violation.message
    assert len(run(roles, "role_session_limits", loaded, max_mfa_age=3600)) == 4  # + both OAAR 7200, DevOps 43200


def test_out004_reports_each_missing_user_at_its_name(project: Make) -> None:
    root = project("p1")
    edit(
        root,
        "security/global/base-identities/locals.tf",
        '    "natasha.romanoff" = {',
        '    "bruce.banner" = {\n      groups = ["admins"]\n    }\n    "natasha.romanoff" = {',
    )
    [violation] = run(outputs, "missing_gpg_key_file", load_project(root))
    assert violation.span.path.endswith("locals.tf") and violation.span.line == 9
    assert violation.companion is not None and "keys/bruce.banner" in violation.companion


def test_a_team_pattern_that_is_not_a_regex_is_a_rule_file_error(tmp_path: Path) -> None:
    from mfa_guard.rules import RuleFileError

    team = tmp_path / "team.yaml"
    team.write_text(
        "id: TEAM002\nname: bad-pattern\nseverity: error\nsummary: x\nwhy: y\ntarget: z\nfix: safe\n"
        "check: output_not_sensitive\nparams: {patterns: ['token(']}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleFileError, match=r"patterns\[0\]"):
        load_rules([team])


@pytest.mark.parametrize(
    "value",
    [
        '"hunter2-encrypted_password-s3cr3t"',
        '{ pw = "hunter2-encrypted_password-s3cr3t" }',
        '"x-hunter2-encrypted_password-s3cr3t-${var.y}"',
        "<<EOT\nhunter2-encrypted_password-s3cr3t\nEOT",
    ],
)
def test_literals_are_never_echoed(project: Make, value: str) -> None:
    root = project("p1")
    [violation] = out001(reload_with(root, OUTPUTS, f'output "leak" {{\n  value = {value}\n}}\n'))
    assert "hunter2" not in violation.message and "s3cr3t" not in violation.message


def test_references_inside_interpolations_are_named(project: Make) -> None:
    root = project("p1")
    text = 'output "old" {\n  value = "${module.u.this_iam_user_login_profile_encrypted_password}"\n}\n'
    [violation] = out001(reload_with(root, OUTPUTS, text))
    assert violation.detail == "Its value references `this_iam_user_login_profile_encrypted_password`."
