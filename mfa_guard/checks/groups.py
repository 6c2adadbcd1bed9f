"""ROL006: groups of machine users that get the MFA-enforcing self-management policy (§3)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mfa_guard.checks.base import CheckContext
from mfa_guard.checks.blocks import bool_state, header_span, layer_of
from mfa_guard.findings import Fix, Violation
from mfa_guard.fix.edits import insert_attribute, set_attribute
from mfa_guard.guide.commands import apply_in
from mfa_guard.model import Group, IdentityLayer, User

SELF_MANAGEMENT = "attach_iam_self_management_policy"
ENFORCEMENT = "enable_mfa_enforcement"
# `module.machine_user["ci"]`, `module.user["deploy.master"]`, `module.user_atlantis`
_REFERENCE = re.compile(r"module\.([A-Za-z_][\w-]*)(?:\[\s*\"([^\"]*)\"\s*\])?")
# Words that name automation users in Leverage repos (machine_user, deploymaster, atlantis, ...).
_MACHINE_WORDS = re.compile(
    r"machine|deploy|atlantis|github|gitlab|jenkins|circleci|bitbucket|bot\b|\bci\b|_ci|ci_|automation|pipeline",
    re.IGNORECASE,
)


def _keys_only(user: User) -> bool:
    """A user with access keys and no console password is a machine user whatever its name."""
    return bool_state(user.attr("create_iam_user_login_profile")) == "false" and bool_state(
        user.attr("create_iam_access_key")
    ) in ("true", "absent")


def _is_machine(module: str, key: str | None, users: dict[str, User]) -> bool:
    if _MACHINE_WORDS.search(module) or (key is not None and _MACHINE_WORDS.search(key)):
        return True
    user = users.get(module)
    return user is not None and _keys_only(user)


def _members(group: Group, layer: IdentityLayer) -> tuple[list[str], list[str]]:
    """(machine, human) member references of the group's group_users, as written."""
    attribute = group.attr("group_users")
    if attribute is None:
        return [], []
    users = {user.block.label: user for user in layer.users}
    machine: list[str] = []
    human: list[str] = []
    for match in _REFERENCE.finditer(attribute.value.text):
        module, key = match.group(1), match.group(2)
        (machine if _is_machine(module, key, users) else human).append(match.group(0))
    return machine, human


def machine_group_mfa_enforced(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    for layer in project.identity_layers:
        for group in layer.groups:
            machine, human = _members(group, layer)
            if not machine:
                continue
            attach = bool_state(group.attr(SELF_MANAGEMENT))
            enforce = bool_state(group.attr(ENFORCEMENT))
            if "false" in (attach, enforce) or "unknown" in (attach, enforce):
                continue  # opted out, or an expression we never guess
            source = project.sources[group.path]
            existing = group.attr(SELF_MANAGEMENT)
            if existing is not None:
                edit, span = set_attribute(existing, "false"), existing.span
            else:
                edit = insert_attribute(group.block, source, SELF_MANAGEMENT, "false")
                span = header_span(project, group.path, group.block)
            blocked = (
                f"the group also holds human users ({', '.join(human)}), who would lose MFA self-service; "
                "move the machine users to their own group first"
                if human
                else None
            )
            fix = Fix("guarded", (edit,), f"set {SELF_MANAGEMENT} = false on module.{group.block.label}", blocked)
            shown = _short(machine[0]) + (f", +{len(machine) - 1} more" if len(machine) > 1 else "")
            yield Violation(
                span,
                f"module.{group.block.label} enforces MFA on its machine users ({shown}) through the "
                "self-management policy",
                fix,
                detail=(
                    f"machine users: {', '.join(machine)}; {SELF_MANAGEMENT}: {_said(attach)}; "
                    f"{ENFORCEMENT}: {_said(enforce)}"
                ),
                companion=apply_in(layer_of(group.path)),
                address=f"module.{group.block.label}",
            )


def _short(reference: str) -> str:
    """`module.machine_user["machine.ci"]` -> `machine.ci`: the key names the user; the detail keeps the reference."""
    match = re.fullmatch(r'module\.\w+\["([^"]+)"\]', reference)
    return match.group(1) if match else reference


def _said(state: str) -> str:
    return "not set, default true" if state == "absent" else state
