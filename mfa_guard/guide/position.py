"""Where the project stands on the guide's path: per account, and for the project the phase, the
next step, and whether the state lies on the path at all.

On the path (the steps done in the guide's order) a transition is progress, reported as one note.
Off the path (a state that breaks the Leverage CLI or the guide's order) the transition rules fail
as before. Pure: reads the model (and the records it holds).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from mfa_guard.generation import UNKNOWN, CliGeneration
from mfa_guard.guide.facts import EXPRESSION, MFA_KEY, mfa_flag_on, truth_requires_mfa
from mfa_guard.guide.failures import failure
from mfa_guard.guide.flags import account_mfa_on, account_mfa_value
from mfa_guard.guide.order import account_role, in_guide_order
from mfa_guard.guide.runbook import TARGETS, Plan, apply_recorded, build_plan, oaar_roles
from mfa_guard.model import Account, Project
from mfa_guard.profiles import ProfileName, parse_profile


@dataclass(frozen=True)
class AccountPosition:
    directory: str
    name: str
    role: str  # management | security | member
    backend: Optional[str]  # the profile backend.tfvars uses now
    target: Optional[str]  # the profile the target phase wants
    oaar: Optional[str]  # role_requires_mfa of the OAAR in code (guide/facts.py); None: no module
    oaar_applied: bool  # its apply is recorded with the current code
    devops: Optional[str]  # role_requires_mfa of the DevOps role; None: no module (management: none)
    stage: str  # the account's place on the path, in words


@dataclass(frozen=True)
class Position:
    mode: str
    phase: str
    target: str
    mfa_value: Optional[str]  # effective root MFA_ENABLED ("false" when missing, None: unresolved)
    mfa_on: bool  # whether the project's CLI generation runs its MFA step for that value
    accounts: tuple[AccountPosition, ...]
    deviations: tuple[str, ...]  # why the state is off the path (empty: on it)
    judged: bool  # False: an expression or unresolved value hides where it stands
    plan: Optional[Plan]
    cli: CliGeneration = UNKNOWN  # the Leverage CLI generation the verdicts assume, and why

    @property
    def on_path(self) -> bool:
        return self.judged and not self.deviations

    def next_step(self) -> Optional[int]:
        return self.plan.next_step() if self.plan is not None else None


def _profile(account: Account) -> Optional[ProfileName]:
    value = account.backend.profile_value if account.backend is not None else None
    return parse_profile(value) if value is not None else None


def _uses_role(profile: Optional[ProfileName]) -> bool:
    return profile is not None and profile.account is not None


def _truth(project: Project, account: Account, kind: str) -> Optional[str]:
    roles = [r for r in project.roles if r.account == account.directory and r.kind == kind and not r.oidc]
    return roles[-1].mfa_state if roles else None


def _target(project: Project, account: Account, phase: str) -> Optional[str]:
    """§2.2: management <s>-bootstrap (P0) then <s>-<m>-oaar; members -oaar (P0, P1) then -devops (P2)."""
    short = project.short_name
    if short is None:
        return None
    if account.is_management:
        return f"{short}-bootstrap" if phase == "p0" else f"{short}-{account.name}-oaar"
    return f"{short}-{account.name}-{'devops' if phase == 'p2' else 'oaar'}"


def _stage(pos_oaar: Optional[str], applied: bool, profile: Optional[ProfileName]) -> str:
    if profile is not None and profile.suffix == "devops":
        return "DevOps backend (P2)"
    if pos_oaar is not None and truth_requires_mfa(pos_oaar):
        return "OAAR requires MFA, apply recorded" if applied else "OAAR requires MFA, apply not recorded"
    if pos_oaar is None:
        return "no OAAR module"
    return "OAAR without MFA (P0)"


def mfa_value(project: Project) -> Optional[str]:
    env = project.root_env
    entry = env.effective(MFA_KEY) if env is not None else None
    return "false" if entry is None else entry.value


def position(project: Project) -> Position:
    state = project.state
    target = state.target_phase if state.target_phase in TARGETS else "p1"
    accounts = in_guide_order(project.accounts)
    rows = []
    for account in accounts:
        oaar = _truth(project, account, "oaar")
        applied = oaar is not None and bool(oaar_roles(project, account.directory)) and apply_recorded(project, account)
        profile = _profile(account)
        rows.append(
            AccountPosition(
                account.directory,
                account.name,
                account_role(account),
                profile.text if profile is not None else None,
                _target(project, account, target),
                oaar,
                applied,
                None if account.is_management else _truth(project, account, "devops"),
                _stage(oaar, applied, profile),
            )
        )
    value = mfa_value(project)
    mfa_on = value is not None and mfa_flag_on(value, state.cli)
    if state.mode != "iam":
        return Position(
            state.mode, state.phase, state.target_phase, value, mfa_on, tuple(rows), (), False, None, state.cli
        )
    deviations, judged = _deviations(project, accounts, value)
    plan = build_plan(project, target)
    return Position(
        state.mode, state.phase, target, value, mfa_on, tuple(rows), tuple(deviations), judged, plan, state.cli
    )


def _deviations(project: Project, accounts: list[Account], value: Optional[str]) -> tuple[list[str], bool]:
    """The ways the state breaks the CLI or the guide's order (§5.8)."""
    found: list[str] = []
    truths: list[tuple[Account, str]] = []
    for account in accounts:
        truth = _truth(project, account, "oaar")
        if truth is not None:
            truths.append((account, truth))
    judged = value is not None and all(t != EXPRESSION for _, t in truths)
    requiring = [bool(truth_requires_mfa(t)) for _, t in truths]
    for index in range(1, len(requiring)):
        if requiring[index] and not requiring[index - 1]:
            later, earlier = truths[index][0].directory, truths[index - 1][0].directory
            order = " → ".join(a.directory for a, _ in truths)
            found.append(
                f"the OrganizationAccountAccessRole of {later} requires MFA before the one of {earlier} "
                f"(the guide goes {order})"
            )
            break
    mfa_on = value is not None and mfa_flag_on(value, project.state.cli)
    management = project.management
    profile = _profile(management) if management is not None else None
    switched = _uses_role(profile)
    if management is not None and profile is not None:
        if switched and not all(requiring):
            waiting = next(a.directory for (a, _), r in zip(truths, requiring) if not r)
            found.append(
                f"{management.backend_path} uses {profile.text} while the OrganizationAccountAccessRole of "
                f"{waiting} does not require MFA (the guide switches it after every OAAR apply)"
            )
        if switched and not mfa_on and value is not None:
            found.append(
                f"{management.backend_path} uses {profile.text} while {MFA_KEY} is not true (the CLI assumes "
                "the role without MFA: switch the backend and turn MFA on in one commit)"
            )
        # 3.x: the management account's own build.env may turn the step off for its layers (the
        # guide's 3.x P0/P1: an empty MFA_ENABLED= there while they run on base credentials)
        management_on = account_mfa_on(project, management) if project.state.cli.dockerless else mfa_on
        if not switched and management_on:
            found.append(
                f"{MFA_KEY}={account_mfa_value(project, management) if project.state.cli.dockerless else value} "
                f"while {management.backend_path} uses {profile.text} ({_base_credentials_failure(project, profile.text)})"
            )
    for account in accounts:
        current = _profile(account)
        allowed = {_target(project, account, phase) for phase in ("p0", "p1", "p2")}
        if current is not None and current.text not in allowed:
            found.append(
                f"{account.backend_path} uses {current.text}, no profile of the guide ({', '.join(sorted(a for a in allowed if a))})"
            )
    for account in accounts:
        member = _profile(account)
        if account.is_management or member is None or member.suffix != "devops":
            continue
        if not (mfa_on and (switched or management is None)):
            found.append(f"{account.backend_path} uses {member.text} before P1 is complete (P2 comes after P1)")
            break
    return found, judged


