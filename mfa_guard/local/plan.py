"""Group findings by their companion command and order the commands as they must run (§5.8)."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

from mfa_guard.findings import Finding

# Credentials before the layers that use them; BOOTSTRAP < MANAGEMENT < SECURITY as in the guide.
_ORDER = (
    ("--type BOOTSTRAP", 1),
    ("--type MANAGEMENT", 2),
    ("--type SECURITY", 3),
    ("aws configure sso", 4),
    ("tf init", 5),
)


@dataclass(frozen=True)
class Step:
    command: str  # exactly as printed and as the findings carry it
    argv: Optional[tuple[str, ...]]  # `leverage ...` words; None for a step done by hand
    cwd: str  # repo-relative directory to run in ("" = the project root)
    findings: tuple[Finding, ...]

    @property
    def runnable(self) -> bool:
        return self.argv is not None

    def fixes(self) -> str:
        """`LOC001 x2, LOC004`: what this one command resolves."""
        counts: dict[str, int] = {}
        for finding in self.findings:
            counts[finding.rule] = counts.get(finding.rule, 0) + 1
        return ", ".join(f"{rule} x{n}" if n > 1 else rule for rule, n in sorted(counts.items()))


def parse_command(command: str) -> tuple[Optional[tuple[str, ...]], str]:
    """`[cd DIR && ]leverage ...` -> (argv, cwd); anything else is a step done by hand."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None, ""
    cwd = ""
    if len(words) > 3 and words[0] == "cd" and words[2] == "&&":
        cwd, words = words[1], words[3:]
    if not words or words[0] != "leverage" or any(w in ("&&", "|", ";") for w in words):
        return None, ""
    return tuple(words), cwd


def rank(step: Step, accounts: Sequence[str] = ()) -> tuple[int, int, str]:
    """Commands by kind, then by account in the guide's order (`accounts`), then by directory."""
    if not step.runnable:
        return 0, 0, step.command  # repository edits (MFA_ENABLED) come before fetching MFA devices
    kind = next((order for marker, order in _ORDER if marker in step.command), 6)
    top = step.cwd.split("/", 1)[0]
    return kind, accounts.index(top) if top in accounts else len(accounts), step.cwd


def build_plan(findings: Sequence[Finding], accounts: Sequence[str] = ()) -> list[Step]:
    """`accounts`: the account directories in the guide's order (guide/order.py)."""
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.companion:
            grouped.setdefault(finding.companion, []).append(finding)
    steps = []
    for command, members in grouped.items():
        argv, cwd = parse_command(command)
        steps.append(Step(command, argv, cwd, tuple(members)))
    return sorted(steps, key=lambda step: rank(step, accounts))


def unplanned(findings: Sequence[Finding]) -> list[Finding]:
    """Findings no command fixes (hand-written profiles): shown so they are not forgotten."""
    return [f for f in findings if not f.companion]
