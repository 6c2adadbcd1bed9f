"""Unit tests of the PRF checks: token edits, the MFA entrypoint emulation, params, fixes."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from mfa_guard.checks import profiles
from mfa_guard.checks.base import CheckContext
from mfa_guard.checks.prf_format import canonical_line, entrypoint_value
from mfa_guard.checks.prf_names import backend_profiles, known_accounts
from mfa_guard.findings import Violation
from mfa_guard.fix.apply import apply_edits
from mfa_guard.load.project import load_project
from mfa_guard.model import Project

Make = Callable[[str], Path]


def run(check: str, project: Project, **params: Any) -> list[Violation]:
    return list(profiles.CHECKS[check].function(CheckContext(project, params)))


def write(root: Path, relpath: str, text: str) -> None:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")


def set_profile(root: Path, account: str, old: str, new: str) -> None:
    path = root / account / "config" / "backend.tfvars"
    text = path.read_text(encoding="utf-8")
    assert f'profile = "{old}"' in text
    path.write_text(text.replace(f'profile = "{old}"', new), encoding="utf-8", newline="")


def fixed_text(project: Project, violation: Violation) -> str:
    assert violation.fix is not None
    path = violation.fix.edits[0].path
    return apply_edits(project.sources[path].text, violation.fix.edits)


@pytest.mark.parametrize(
    ("part", "replacement", "expected"),
    [
        ("prefix", "me", '"me-apps-prd-oaar"'),
        ("account", "apps-devstg", '"bb-apps-devstg-oaar"'),
        ("suffix", "devops", '"bb-apps-prd-devops"'),
    ],
)
def test_token_edits_replace_only_their_token(project: Make, part: str, replacement: str, expected: str) -> None:
    root = project("p1")
    set_profile(root, "shared", "me-shared-oaar", 'profile = "bb-apps-prd-oaar"')
    loaded = load_project(root)
    bp = next(b for b in backend_profiles(loaded) if b.account.directory == "shared")
    edit = bp.token_edit(part, replacement)
    assert edit is not None
    text = apply_edits(loaded.sources[bp.path].text, [edit])
    assert f"profile = {expected}\n" in text


def test_token_edit_refuses_a_literal_written_with_escapes(project: Make) -> None:
    root = project("p1")
    set_profile(root, "shared", "me-shared-oaar", 'profile = "me-security\\u002doaar"')
    loaded = load_project(root)
    bp = next(b for b in backend_profiles(loaded) if b.account.directory == "shared")
    assert bp.name.text == "me-security-oaar"
    assert bp.token_edit("account", "shared") is None
    [violation] = run("backend_account_mismatch", loaded)
    assert violation.fix is None  # reported, never a blind edit


def test_account_mismatch_single_token_profile_has_no_fix(project: Make) -> None:
    root = project("p1")
    set_profile(root, "shared", "me-shared-oaar", 'profile = "default"')
    loaded = load_project(root)
    [violation] = run("backend_account_mismatch", loaded)
    assert violation.fix is None
    assert "'default' names no account" in violation.message
    assert run("backend_project_prefix", loaded) == []


def test_base_profiles_are_left_to_their_own_rules(project: Make) -> None:
    root = project("p1")
    set_profile(root, "shared", "me-shared-oaar", 'profile = "me-security"')
    set_profile(root, "security", "me-security-oaar", 'profile = "me-bootstrap"')
    assert run("backend_account_mismatch", load_project(root)) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('profile = "me-a-oaar"\n', "me-a-oaar"),
        ('profile         = "me-a-oaar"\n', "me-a-oaar"),
        ('profile\t=\t"me-a-oaar"\r\n', "me-a-oaar"),
        ('profile ="me-a-oaar"\n', "me-a-oaar"),
        ('profile="me-a-oaar"\n', ""),
        ('  profile = "me-a-oaar"\n', ""),
        ('profile = "me_a_oaar"\n', ""),
        ('profile_x = "me-a-oaar"\n', ""),
        ('PROFILE = "me-a-oaar"\n', "me-a-oaar"),  # grep -i
        ('profile = "me-a-oaar" # was "me-b-oaar"\n', "me-a-oaar # was me-b-oaar"),
        ('/*\nprofile = "me-old-oaar"\n*/\nprofile = "me-a-oaar"\n', "me-old-oaar me-a-oaar"),
    ],
)
def test_entrypoint_grep_emulation(text: str, value: str) -> None:
    assert entrypoint_value(text, "profile") == value


def test_canonical_line() -> None:
    line = canonical_line("region")
    assert line.match('region = "us-east-1" # c')
    assert line.match('region\t\t= "us-east-1"')
    assert not line.match('region="us-east-1"')
    assert not line.match(' region = "us-east-1"')


def test_script_format_fix_keeps_crlf_comments_and_is_idempotent(project: Make) -> None:
    root = project("p1")
    write(
        root,
        "shared/config/backend.tfvars",
        '# header\r\n\tprofile="me-shared-oaar" // role "x"\r\nregion = "us-east-1"\r\n'
        'bucket = "me-shared-terraform-backend"\r\ndynamodb_table = "me-shared-terraform-backend"\r\n',
    )
    loaded = load_project(root)
    [violation] = run("mfa_script_format", loaded)
    assert violation.fix is not None and violation.fix.applicability == "safe"
    assert violation.span.line == 2
    text = fixed_text(loaded, violation)
    assert text.startswith('# header\r\nprofile = "me-shared-oaar" // role "x"\r\nregion = "us-east-1"\r\n')
    write(root, "shared/config/backend.tfvars", text)
    [again] = run("mfa_script_format", load_project(root))
    # Well formed now, but the quoted word in the comment still reaches the grep: report only.
    assert again.fix is None and "'me-shared-oaar // role x'" in again.message


def test_script_format_reports_without_fix_when_a_comment_precedes_the_key(project: Make) -> None:
    root = project("p1")
    set_profile(root, "shared", "me-shared-oaar", '/* was me-bootstrap */ profile = "me-shared-oaar"')
    [violation] = run("mfa_script_format", load_project(root))
    assert violation.fix is None


def test_script_format_value_outside_the_pattern(project: Make) -> None:
    root = project("p1")
    set_profile(root, "shared", "me-shared-oaar", 'profile = "me.shared.oaar"')
    [violation] = run("mfa_script_format", load_project(root))
    assert violation.fix is None and "outside [A-Za-z0-9-]" in violation.message


def test_script_format_only_with_mfa_on_in_iam_mode(project: Make) -> None:
    for base in ("p0", "sso"):
        root = project(base)
        old = "me-shared-oaar" if base == "p0" else "me-shared-devops"
        set_profile(root, "shared", old, f'profile="{old}"')
        assert run("mfa_script_format", load_project(root)) == []


def test_nonstandard_suffix_allowed_suffixes(project: Make) -> None:
    root = project("p1")
    set_profile(root, "security", "me-security-oaar", 'profile = "me-security-secops"')
    loaded = load_project(root)
    [violation] = run("nonstandard_role_suffix", loaded)
    assert violation.fix is not None and violation.fix.applicability == "guarded"
    assert 'profile = "me-security-oaar"' in fixed_text(loaded, violation)
    assert violation.companion is not None and "--type MANAGEMENT" in violation.companion
    assert run("nonstandard_role_suffix", loaded, allowed_suffixes=["oaar", "devops", "secops"]) == []


def test_management_nonstandard_suffix_targets_oaar_in_p2(project: Make) -> None:
    root = project("p2")
    set_profile(root, "management", "me-management-oaar", 'profile = "me-management-admin"')
    loaded = load_project(root)
    [violation] = run("nonstandard_role_suffix", loaded)
    assert 'profile = "me-management-oaar"' in fixed_text(loaded, violation)


def test_sso_management_oaar_is_accepted_unless_disabled(project: Make) -> None:
    loaded = load_project(project("sso"))
    assert run("sso_suffix_mismatch", loaded) == []
    [violation] = run("sso_suffix_mismatch", loaded, allow_management_oaar=False)
    assert violation.span.path == "management/config/backend.tfvars"
    assert 'profile = "me-management-administrator"' in fixed_text(loaded, violation)


def test_prefix_fix_is_blocked_while_short_names_disagree(project: Make) -> None:
    root = project("p1")
    set_profile(root, "shared", "me-shared-oaar", 'profile = "bb-shared-oaar"')
    assert [v.fix.blocked_by for v in run("backend_project_prefix", load_project(root)) if v.fix] == [None]
    env = root / "build.env"
    env.write_text(env.read_text(encoding="utf-8").replace("PROJECT=me", "PROJECT=bb"), encoding="utf-8")
    [violation] = run("backend_project_prefix", load_project(root))
    assert violation.fix is not None and violation.fix.blocked_by is not None


def test_checks_needing_the_short_name_never_guess_it(project: Make) -> None:
    root = project("p1")
    common = root / "config" / "common.tfvars"
    common.write_text(common.read_text(encoding="utf-8").replace('"me"', '"m-e"', 1), encoding="utf-8")
    loaded = load_project(root)
    for check in ("backend_project_prefix", "backend_naming", "layer_profile_unknown_account"):
        assert run(check, loaded) == [], check


def test_known_accounts_from_every_source(project: Make) -> None:
    root = project("p1")
    common = root / "config" / "common.tfvars"
    text = common.read_text(encoding="utf-8")
    text += (
        'appsprd_account_id = "000123456799"\n'
        "organization = {\n"
        '  accounts = { network = { id = "1" } }\n'
        '  organizational_units = { apps = { accounts = { "apps-devstg" = { id = "2" } } } }\n'
        "}\n"
    )
    common.write_text(text, encoding="utf-8")
    write(root, "project.yaml", "short_name: me\norganization:\n  accounts:\n  - name: data-science\n")
    known = known_accounts(load_project(root))
    assert {"management", "security", "shared", "appsprd", "network", "apps-devstg", "data-science"} <= known


def test_layer_var_profile_is_left_to_the_backend_rules(project: Make) -> None:
    root = project("p1")
    set_profile(root, "shared", "me-shared-oaar", 'profile = "me-ghost-oaar"')
    loaded = load_project(root)
    assert run("layer_profile_unknown_account", loaded) == []
    assert len(run("backend_account_mismatch", loaded)) == 1


def test_account_dir_env_mismatch_skips_unparsable_account_tfvars(project: Make) -> None:
    root = project("p1")
    write(root, "shared/config/account.tfvars", 'environment = "shared\n')
    assert run("account_dir_env_mismatch", load_project(root)) == []


def test_unusable_profile_expression(project: Make) -> None:
    root = project("p0")
    set_profile(root, "shared", "me-shared-oaar", 'profile = "${var.project}-shared-oaar"')
    [violation] = run("backend_unparsable", load_project(root))
    assert "not a plain string" in violation.message


def test_messages_name_the_problem_without_a_trailing_period(project: Make) -> None:
    root = project("p1")
    set_profile(root, "shared", "me-shared-oaar", 'profile="bb-security-secops"')
    loaded = load_project(root)
    violations = [v for name in profiles.CHECKS for v in run(name, loaded)]
    assert {v.span.path for v in violations} == {"shared/config/backend.tfvars"}
    assert len(violations) == 4  # PRF001, PRF002, PRF007, PRF014
    assert all(not v.message.endswith(".") and v.address for v in violations)


def test_script_format_bom_hides_the_first_line_from_the_grep(project: Make) -> None:
    root = project("p1")
    path = root / "shared" / "config" / "backend.tfvars"
    text = path.read_text(encoding="utf-8")
    body = text[text.index('profile = "me-shared-oaar"') :]
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    [violation] = run("mfa_script_format", load_project(root))
    assert violation.fix is None and "byte order mark" in violation.message


def test_layer_interpolated_backend_profile_is_left_to_the_backend_rules(project: Make) -> None:
    root = project("p1")
    set_profile(root, "shared", "me-shared-oaar", 'profile = "me-ghost-oaar"')
    config = root / "shared" / "us-east-1" / "base-network" / "config.tf"
    config.write_text(
        config.read_text(encoding="utf-8").replace("profile = var.profile", 'profile = "${var.profile}"'),
        encoding="utf-8",
    )
    assert run("layer_profile_unknown_account", load_project(root)) == []


def test_account_fix_is_blocked_towards_a_name_the_accounts_map_lacks(project: Make) -> None:
    root = project("p1")
    write(root, "management/config/account.tfvars", 'environment = "root"\n')
    loaded = load_project(root)
    [violation] = run("backend_account_mismatch", loaded)
    assert "is account 'root'" in violation.message
    assert violation.fix is not None and violation.fix.blocked_by is not None
    common = root / "config" / "common.tfvars"
    common.write_text(common.read_text(encoding="utf-8").replace("  management = {", "  root = {"), encoding="utf-8")
    [violation] = run("backend_account_mismatch", load_project(root))
    assert violation.fix is not None and violation.fix.blocked_by is None


def test_management_account_named_root_is_clean(project: Make) -> None:
    root = project("p1")
    (root / "management").rename(root / "root")
    write(root, "root/config/account.tfvars", 'environment = "root"\n')
    backend = root / "root" / "config" / "backend.tfvars"
    text = backend.read_text(encoding="utf-8").replace("me-management-", "me-root-")
    backend.write_text(text, encoding="utf-8")
    common = root / "config" / "common.tfvars"
    common.write_text(common.read_text(encoding="utf-8").replace("  management = {", "  root = {"), encoding="utf-8")
    loaded = load_project(root)
    assert loaded.management is not None and loaded.management.name == "root"
    assert [v for name in profiles.CHECKS for v in run(name, loaded)] == []
