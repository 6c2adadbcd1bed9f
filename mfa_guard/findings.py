"""Findings and fixes: plain data produced by the engine and consumed by fixers and reporters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from mfa_guard.span import Span

SEVERITIES = ("note", "warning", "error")  # ascending
FIX_CLASSES = ("safe", "guarded", "manual")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class TextEdit:
    """Replace text[start:end] of one file (offsets into the decoded, BOM-less text)."""

    path: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Fix:
    applicability: str  # safe | guarded
    edits: tuple[TextEdit, ...]
    description: str
    blocked_by: Optional[str] = None  # guarded fix: the precondition not yet visible in the files


@dataclass(frozen=True)
class Violation:
    """What a check reports; the engine adds the rule's identity and wording."""

    span: Span
    message: str
    fix: Optional[Fix] = None
    companion: Optional[str] = None  # overrides the rule's companion command
    address: Optional[str] = None  # stable key for baselines, e.g. `output.user_x_password`
    severity: Optional[str] = None  # overrides the rule's severity for this instance
    detail: Optional[str] = None  # the longer explanation of this instance, shown by the full formats
    plan_step: Optional[tuple[int, int]] = None  # (n, of): its step in the guide's order, when the check knows it


@dataclass(frozen=True)
class Finding:
    rule: str
    name: str
    severity: str
    message: str
    span: Span
    fix: Optional[Fix] = None
    companion: Optional[str] = None
    address: Optional[str] = None
    detail: Optional[str] = None  # this instance's longer explanation; the rule's why/target are not repeated here
    plan_step: Optional[tuple[int, int]] = None  # (n, of): its step in the guide's order, when the check knows it

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.span.path, self.span.line, self.span.column, self.rule)
