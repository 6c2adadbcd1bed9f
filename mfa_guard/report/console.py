"""The report for people (ruff/tflint style): a header, one line per finding, each rule's why once.

Wrapped to the terminal's width with a hanging indent on a terminal; one line per finding in a
pipe or file. `--output-format full` adds the source line with a caret, the fix and the commands
to run after it, and each rule's rationale.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Optional, TextIO

from mfa_guard.findings import Finding
from mfa_guard.report import Report
from mfa_guard.report.source_lines import snippet
from mfa_guard.report.text import printable
from mfa_guard.report.view import (
    SAFE_MARKER,
    fix_marker,
    header,
    location,
    per_rule,
    rule_footer,
    rule_index,
    shown_command,
    with_names,
)
from mfa_guard.terminal import terminal_width

_CODES = {"error": "1;31", "warning": "33", "note": "36", "bold": "1", "dim": "2", "green": "32"}
INDENT = "    "  # the hanging indent of wrapped lines


class _Writer:
    def __init__(self, stream: TextIO, color: bool, width: Optional[int]) -> None:
        self.stream, self.color, self.width = stream, color, width

    def paint(self, text: str, style: str) -> str:
        return f"\x1b[{_CODES[style]}m{text}\x1b[0m" if self.color and text else text

    def line(
        self, text: str, lead: str = "", style: Optional[str] = None, indent: str = INDENT, rest: Optional[str] = None
    ) -> None:
        """Print `text` (made printable), wrapped with a hanging indent; `lead` is painted by `style`,
        everything after it by `rest` (each wrapped line on its own, so a pager keeps the colours)."""
        text = printable(text)
        lines = [text]
        if self.width and len(text) > self.width:
            lines = textwrap.wrap(
                text, self.width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
            ) or [text]
        start = len(lead) if lead and style and lines[0].startswith(lead) else 0
        if rest:
            lines = [lines[0][:start] + self.paint(lines[0][start:], rest)] + [self.paint(x, rest) for x in lines[1:]]
        if start:
            lines[0] = self.paint(lead, style or "bold") + lines[0][start:]
        self.stream.write("\n".join(lines) + "\n")


def finding_line(report: Report, finding: Finding, cwd: Optional[Path] = None) -> tuple[str, str]:
    """(`path:line:col: ID`, the whole line with the fix marker and the message)."""
    lead = f"{location(report, finding, cwd)}: {finding.rule}"
    marker = fix_marker(finding)
    message = with_names(finding.message, report.project)
    return lead, f"{lead} {marker + ' ' if marker else ''}{message}"


def _full_details(out: _Writer, report: Report, finding: Finding, cwd: Optional[Path]) -> None:
    for line in snippet(report, finding):
        out.stream.write(printable(line) + "\n")
    extra = []
    if finding.detail:
        extra.append(with_names(finding.detail, report.project))
    if finding.fix is not None:
        extra.append(f"fix ({finding.fix.applicability}): {finding.fix.description}")
        if finding.fix.blocked_by:
            extra.append(f"waits on: {finding.fix.blocked_by}")
    if finding.companion:
        extra.append(f"then run: {shown_command(report, finding.companion, cwd)}")
    for text in extra:
        out.line(f"  = {text}", indent="      ")


def render(report: Report, stream: TextIO, color: bool = False) -> None:
    render_to(report, stream, color, terminal_width(stream))


def render_to(
    report: Report, stream: TextIO, color: bool = False, width: Optional[int] = None, cwd: Optional[Path] = None
) -> None:
    out = _Writer(stream, color, width)
    title = header(report, cwd)
    if title:
        out.line(title, "mfa-guard:", "dim")
    if report.statistics:
        _statistics(out, report)
    else:
        _findings(out, report, cwd)
    project = report.project
    if project is not None and project.common_path and project.common_path.endswith(".example"):
        out.line(f"note: read {project.common_path} (config/common.tfvars not found)")
    for note in report.notes:
        out.line(note)
    out.line(summary_text(report), summary_text(report), "bold" if report.findings else "green")


def _findings(out: _Writer, report: Report, cwd: Optional[Path]) -> None:
    full = report.output_format == "full"
    for finding in report.findings:
        lead, text = finding_line(report, finding, cwd)
        out.line(text, lead, finding.severity)
        if full:
            _full_details(out, report, finding, cwd)
    if not report.findings:
        return
    out.stream.write("\n")
    rules = rule_index(report)
    for rule_id, count in per_rule(report):
        rule = rules.get(rule_id)
        if rule is None:
            continue
        severities = [f.severity for f in report.findings if f.rule == rule_id]
        out.line(rule_footer(rule, count, report.project, severities), rule_id, "bold", rest="dim")
        if full and rule.rationale:
            for paragraph in rule.rationale.strip().split("\n\n"):
                out.line(INDENT + " ".join(paragraph.split()), indent=INDENT)
    out.stream.write("\n")


def _statistics(out: _Writer, report: Report) -> None:
    rules = rule_index(report)
    for rule_id, count in sorted(per_rule(report), key=lambda item: (-item[1], item[0])):
        markers = {fix_marker(f) for f in report.findings if f.rule == rule_id} - {""}
        marker = SAFE_MARKER if SAFE_MARKER in markers else (sorted(markers)[0] if markers else "")
        name = rules[rule_id].name if rule_id in rules else ""
        out.line(f"{count:>5}  {rule_id:<7} {marker + ' ' if marker else ''}{name}".rstrip())
    if report.findings:
        out.stream.write("\n")


def summary_text(report: Report) -> str:
    if not report.findings:
        return "No findings."
    counts = report.counts()
    parts = ", ".join(f"{n} {sev}{'s' if n != 1 else ''}" for sev, n in counts.items() if n)
    text = f"Found {len(report.findings)} finding{'s' if len(report.findings) != 1 else ''} ({parts})."
    if report.fixable:
        text += f" {report.fixable} fixable with `{report.fix_command}`"
        text += f" ({report.guarded} more with `{report.fix_command} --guarded`)." if report.guarded else "."
    elif report.guarded:
        text += f" {report.guarded} fixable with `{report.fix_command} --guarded`."
    return text
