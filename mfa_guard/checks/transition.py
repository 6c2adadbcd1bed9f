"""MFA005: a project part-way through the post-deployment steps gets the remaining steps, in order (§5.8)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Optional

from mfa_guard.checks.base import CheckContext, CheckSpec
from mfa_guard.checks.wiring import (
    backend_profile,
    mfa_value,
    ordered_accounts,
    requires_mfa,
    roles_of,
    segment_matches,
)
from mfa_guard.findings import Violation
from mfa_guard.guide import commands
from mfa_guard.guide.facts import MFA_KEY, UNKNOWN_ORDER_NOTE, guide_order, mfa_flag_on
from mfa_guard.guide.flags import account_mfa_value, own_flag_line
from mfa_guard.guide.position import position, quiet_transition, summary
from mfa_guard.model import Project
from mfa_guard.phase import at_least
from mfa_guard.span import Span

MANAGEMENT_CONFIGURE = commands.configure("MANAGEMENT")
SECURITY_CONFIGURE = commands.configure("SECURITY")
REINIT = f"`{commands.REINIT}` in every layer initialised with the previous profile"


def _oaar_step(project: Project) -> Optional[str]:
    """§5.8 step 4: OAARs still written with `role_requires_mfa = false`, in apply order."""
    pending = [
        account.directory
        for account in ordered_accounts(project)
        if any(requires_mfa(role) is False for role in roles_of(project, account, "oaar"))
    ]
    if not pending:
        return None
    return (
        f"set role_requires_mfa = true on the OrganizationAccountAccessRole and `{commands.APPLY}`, "
        f"in this order: {', '.join(pending)}"
    )


def _management_step(project: Project) -> Optional[str]:
    """§5.8 step 5: the management backend still on base credentials (bootstrap/management/security)."""
    management = project.management
    profile = backend_profile(management) if management is not None else None
    if management is None or profile is None or not (profile.is_bootstrap or profile.is_base_credentials):
        return None
    short = project.short_name or profile.prefix
    step = f'set profile = "{short}-{management.name}-oaar" in {management.backend_path}'
    if guide_order(project.state.cli).empty_flag_on_base_credentials:
        step += f" and remove the empty {MFA_KEY}= from {management.directory}/build.env in the same commit"
    return step


def _empty_flag_step(project: Project) -> Optional[str]:
    """3.x: while the management backend uses base credentials its layers need an empty MFA_ENABLED=."""
    management = project.management
    if management is None or not guide_order(project.state.cli).empty_flag_on_base_credentials:
        return None
    if _management_step(project) is None or account_mfa_value(project, management) == "":
        return None
    return (
        f"`{commands.empty_mfa_flag_in(management.directory, own_flag_line(project, management))}` (the 3.x CLI's MFA step "
        "off for the management "
        "layers while they run on base credentials)"
    )


def _flag_step(project: Project) -> Optional[str]:
    """§5.8 step 6 (3.x: only an empty value is off)."""
    value = mfa_value(project)
    if value is None or mfa_flag_on(value, project.state.cli):
        return None
    return f"set {MFA_KEY}=true in the root build.env"


def _devops_step(project: Project) -> Optional[str]:
    """§5.8 step 9, only when the project heads for P2."""
    if not at_least(project.state, "p2"):
        return None
    pending = []
    for account in ordered_accounts(project):
        profile = backend_profile(account)
        if account.is_management or profile is None or profile.suffix != "oaar":
            continue
        if segment_matches(account, profile):
            pending.append(f"{account.backend_path} -> {profile.prefix}-{profile.account}-devops")
    if not pending:
        return None
    return f"switch member backends to the DevOps role ({'; '.join(pending)}), then `{SECURITY_CONFIGURE}`"


def remaining_steps(project: Project) -> tuple[list[str], int]:
    """The steps still to do, in the documented order of the project's CLI generation, and how many
    of them are file changes."""
    order = guide_order(project.state.cli)
    empty, oaar, management, flag, devops = (
        _empty_flag_step(project),
        _oaar_step(project),
        _management_step(project),
        _flag_step(project),
        _devops_step(project),
    )
    configure = f"`{MANAGEMENT_CONFIGURE}`"
    steps: list[str] = []
    if order.fetch_mfa_first and (management or flag):  # 3.x: -mfa profiles without the device crash
        steps.append(f"{configure} (first: the 3.x CLI's role profiles need the MFA device)")
    steps += [step for step in (empty, oaar, management, flag) if step]
    if management or flag:
        steps += [REINIT] if order.fetch_mfa_first else [configure, REINIT]
    if devops:
        steps += [devops, REINIT] if REINIT not in steps else [devops]
    return steps, sum(1 for step in (empty, oaar, management, flag, devops) if step)


def transition_incomplete(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    if project.state.mode != "iam" or project.state.phase != "transitional":
        return
    if quiet_transition(project):  # on the guide's path: progress, one note (never a failure)
        text = summary(position(project))
        if text is not None:
            yield Violation(_anchor(project), text + ".", address="project:phase", severity="note")
        return
    steps, pending = remaining_steps(project)
    if pending < 2:
        return  # one step left: the rule that names it (MFA001, PRF004, PRF008, ROL001, ...) says it already
    numbered = " ".join(f"({n}) {step};" for n, step in enumerate(steps, 1)).rstrip(";")
    facts = "; ".join(project.state.markers)
    off = position(project).deviations
    if off:
        facts += "; off the guide's path: " + "; ".join(off)
    yield Violation(
        _anchor(project),
        f"the project is between phases, heading for {project.state.target_phase.upper()}: "
        f"{len(steps)} steps remain (`mfa-guard plan` lists them)",
        address="project:phase",
        detail=f"Markers: {facts}. Remaining steps in order: {numbered}."
        + ("" if project.state.cli.known else f" Note: {UNKNOWN_ORDER_NOTE}."),
    )


def _anchor(project: Project) -> Span:
    """Once per project: line 1 of the root build.env, else the management backend's profile."""
    env = project.root_env
    if env is not None:
        return project.sources[env.path].index.span(env.path, 0, 0)
    management = project.management
    if management is not None and management.backend is not None and management.backend.profile is not None:
        return management.backend.profile.span
    return Span.whole_file(project.accounts[0].backend_path if project.accounts else "build.env")


CHECKS = {
    "mfa_transition_incomplete": CheckSpec(
        transition_incomplete, "IAM mode between phases: list the remaining post-deployment steps in order."
    ),
}
