"""The guide's ordered steps (leverage-domain.md §5.8), from the files' state to P1 or P2. Pure.

One numbering for every command: `plan`, `fix --to`, `status`, the check notes and the ROL001
message all count these steps. An apply is done only when it was recorded; never inferred.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Optional

from mfa_guard.findings import TextEdit
from mfa_guard.fix.edits import replace_span, replace_string_value, set_attribute
from mfa_guard.guide import commands
from mfa_guard.guide.facts import EXPRESSION, MFA_KEY, mfa_flag_on, truth_requires_mfa
from mfa_guard.guide.order import in_guide_order
from mfa_guard.guide.records import CONFIRMATIONS
from mfa_guard.model import Account, Project, Role

MFA = "role_requires_mfa"
TARGETS = ("p1", "p2")
# The checks whose findings a step's edit resolves (the rule files say which rule runs which check).
CHECK_OAAR = "oaar_without_mfa"
CHECK_UNMANAGED = "oaar_unmanaged"
CHECK_SWITCH = "bootstrap_after_mfa"
CHECK_DEVOPS = "oaar_for_daily_ops"
LOCKOUT = (
    "apply nothing before this: once an OrganizationAccountAccessRole requires MFA, whoever has no "
    "virtual MFA device is locked out of that account (recovery needs its root user)"
)


@dataclass(frozen=True)
class Step:
    kind: str  # edit (mfa-guard can write it) | apply | command | manual (a person does it)
    title: str
    where: str  # the file of an edit, else the working directory ("." = project root)
    phase: str  # p1 | p2
    status: str  # done | todo | check (not visible in the files) | blocked (needs a person first)
    command: Optional[str] = None
    edits: tuple[TextEdit, ...] = ()
    check: Optional[str] = None  # the check whose finding the edit resolves (for --select)
    note: Optional[str] = None
    blocking: bool = False  # `fix --to` stops here until it is done
    account: Optional[str] = None

    @property
    def open(self) -> bool:
        """Not done, and `fix --to` must stop here."""
        return self.blocking and self.status in ("todo", "blocked")


@dataclass(frozen=True)
class Facts:
    """What the plan needs besides the model: recorded applies and initialised backends."""

    applied: Mapping[str, str] = field(default_factory=dict)  # layer -> digest of the OAAR code applied
    initialised: Mapping[str, Optional[str]] = field(default_factory=dict)  # layer -> profile in .terraform


@dataclass(frozen=True)
class Plan:
    target: str
    steps: tuple[Step, ...]
    message: Optional[str] = None  # why there is nothing to do (SSO mode, target p0, ...)

    def first_stop(self) -> Optional[int]:
        """Index of the first step that needs a person and is not done: `fix --to` stops there."""
        return next((i for i, s in enumerate(self.steps) if s.open), None)

    def next_step(self) -> Optional[int]:
        """The first step that is neither done nor only to be checked: what comes next."""
        return next((i for i, s in enumerate(self.steps) if s.status in ("todo", "blocked")), None)

    def runnable(self) -> list[tuple[int, Step]]:
        """The one edit step `fix --to` writes in this run: the next step, when it is an edit."""
        index = self.next_step()
        if index is None:
            return []
        step = self.steps[index]
        return [(index, step)] if step.kind == "edit" and step.status == "todo" and step.edits else []

    def reserved(self) -> list[tuple[int, Step]]:
        """Every other edit step not done: no rule fix may write their text before their turn."""
        chosen = {i for i, _ in self.runnable()}
        return [(i, s) for i, s in enumerate(self.steps) if i not in chosen and s.kind == "edit" and s.status != "done"]

    @property
    def complete(self) -> bool:
        return all(s.status == "done" for s in self.steps if s.kind in ("edit", "apply", "manual"))


def oaar_digest(project: Project, layer: str) -> str:
    """Identifies the OAAR code of a layer, whitespace-insensitive: an apply is recorded against it."""
    parts = []
    for role in oaar_roles(project, layer.split("/", 1)[0]):
        text = project.sources[role.path].text[role.block.span.start : role.block.span.end]
        parts.append(" ".join(text.split()))
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def oaar_roles(project: Project, directory: str) -> list[Role]:
    return [r for r in project.roles if r.account == directory and r.kind == "oaar" and not r.oidc]


def apply_recorded(project: Project, account: Account, facts: Optional[Facts] = None) -> bool:
    layer = account.identities_layer
    applied = facts.applied if facts is not None else project.records.digests
    return applied.get(layer) == oaar_digest(project, layer)


def project_facts(project: Project) -> Facts:
    """The facts the model holds (records); .terraform states are read only by `plan`/`fix`."""
    return Facts(project.records.digests)


def build_plan(project: Project, target: str, facts: Optional[Facts] = None) -> Plan:
    facts = facts or project_facts(project)
    if project.state.mode == "sso":
        return Plan(target, (), "the project is in SSO mode (sso_enabled is truthy): the IAM/MFA guide does not apply")
    if project.state.mode != "iam":
        return Plan(
            target,
            (),
            "the mode (IAM or SSO) cannot be told from config/common.tfvars (unreadable, or sso_enabled is an expression): fix that first",
        )
    if target not in TARGETS:
        return Plan(target, (), f"no steps lead to {target}: the plan goes from the bootstrap state to p1 or p2")
    if project.short_name is None:
        return Plan(target, (), "the project short name is unknown, so the target profiles cannot be named")
    accounts = in_guide_order(project.accounts)
    steps = _p1_steps(project, accounts, facts)
    if target == "p2":
        steps += _p2_steps(project, accounts, facts)
    return Plan(target, tuple(steps))


def _confirm_step(project: Project, what: str, phase: str, passed: bool) -> Step:
    record = project.records.confirmed(what)
    title = f"confirm that {CONFIRMATIONS[what]}; then `{commands.configure(what.split('-')[0].upper(), fetch_mfa=False, skip_keys=False)}`"
    command = commands.confirm(what)
    if record is not None:
        note = f"confirmed {record.date or ''} by {record.user or 'unknown'}".replace("  ", " ")
        return Step("manual", title, ".", phase, "done", command, note=note, blocking=True)
    if passed:  # the files are already past the step this guards: not blocking, but never [x]
        return Step("manual", title, ".", phase, "check", command, note="not recorded", blocking=True)
    return Step("manual", title, ".", phase, "todo", command, note=LOCKOUT, blocking=True)


def _switched(account: Optional[Account]) -> bool:
    """The management backend left base credentials: the files show step 5 was done."""
    profile = account.backend.profile_value if account is not None and account.backend is not None else None
    return profile is not None and profile.rsplit("-", 1)[-1] not in ("bootstrap", "management", "security")


def _p1_steps(project: Project, accounts: list[Account], facts: Facts) -> list[Step]:
    management = project.management
    past = _switched(management)
    first_edit = any(truth_requires_mfa(r.mfa_state) for a in accounts[:1] for r in oaar_roles(project, a.directory))
    steps = [_confirm_step(project, "management-mfa", "p1", past or first_edit)]
    for account in accounts:
        steps += _oaar_steps(project, account, facts, past, first=len(steps) == 1)
    if management is not None:
        steps.append(_switch_step(project, management))
        steps.append(
            Step(
                "command",
                "fetch the MFA device into the role profiles",
                ".",
                "p1",
                "check",
                commands.configure("MANAGEMENT"),
            )
        )
        steps.append(_reconfigure_step(management, f"{project.short_name}-{management.name}-oaar", facts, "p1"))
    return steps


def _oaar_steps(project: Project, account: Account, facts: Facts, past: bool, first: bool) -> list[Step]:
    layer = account.identities_layer
    if not any(il.account == account.directory for il in project.identity_layers):
        return []  # no base-identities layer: ROL004 and the account's own guide cover it
    roles = oaar_roles(project, account.directory)
    if not roles:
        title = "add the OrganizationAccountAccessRole module with role_requires_mfa = true and import the role"
        return [
            Step(
                "manual",
                title,
                layer,
                "p1",
                "blocked",
                commands.import_oaar_in(layer),
                check=CHECK_UNMANAGED,
                blocking=True,
                account=account.directory,
            )
        ]
    steps = [_role_step(project, role) for role in roles]
    edited = all(s.status == "done" for s in steps)
    applied = edited and apply_recorded(project, account, facts)
    record = project.records.entries.get(layer)
    if applied:
        status, note = "done", f"recorded {record.date or ''} by {record.user or 'unknown'}" if record else None
    elif edited and past:
        status, note = "check", f"not recorded; after checking it ran, record it: `{commands.record_apply(layer)}`"
    else:
        status, note = "todo", f"after it succeeds, record it: `{commands.record_apply(layer)}`"
    if first and status != "done":
        note = f"{LOCKOUT}; {note}"
    steps.append(
        Step(
            "apply",
            f"apply the OrganizationAccountAccessRole MFA requirement of {account.directory}",
            layer,
            "p1",
            status,
            commands.apply_in(layer),
            note=note,
            blocking=True,
            account=account.directory,
        )
    )
    return steps


def _role_step(project: Project, role: Role) -> Step:
    title = f"set {MFA} = true on module.{role.module_name}"
    base = Step("edit", title, role.path, "p1", "done", check=CHECK_OAAR, account=role.account)
    state = role.mfa_state
    attribute = role.requires_mfa
    if truth_requires_mfa(state) or attribute is None:
        return base
    if state == EXPRESSION:
        note = f"{MFA} is an expression ({attribute.value.text}); set it to true by hand"
        return replace(base, kind="manual", status="blocked", note=note, blocking=True)
    return replace(base, status="todo", edits=(set_attribute(attribute, "true"),))


def _profile_edit(project: Project, account: Account, wanted: str) -> tuple[Optional[TextEdit], Optional[str]]:
    """(edit or None when already there, why it cannot be written)."""
    attribute = account.backend.profile if account.backend is not None else None
    if attribute is not None and account.backend is not None and account.backend.profile_value == wanted:
        return None, None
    if attribute is None or attribute.value.kind != "string":
        return None, f"{account.backend_path} has no literal profile; write it by hand"
    return replace_string_value(attribute.value.span, project.sources[attribute.span.path], wanted), None


def _flag_edit(project: Project) -> tuple[Optional[TextEdit], Optional[str]]:
    env = project.root_env
    if env is None:
        return None, "there is no root build.env"
    entry = env.effective(MFA_KEY)
    if entry is not None and mfa_flag_on(
        entry.value, project.state.cli
    ):  # quoted is still on; ENV002 handles the style
        return None, None
    if entry is not None:
        return replace_span(entry.value_span, "true"), None
    source = project.sources[env.path]
    prefix = "" if not source.text or source.text.endswith("\n") else source.newline
    return TextEdit(env.path, len(source.text), len(source.text), f"{prefix}{MFA_KEY}=true{source.newline}"), None


def _switch_step(project: Project, management: Account) -> Step:
    """§5.8 steps 5 and 6 in one commit: a switched backend with MFA off breaks the CLI (and MFA
    on with a bootstrap backend too), so the two edits never land apart."""
    wanted = f"{project.short_name}-{management.name}-oaar"
    env_path = project.root_env.path if project.root_env is not None else "build.env"
    title = f'set profile = "{wanted}" in {management.backend_path} and {MFA_KEY}=true in {env_path}'
    profile, why_profile = _profile_edit(project, management, wanted)
    flag, why_flag = _flag_edit(project)
    base = Step("edit", title, management.backend_path, "p1", "done", check=CHECK_SWITCH, account=management.directory)
    why = why_profile or why_flag
    if why is not None:
        return replace(base, kind="manual", status="blocked", note=why, blocking=True)
    edits = tuple(e for e in (profile, flag) if e is not None)
    return replace(base, status="todo", edits=edits) if edits else base


def _reconfigure_step(account: Account, profile: str, facts: Facts, phase: str) -> Step:
    """One step per account, listing its layers initialised with another profile (all of them
    when .terraform cannot be seen)."""
    known = {layer: facts.initialised[layer] for layer in account.layers if layer in facts.initialised}
    stale = [layer for layer, current in known.items() if current != profile]
    title = f"re-initialise the backends of {account.directory}/ with {profile}"
    if known and not stale:
        return Step(
            "command",
            title,
            account.directory,
            phase,
            "done",
            commands.reconfigure_all(known),
            account=account.directory,
        )
    if stale:
        note = "initialised with another profile: " + ", ".join(stale)
        return Step(
            "command",
            title,
            account.directory,
            phase,
            "todo",
            commands.reconfigure_all(stale),
            note=note,
            account=account.directory,
        )
    layers = list(account.layers)
    note = f"in each layer initialised before ({len(layers)} layers)"
    return Step(
        "command",
        title,
        account.directory,
        phase,
        "check",
        commands.reconfigure_all(layers),
        note=note,
        account=account.directory,
    )


def _p2_steps(project: Project, accounts: list[Account], facts: Facts) -> list[Step]:
    members = [a for a in accounts if not a.is_management and a.backend is not None]
    started = any((a.backend.profile_value or "").endswith("-devops") for a in members if a.backend is not None)
    steps = [_confirm_step(project, "security-mfa", "p2", started)]
    for account in members:
        wanted = f"{project.short_name}-{account.name}-devops"
        edit, why = _profile_edit(project, account, wanted)
        base = Step(
            "edit",
            f'set profile = "{wanted}"',
            account.backend_path,
            "p2",
            "done",
            check=CHECK_DEVOPS,
            account=account.directory,
        )
        if why is not None:
            step = replace(base, kind="manual", status="blocked", note=why, blocking=True)
        elif edit is None:
            step = base
        elif not _has_devops(project, account.directory):
            note = f"no DevOps role module in {account.identities_layer}/roles.tf: add it and apply it first"
            step = replace(base, kind="manual", status="blocked", note=note, blocking=True)
        else:
            step = replace(base, status="todo", edits=(edit,))
        steps.append(step)
    steps.append(
        Step(
            "command",
            "fetch the MFA device into the DevOps profiles",
            ".",
            "p2",
            "check",
            commands.configure("SECURITY"),
        )
    )
    for account in members:
        steps.append(_reconfigure_step(account, f"{project.short_name}-{account.name}-devops", facts, "p2"))
    return steps


def _has_devops(project: Project, directory: str) -> bool:
    return any(r.account == directory and r.kind == "devops" for r in project.roles)
