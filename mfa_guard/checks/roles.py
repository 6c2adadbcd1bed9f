"""Role checks (ROL): MFA conditions of the iam-assumable-role modules in base-identities (§3, §5.4)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Optional

from mfa_guard.checks.base import CheckContext, CheckSpec
from mfa_guard.checks.blocks import bool_state, header_span, layer_of, number_value, shown
from mfa_guard.checks.groups import machine_group_mfa_enforced
from mfa_guard.checks.wiring import confirmation_blocker, oaar_edit_blocker
from mfa_guard.findings import Fix, Violation
from mfa_guard.fix.edits import insert_attribute, set_attribute
from mfa_guard.guide.commands import apply_in
from mfa_guard.guide.facts import NULL, describe_truth
from mfa_guard.guide.order import in_guide_order
from mfa_guard.guide.position import quiet_transition
from mfa_guard.guide.runbook import CHECK_OAAR, TARGETS, build_plan
from mfa_guard.model import Project, Role
from mfa_guard.phase import at_least
from mfa_guard.span import Span

MFA = "role_requires_mfa"
HUMAN_KINDS = ("devops", "admin", "secops", "finops")
MACHINE_KINDS = ("machine", "service")
SESSION_RANGE = (3600, 43200)  # what AWS accepts for max_session_duration
DEFAULT_MFA_AGE = 86400  # iam-assumable-role default
ADMIN_POLICY = "AdministratorAccess"


def _roles(project: Project) -> list[Role]:
    """Roles with MFA inputs: iam-assumable-role-with-oidc has none, so it is skipped."""
    return [role for role in project.roles if not role.oidc]


def _state(role: Role) -> str:
    """The guide's one rule; null does not select the module default, so it is not MFA (like false)."""
    state = role.mfa_state
    return "false" if state == NULL else state


def _apply_command(path: str) -> str:
    return apply_in(layer_of(path))


def _management_without_users(project: Project) -> Optional[str]:
    """Flipping OAAR locks everyone out when no management IAM user can hold an MFA device."""
    management = project.management
    if management is None:
        return None
    layer = next((lay for lay in project.identity_layers if lay.account == management.directory), None)
    if layer is not None and layer.users:
        return None
    return (
        f"no IAM user is defined in {management.identities_layer}: create the management users and their "
        "MFA devices first, or nobody can assume the role once it requires MFA (recovery needs the root user)"
    )