def _base_credentials_failure(project: Project, profile: str) -> str:
    return failure("base_credentials", project.state.cli, profile)


def summary(pos: Position) -> Optional[str]:
    """The one note of a project on the path between phases: where it stands, what comes next."""
    if pos.plan is None or not pos.plan.steps:
        return None
    oaars = [a for a in pos.accounts if a.oaar is not None]
    done_oaar = sum(1 for a in oaars if truth_requires_mfa(a.oaar or ""))
    applied = sum(1 for a in oaars if a.oaar_applied)
    members = [a for a in pos.accounts if a.role != "management" and a.backend is not None]
    devops = sum(1 for a in members if (a.backend or "").endswith("-devops"))
    if pos.target == "p2" and done_oaar == len(oaars):
        where = f"P2 in progress: {devops} of {len(members)} member backends use their DevOps role"
    else:
        where = (
            f"P1 in progress: {done_oaar} of {len(oaars)} OrganizationAccountAccessRoles require MFA, "
            f"{applied} of their applies recorded"
        )
    index = pos.next_step()
    if index is None:
        return f"{where}; every remaining step is a command to check"
    step = pos.plan.steps[index]
    what = f"`{step.command}`" if step.command else step.title
    if step.kind == "edit":
        what = f"{step.title} ({step.where}; `mfa-guard fix --to {pos.target} --guarded` writes it)"
    return f"{where}; next: {what}, step {index + 1} of {len(pos.plan.steps)}"


def quiet_transition(project: Project) -> bool:
    """A transition rule stays quiet when the project is between phases on the guide's path; a
    target phase set in the config or on the command line still demands that phase."""
    state = project.state
    if state.mode != "iam" or state.target_from_config or state.phase != "transitional":
        return False
    return position(project).on_path
