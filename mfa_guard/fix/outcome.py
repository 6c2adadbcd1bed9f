"""What the fix loop is given (the policy, the plan's directives) and what it gives back
(applied, rejected and held fixes, the fixed texts); the loop itself is fixer.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from mfa_guard.analysis import Analysis
from mfa_guard.findings import Finding, Fix, TextEdit
from mfa_guard.source import SourceFile

DEFAULT_MAX_PASSES = 10


@dataclass(frozen=True)
class Candidate:
    """One fix offered in a pass: by a finding of a rule, or by a step of the ordered plan."""

    rule: str
    fix: Fix
    finding: Optional[Finding] = None
    origin: str = ""  # "" for rule fixes, "plan step N" for plan steps

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        """Stable across passes (offsets move), used to never retry a rejected fix."""
        return (self.rule, self.fix.description, tuple(sorted({e.path for e in self.fix.edits})))

    @property
    def path(self) -> str:
        return self.finding.span.path if self.finding is not None else self.fix.edits[0].path

    @property
    def line(self) -> int:
        return self.finding.span.line if self.finding is not None else 0


@dataclass(frozen=True)
class Reservation:
    """Text a later step of the plan will change: no rule fix may touch it before that step."""

    edits: tuple[TextEdit, ...]
    reason: str


@dataclass(frozen=True)
class Directive:
    """What the ordered plan allows in this pass (fix --to): its own edits and what it reserves."""

    candidates: tuple[Candidate, ...] = ()
    reservations: tuple[Reservation, ...] = ()


Planner = Callable[[Analysis], Directive]


@dataclass(frozen=True)
class FixPolicy:
    guarded: bool = False  # also apply guarded fixes whose preconditions are visible (blocked_by None)
    max_passes: int = DEFAULT_MAX_PASSES
    planner: Optional[Planner] = None  # fix --to: the plan's edit steps and reservations


@dataclass(frozen=True)
class Applied:
    rule: str
    path: str
    line: int
    description: str
    applicability: str
    companion: Optional[str]
    origin: str = ""


@dataclass(frozen=True)
class Rejected:
    """A fix that broke its file (or could not be applied): a bug in that rule's fix."""

    rule: str
    path: str
    description: str
    problem: str


@dataclass(frozen=True)
class Held:
    """A fix left for later, and why."""

    rule: str
    path: str
    line: int
    description: str
    reason: str


@dataclass
class FixResult:
    originals: dict[str, SourceFile]  # every file a fix touched, as first read
    fixed: dict[str, SourceFile]  # files whose text changed, with their final text
    applied: list[Applied] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)
    unstable: list[str] = field(default_factory=list)  # files still changing after max passes: not written
    passes: int = 0
    analysis: Optional[Analysis] = None  # of the fixed texts (in memory)
    initial: Optional[Analysis] = None  # of the files as they are on disk