def oaar_without_mfa(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    if not at_least(project.state, "p1") or quiet_transition(project):
        return  # in P0 the OAARs are false by design; on the guide's path MFA005's note says what is next
    flagged = [role for role in _roles(project) if role.kind == "oaar" and _state(role) == "false"]
    ranks = {a.directory: i for i, a in enumerate(in_guide_order(project.accounts))}
    flagged.sort(key=lambda role: ranks.get(role.account, len(ranks)))
    plan = build_plan(project, project.state.target_phase if project.state.target_phase in TARGETS else "p1")
    numbers = {s.where: i for i, s in enumerate(plan.steps, start=1) if s.check == CHECK_OAAR}
    order = " → ".join(d.directory for d in in_guide_order(project.accounts))
    for step, role in enumerate(flagged, start=1):
        number = numbers.get(role.path, step)
        account = project.account(role.account)
        blocked = _management_without_users(project) or (
            oaar_edit_blocker(project, account) if account is not None else None
        )
        attribute = role.requires_mfa
        assert attribute is not None  # state "false" implies the attribute is written
        fix = Fix(
            "guarded",
            (set_attribute(attribute, "true"),),
            f"set {MFA} = true on module.{role.module_name}, then apply {layer_of(role.path)}",
            blocked_by=blocked,
        )
        yield Violation(
            attribute.span,
            f"the OAAR of account {role.account} {describe_truth(role.mfa_state)}; "
            f"step {number} of {len(plan.steps)} of `mfa-guard plan`",
            fix,
            companion=_apply_command(role.path),
            address=f"module.{role.module_name}",
            detail=f"module.{role.module_name} is the OrganizationAccountAccessRole of account {role.account}; "
            f"the OAARs go {order}.",
            plan_step=(number, len(plan.steps)),
        )


def mfa_implicit(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    for role in _roles(project):
        if role.requires_mfa is not None or role.kind in MACHINE_KINDS:
            continue  # machine roles must be false, not made explicitly true: ROL005 reports them
        source = project.sources[role.path]
        fix = Fix("safe", (insert_attribute(role.block, source, MFA, "true"),), f"write {MFA} = true explicitly")
        yield Violation(
            header_span(project, role.path, role.block),
            f"module.{role.module_name} has no {MFA}, so it relies on the module default (true)",
            fix,
            address=f"module.{role.module_name}",
        )


def _grants_admin(role: Role) -> bool:
    policies = role.attr("custom_role_policy_arns")
    return bool_state(role.attr("attach_admin_policy")) == "true" or (
        policies is not None and ADMIN_POLICY in policies.value.text
    )


def human_role_without_mfa(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    if project.state.mode != "iam":
        return  # with SSO, MFA is enforced at the portal login
    for role in _roles(project):
        if role.kind not in HUMAN_KINDS or _state(role) != "false":
            continue
        attribute = role.requires_mfa
        assert attribute is not None
        admin = _grants_admin(role)
        fix = Fix(
            "guarded",
            (set_attribute(attribute, "true"),),
            f"set {MFA} = true on module.{role.module_name}, then apply {layer_of(role.path)}",
            blocked_by=confirmation_blocker(project, "security-mfa"),  # the security users assume them
        )
        yield Violation(
            attribute.span,
            f"module.{role.module_name} ({role.role_name or role.kind} role of account {role.account}"
            f"{', AdministratorAccess' if admin else ''}) has {MFA} = false",
            fix,
            companion=_apply_command(role.path),
            address=f"module.{role.module_name}",
            severity="error" if admin else None,
        )


def oaar_unmanaged(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    for layer in project.identity_layers:
        account = project.account(layer.account)
        if account is None or account.is_management:
            continue  # Organizations creates OAAR only in member accounts
        if any(role.kind == "oaar" for role in layer.roles) or _unreadable(project, layer.directory):
            continue  # an unparsable file may hold the module: never guess (PAR reports it)
        yield Violation(
            _layer_span(project, layer.directory),
            f"no OrganizationAccountAccessRole module here: the role Organizations created in {account.name} "
            "(AdministratorAccess, no MFA condition) is unmanaged",
            address=f"{layer.directory}:module.iam_assumable_role_oaar",
        )


def _unreadable(project: Project, directory: str) -> bool:
    return any(layer_of(problem.path) == directory for problem in project.problems)


def _layer_span(project: Project, directory: str) -> Span:
    candidates = [f"{directory}/roles.tf", *sorted(f for f in project.files if layer_of(f) == directory)]
    path = next((p for p in candidates if p in project.files), candidates[0])
    return Span.whole_file(path)


def machine_role_requires_mfa(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    for role in _roles(project):
        if role.kind not in MACHINE_KINDS:
            continue
        state = _state(role)
        what = "a service role (trusted_role_services)" if role.kind == "service" else "a CI/automation role"
        if state == "true" and role.requires_mfa is not None:
            span, how = role.requires_mfa.span, f"has {MFA} = true"
        elif state == "absent":
            span = header_span(project, role.path, role.block)
            how = f"has no {MFA}, so the module default (true) applies"
        else:
            continue
        yield Violation(span, f"module.{role.module_name} is {what} and {how}", address=f"module.{role.module_name}")


def session_limits(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    max_mfa_age = ctx.params.get("max_mfa_age", SESSION_RANGE[1])
    low, high = SESSION_RANGE
    for role in _roles(project):
        duration_attr = role.attr("max_session_duration")
        duration = number_value(duration_attr)
        if duration_attr is not None and duration is not None and not low <= duration <= high:
            yield Violation(
                duration_attr.span,
                f"module.{role.module_name} has max_session_duration = {shown(duration)}, outside the "
                f"{low}-{high} seconds AWS accepts (the apply fails)",
                address=f"module.{role.module_name}.max_session_duration",
                severity="error",
            )
        if _state(role) not in ("true", "absent") or role.kind in MACHINE_KINDS:
            continue  # a machine role requiring MFA at all is ROL005's finding
        age_attr = role.attr("mfa_age")
        age = number_value(age_attr) if age_attr is not None else float(DEFAULT_MFA_AGE)
        if age is None or age <= max_mfa_age:
            continue
        if age_attr is None:
            span = header_span(project, role.path, role.block)
            detail = f"no mfa_age, so the module default {DEFAULT_MFA_AGE}"
        else:
            span, detail = age_attr.span, f"mfa_age = {shown(age)}"
        yield Violation(
            span,
            f"module.{role.module_name} requires MFA but accepts an MFA login up to {shown(age)} s old "
            f"({detail}; at most {max_mfa_age})",
            address=f"module.{role.module_name}.mfa_age",
        )


CHECKS = {
    "oaar_without_mfa": CheckSpec(
        oaar_without_mfa, "An OrganizationAccountAccessRole has role_requires_mfa = false (target phase P1 or later)."
    ),
    "role_mfa_implicit": CheckSpec(mfa_implicit, "An iam-assumable-role module does not set role_requires_mfa."),
    "human_role_without_mfa": CheckSpec(
        human_role_without_mfa, "A DevOps/Admin/SecOps/FinOps role has role_requires_mfa = false."
    ),
    "oaar_unmanaged": CheckSpec(oaar_unmanaged, "A member account's base-identities has no OAAR module."),
    "machine_role_requires_mfa": CheckSpec(
        machine_role_requires_mfa, "A service or CI role requires MFA (explicitly or by the module default)."
    ),
    "machine_group_mfa_enforced": CheckSpec(
        machine_group_mfa_enforced, "A group of machine users gets the MFA-enforcing self-management policy."
    ),
    "role_session_limits": CheckSpec(
        session_limits,
        "max_session_duration outside 3600-43200, or an MFA role accepting MFA older than max_mfa_age.",
        params={"max_mfa_age": {"type": "integer", "minimum": 900, "maximum": 129600}},
    ),
}
