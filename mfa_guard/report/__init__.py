"""Reporters: the only code that turns findings into text. One module per format."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Callable, Optional, TextIO

from mfa_guard import __version__
from mfa_guard.findings import SEVERITIES, Finding
from mfa_guard.project_info import ProjectInfo
from mfa_guard.rules import Rule

TOOL_NAME = "mfa-guard"


@dataclass(frozen=True)
class Report:
    """Everything a reporter may show about one run."""

    findings: Sequence[Finding]
    rules: Sequence[Rule]  # the enabled rules
    project: Optional[ProjectInfo] = None
    version: str = __version__
    fix_command: str = "mfa-guard fix"
    notes: Sequence[str] = field(default_factory=tuple)  # run-level remarks (e.g. stale baseline)
    output_format: str = "concise"  # console: concise | full (source line, caret, fix, rationale)
    statistics: bool = False  # console: counts per rule instead of the findings

    def __post_init__(self) -> None:
        """Every reporter shows the rules' texts for the project's Leverage CLI generation (both,
        labelled, when it is unknown): chosen here, once, for all of them."""
        number = self.project.leverage_cli if self.project is not None else None
        object.__setattr__(self, "rules", tuple(rule.for_cli(number) for rule in self.rules))

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(reversed(SEVERITIES), 0)
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    @property
    def fixable(self) -> int:
        return sum(1 for f in self.findings if f.fix is not None and f.fix.applicability == "safe")

    @property
    def guarded(self) -> int:
        """Guarded fixes `--guarded` would apply now (not those waiting on a precondition)."""
        return sum(
            1 for f in self.findings if f.fix is not None and f.fix.applicability == "guarded" and not f.fix.blocked_by
        )


Renderer = Callable[[Report, TextIO, bool], None]


def renderer(name: str) -> Renderer:
    """Import the reporter lazily: rich is only loaded when the console format is used."""
    if name == "console":
        from mfa_guard.report.console import render
    elif name == "plain":
        from mfa_guard.report.plain import render
    elif name == "json":
        from mfa_guard.report.json_format import render
    elif name == "sarif":
        from mfa_guard.report.sarif import render
    elif name == "github":
        from mfa_guard.report.github import render
    elif name == "summary":
        from mfa_guard.report.summary import render
    else:
        raise KeyError(name)
    return render


FORMATS = ("console", "plain", "json", "sarif", "github", "summary")
