"""Adversarial QA of the three states mfa-guard exists for: the unit-level facts behind the QA cases
(tests/fixtures/cases/QA). Each test names the variant it pins down."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from mfa_guard.checks import env, mfa
from mfa_guard.checks.base import CheckContext, Settings
from mfa_guard.guide.facts import truth_requires_mfa
from mfa_guard.load.accounts import management_directory
from mfa_guard.load.project import LoadOptions, load_project
from mfa_guard.model import Project

Make = Callable[[str], Path]


def edit(root: Path, relpath: str, old: str, new: str, count: int = 1) -> None:
    path = root / relpath
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == count, (relpath, old)
    path.write_text(text.replace(old, new), encoding="utf-8", newline="")


def load(root: Path) -> Project:
    return load_project(root, LoadOptions())


def test_management_found_by_environment_when_the_directory_is_named_otherwise() -> None:
    accounts = ["mgmt", "security", "shared"]
    names = {"mgmt": "management", "security": "security", "shared": "shared"}
    assert management_directory(accounts, {}, None, names) == "mgmt"
    # a directory literally named management/root still wins over an environment name
    assert (
        management_directory(["management", "x"], {}, None, {"management": "root", "x": "management"}) == "management"
    )
    assert management_directory(["a", "b"], {}, None, {"a": "a", "b": "root"}) == "b"
    assert management_directory(["a"], {}, None, {"a": "a"}) is None


def test_unresolved_flag_is_not_read_as_off(project: Make) -> None:
    root = project("p1")
    edit(root, "build.env", "MFA_ENABLED=true", "MFA_ENABLED=${FLAG}")
    state = load(root).state
    assert (state.phase, state.target_phase) == ("p1", "p1")
    assert "MFA_ENABLED cannot be resolved" in state.markers


def test_quoted_role_requires_mfa_is_the_bool_terraform_converts_it_to(project: Make) -> None:
    root = project("p0")
    edit(
        root,
        "security/global/base-identities/roles.tf",
        "role_requires_mfa    = false",
        'role_requires_mfa    = "false"',
    )
    edit(root, "shared/global/base-identities/roles.tf", "role_requires_mfa    = true", 'role_requires_mfa    = "true"')
    edit(root, "shared/global/base-identities/roles.tf", "role_requires_mfa    = false", "role_requires_mfa    = null")
    states = {(r.account, r.kind): r.mfa_state for r in load(root).roles}
    assert states[("security", "oaar")] == "false"
    assert states[("shared", "devops")] == "true"
    # null fails the module's condition since Terraform 1.1: its own value, which does not require MFA
    assert states[("shared", "oaar")] == "null"
    assert truth_requires_mfa(states[("shared", "oaar")]) is False


def test_build_env_lines_yaenv_rejects_are_parse_problems(project: Make) -> None:
    root = project("p0")
    (root / "build.env").write_bytes(b"PROJECT=me\nMFA_ENABLED: false\n")
    problems = [(p.path, p.span.line, p.kind) for p in load(root).problems]
    assert problems == [("build.env", 2, "syntax")]


def test_unreadable_common_tfvars_leaves_the_mode_unknown(project: Make) -> None:
    root = project("p1")
    edit(root, "config/common.tfvars", "sso_enabled = false", "sso_enabled = false\nsso_enabled = true")
    loaded = load(root)
    assert loaded.state.mode == "unknown"
    assert [p.span.line for p in loaded.problems if p.path == "config/common.tfvars"] == [23]
    edit(root, "build.env", "MFA_ENABLED=true", "MFA_ENABLED=false")
    context = CheckContext(load(root), {}, Settings())
    assert list(mfa.CHECKS["mfa_off_roles_require_mfa"].function(context)) == []
    assert list(env.CHECKS["mfa_flag_missing"].function(context)) == []


def test_flag_fix_waits_while_a_backend_uses_base_credentials(project: Make) -> None:
    root = project("p1")
    edit(root, "build.env", "MFA_ENABLED=true", "MFA_ENABLED=false")
    edit(root, "shared/config/backend.tfvars", '"me-shared-oaar"', '"me-bootstrap"')
    (violation,) = mfa.CHECKS["mfa_off_roles_require_mfa"].function(CheckContext(load(root), {}, Settings()))
    # MFA001's class is its rule file's (safe); the precondition holds it back, not a class change
    assert violation.fix is not None and violation.fix.applicability == "safe"
    assert (
        violation.fix.blocked_by is not None
        and "shared/config/backend.tfvars uses me-bootstrap" in violation.fix.blocked_by
    )
    edit(root, "shared/config/backend.tfvars", '"me-bootstrap"', '"me-shared-oaar"')
    (violation,) = mfa.CHECKS["mfa_off_roles_require_mfa"].function(CheckContext(load(root), {}, Settings()))
    assert violation.fix is not None and (violation.fix.applicability, violation.fix.blocked_by) == ("safe", None)


def test_outputs_are_read_from_every_tf_file_of_a_layer(project: Make) -> None:
    root = project("p1")
    layer = root / "management/global/base-identities"
    (layer / "outputs.tf").rename(layer / "output.tf")
    paths = {o.path for o in load(root).outputs}
    assert "management/global/base-identities/output.tf" in paths
