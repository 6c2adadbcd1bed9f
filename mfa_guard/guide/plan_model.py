"""The runbook's data: a step of the guide, the plan of steps, and what an apply is recorded against. Pure."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Optional

from mfa_guard.findings import TextEdit
from mfa_guard.model import Account, Project, Role

MFA = "role_requires_mfa"
TARGETS = ("p1", "p2")
# The checks whose findings a step's edit resolves (the rule files say which rule runs which check).
CHECK_OAAR = "oaar_without_mfa"
CHECK_UNMANAGED = "oaar_unmanaged"
CHECK_SWITCH = "bootstrap_after_mfa"
CHECK_DEVOPS = "oaar_for_daily_ops"
CHECK_EMPTY_FLAG = "dockerless_mfa_on_with_base_credentials"  # MFA006: 3.x MFA step on over base credentials
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
    note: Optional[str] = None  # said with the steps (how they differ when the CLI generation is unknown)

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
