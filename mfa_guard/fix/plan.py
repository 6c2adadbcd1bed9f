"""The ordered runbook of the guide (leverage-domain.md §5.8), from the files' state to P1 or P2. Pure."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Optional

from mfa_guard.findings import TextEdit
from mfa_guard.fix.edits import replace_span, replace_string_value, set_attribute
from mfa_guard.model import Account, Project, Role

MFA = "role_requires_mfa"
MANAGEMENT_FETCH = "leverage credentials configure --type MANAGEMENT --fetch-mfa-device --skip-access-keys-setup"
SECURITY_FETCH = "leverage credentials configure --type SECURITY --fetch-mfa-device --skip-access-keys-setup"
TARGETS = ("p1", "p2")


@dataclass(frozen=True)
class Step:
    kind: str  # edit (mfa-guard can write it) | apply | command | manual (a person does it)
    title: str
    where: str  # the file of an edit, else the working directory ("." = project root)
    phase: str  # p1 | p2
    status: str  # done | todo | check (not visible in the files) | blocked (needs a person first)
    command: Optional[str] = None
    edits: tuple[TextEdit, ...] = ()
    rule: str = "PLAN"  # the rule whose finding the edit resolves (for reports and --select)
    note: Optional[str] = None
    blocking: bool = False  # `fix --to` stops here until it is done
    evidence: bool = False  # done => the team got past every earlier step
    account: Optional[str] = None


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
        return next((i for i, s in enumerate(self.steps) if s.blocking and s.status != "done"), None)

    def runnable(self) -> list[tuple[int, Step]]:
        stop = self.first_stop()
        end = len(self.steps) if stop is None else stop
        return [(i, s) for i, s in enumerate(self.steps[:end]) if s.kind == "edit" and s.status == "todo" and s.edits]

    def reserved(self) -> list[tuple[int, Step]]:
        stop = self.first_stop()
        if stop is None:
            return []
        return [(i, s) for i, s in enumerate(self.steps) if i > stop and s.kind == "edit" and s.status != "done"]

    @property
    def complete(self) -> bool:
        return all(s.status == "done" for s in self.steps if s.kind in ("edit", "apply", "manual"))


def apply_order(project: Project, account: Account) -> tuple[int, str]:
    """management, then security, then shared, then the others (§5.8 step 4)."""
    if account.is_management:
        return (0, account.directory)
    names = {account.directory, account.name}
    rank = 1 if "security" in names else 2 if "shared" in names else 3
    return (rank, account.directory)


def oaar_digest(project: Project, layer: str) -> str:
    """Identifies the OAAR code of a layer, whitespace-insensitive: an apply is recorded against it."""
    parts = []
    for role in _oaar_roles(project, layer.split("/", 1)[0]):
        text = project.sources[role.path].text[role.block.span.start : role.block.span.end]
        parts.append(" ".join(text.split()))
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def _oaar_roles(project: Project, directory: str) -> list[Role]:
    return [r for r in project.roles if r.account == directory and r.kind == "oaar" and not r.oidc]


def build_plan(project: Project, target: str, facts: Optional[Facts] = None) -> Plan:
    facts = facts or Facts()
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
    accounts = sorted(project.accounts, key=lambda a: apply_order(project, a))
    steps = _p1_steps(project, accounts, facts)
    if target == "p2":
        steps += _p2_steps(project, accounts, facts)
    return Plan(target, _infer_done(steps))


def _p1_steps(project: Project, accounts: list[Account], facts: Facts) -> list[Step]:
    steps = [
        Step(
            "manual",
            "every management user: decrypt the initial password, log in, enable a virtual MFA device named "
            "like the IAM user, create access keys; then `leverage credentials configure --type MANAGEMENT` "
            "(without --fetch-mfa-device)",
            ".",
            "p1",
            "check",
        )
    ]
    for account in accounts:
        steps += _oaar_steps(project, account, facts)
    management = project.management
    if management is not None:
        wanted = f"{project.short_name}-{management.name}-oaar"
        steps.append(_backend_step(project, management, wanted, "p1", "PRF004"))
    steps.append(_mfa_flag_step(project))
    steps.append(Step("command", "fetch the MFA device into the role profiles", ".", "p1", "check", MANAGEMENT_FETCH))
    if management is not None:
        steps += _reconfigure_steps(management, f"{project.short_name}-{management.name}-oaar", facts, "p1")
    return steps


def _oaar_steps(project: Project, account: Account, facts: Facts) -> list[Step]:
    layer = account.identities_layer
    if not any(il.account == account.directory for il in project.identity_layers):
        return []  # no base-identities layer: ROL004 and the account's own guide cover it
    roles = _oaar_roles(project, account.directory)
    if not roles:
        title = (
            "add the OrganizationAccountAccessRole module with role_requires_mfa = true and import the role "
            "(leverage tf import module.iam_assumable_role_oaar.aws_iam_role.this[0] OrganizationAccountAccessRole)"
        )
        return [Step("manual", title, layer, "p1", "blocked", rule="ROL004", blocking=True, account=account.directory)]
    steps = [_role_step(project, role) for role in roles]
    edited = all(s.status == "done" for s in steps)
    applied = edited and facts.applied.get(layer) == oaar_digest(project, layer)
    note = None if applied else f"after it succeeds, record it: `mfa-guard plan --applied {layer}`"
    steps.append(
        Step(
            "apply",
            f"apply the OrganizationAccountAccessRole MFA requirement of {account.directory}",
            layer,
            "p1",
            "done" if applied else "todo",
            "leverage tf apply",
            note=note,
            blocking=True,
            account=account.directory,
        )
    )
    return steps


def _role_step(project: Project, role: Role) -> Step:
    title = f"set {MFA} = true on module.{role.module_name}"
    base = Step("edit", title, role.path, "p1", "done", rule="ROL001", account=role.account)
    state = role.mfa_state
    attribute = role.requires_mfa
    if state in ("true", "absent") or attribute is None:
        return base
    if state == "unknown":
        note = f"{MFA} is an expression ({attribute.value.text}); set it to true by hand"
        return replace(base, kind="manual", status="blocked", note=note, blocking=True)
    return replace(base, status="todo", edits=(set_attribute(attribute, "true"),))


def _backend_step(project: Project, account: Account, wanted: str, phase: str, rule: str) -> Step:
    title = f'set profile = "{wanted}"'
    base = Step("edit", title, account.backend_path, phase, "done", rule=rule, evidence=True, account=account.directory)
    attribute = account.backend.profile if account.backend is not None else None
    if attribute is not None and account.backend is not None and account.backend.profile_value == wanted:
        return base
    if attribute is None or attribute.value.kind != "string":
        note = "the backend has no literal profile; write it by hand"
        return replace(base, kind="manual", status="blocked", note=note, blocking=True)
    edit = replace_string_value(attribute.value.span, project.sources[attribute.span.path], wanted)
    return replace(base, status="todo", edits=(edit,))


def _mfa_flag_step(project: Project) -> Step:
    env = project.root_env
    base = Step("edit", "set MFA_ENABLED=true", env.path if env else "build.env", "p1", "done", rule="MFA001")
    if env is None:
        return replace(base, kind="manual", status="blocked", note="there is no root build.env", blocking=True)
    entry = env.effective("MFA_ENABLED")
    if entry is not None and entry.value == "true":  # quoted is still on; ENV002 handles the style
        return base
    if entry is not None:
        return replace(base, status="todo", edits=(replace_span(entry.value_span, "true"),))
    source = project.sources[env.path]
    prefix = "" if not source.text or source.text.endswith("\n") else source.newline
    edit = TextEdit(env.path, len(source.text), len(source.text), f"{prefix}MFA_ENABLED=true{source.newline}")
    return replace(base, status="todo", edits=(edit,))


def _reconfigure_steps(account: Account, profile: str, facts: Facts, phase: str) -> list[Step]:
    steps = []
    for layer in account.layers:
        current = facts.initialised.get(layer)
        note: Optional[str] = None
        if layer not in facts.initialised:
            status, note = "check", "if this layer was initialised before"
        elif current == profile:
            status = "done"
        else:
            status, note = "todo", f"initialised with {current}"
        title = f"re-initialise the backend with {profile}"
        steps.append(Step("command", title, layer, phase, status, "leverage tf init -reconfigure", note=note))
    return steps


def _p2_steps(project: Project, accounts: list[Account], facts: Facts) -> list[Step]:
    title = (
        "every security user: decrypt the initial password, log in, enable a virtual MFA device named like the "
        "IAM user, create access keys; then `leverage credentials configure --type SECURITY`"
    )
    steps = [Step("manual", title, ".", "p2", "check")]
    members = [a for a in accounts if not a.is_management and a.backend is not None]
    for account in members:
        step = _backend_step(project, account, f"{project.short_name}-{account.name}-devops", "p2", "PRF008")
        if step.status == "todo" and not _has_devops(project, account.directory):
            note = f"no DevOps role module in {account.identities_layer}/roles.tf: add it and apply it first"
            step = replace(step, kind="manual", status="blocked", edits=(), note=note, blocking=True)
        steps.append(step)
    steps.append(Step("command", "fetch the MFA device into the DevOps profiles", ".", "p2", "check", SECURITY_FETCH))
    for account in members:
        steps += _reconfigure_steps(account, f"{project.short_name}-{account.name}-devops", facts, "p2")
    return steps


def _has_devops(project: Project, directory: str) -> bool:
    return any(r.account == directory and r.kind == "devops" for r in project.roles)


def _infer_done(steps: list[Step]) -> tuple[Step, ...]:
    """Steps before a done backend switch happened (the team works through it), unless the files
    contradict that: an apply whose roles edit is not done stays open."""
    last = max((i for i, s in enumerate(steps) if s.evidence and s.status == "done"), default=-1)
    result = []
    for index, step in enumerate(steps):
        if index < last and step.kind in ("apply", "command", "manual") and step.status in ("todo", "check"):
            edits_open = any(
                s.kind == "edit" and s.status != "done" and s.account == step.account and s.account
                for s in steps[:index]
            )
            if not edits_open:
                step = replace(step, status="done", note="the files show the guide went past this step")
        result.append(step)
    return tuple(result)
