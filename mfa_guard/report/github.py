"""GitHub Actions workflow commands: one `::error file=...::` annotation per finding, capped as GitHub does."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, TextIO

from mfa_guard.findings import Finding
from mfa_guard.log import get_logger
from mfa_guard.report import Report
from mfa_guard.report.console import summary_text
from mfa_guard.report.locations import prefix, repo_path
from mfa_guard.report.text import printable

log = get_logger(__name__)

COMMAND = {"error": "error", "warning": "warning", "note": "notice"}
# GitHub shows at most 10 annotations of each level per step and drops the rest silently.
MAX_PER_LEVEL = 10
STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"


def escape_data(text: str) -> str:
    return printable(text, keep_newlines=True).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def log_line(text: str) -> str:
    """A plain log line the runner cannot read as a workflow command.

    The runner trims leading blanks and runs any line starting with `::` (`::stop-commands::`,
    `::error ...`), and the legacy `##[command]` syntax; a newline in a path would start a new line.
    """
    line = printable(text)  # CR/LF/ESC become visible escapes: one line stays one line
    if line.lstrip().startswith("::"):
        line = line.replace(":", "%3A", 1)
    return line.replace("##[", "##%5B") + "\n"


@dataclass(frozen=True)
class Group:
    """The findings of one rule in one file: one annotation (`OUT001 x7`), not seven of the ten slots."""

    findings: tuple[Finding, ...]
    path: str  # as GitHub resolves it (from the repository root)

    @property
    def first(self) -> Finding:
        return self.findings[0]


def group_findings(findings: Sequence[Finding], path_of: Callable[[Finding], str]) -> list[Group]:
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.rule, finding.span.path), []).append(finding)
    return [Group(tuple(members), path_of(members[0])) for members in groups.values()]


def order_groups(groups: list[Group], changed: frozenset[str]) -> list[Group]:
    """Files the pull request changes first, then the rest; the findings' order within each."""
    return sorted(groups, key=lambda g: g.path not in changed)


def annotation_message(group: Group, fix_command: str) -> str:
    finding = group.first
    lines = [finding.message]
    others = group.findings[1:]
    if others:
        where = ", ".join(str(f.span.line) for f in others[:20]) + (", ..." if len(others) > 20 else "")
        lines.append(f"{len(others)} more in this file, on line{'s' if len(others) > 1 else ''} {where}")
    if finding.fix is not None:
        command = fix_command if finding.fix.applicability == "safe" else f"{fix_command} --guarded"
        lines.append(f"Fix ({finding.fix.applicability}): {finding.fix.description} - run `{command}`")
    if finding.companion:
        lines.append(f"Then run: {finding.companion}")
    return "\n".join(lines)


def annotation(group: Group, fix_command: str) -> str:
    finding = group.first
    span = finding.span
    count = f" x{len(group.findings)}" if len(group.findings) > 1 else ""
    properties = (
        ("file", group.path),
        ("line", str(span.line)),
        ("col", str(span.column)),
        ("endLine", str(max(span.end_line, span.line))),
        ("endColumn", str(span.end_column)),
        ("title", f"{finding.rule}{count} {finding.name}"),
    )
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{COMMAND[finding.severity]} {rendered}::{escape_data(annotation_message(group, fix_command))}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def render_annotations(
    report: Report, stream: TextIO, cwd: Optional[Path] = None, changed: frozenset[str] = frozenset()
) -> None:
    project_prefix = prefix(report, cwd)
    groups = order_groups(group_findings(report.findings, lambda f: repo_path(f.span.path, project_prefix)), changed)
    shown = dict.fromkeys(COMMAND, 0)
    overflow: list[Group] = []
    for group in groups:
        severity = group.first.severity
        if shown[severity] >= MAX_PER_LEVEL:
            overflow.append(group)
            continue
        shown[severity] += 1
        stream.write(annotation(group, report.fix_command) + "\n")
    if overflow:
        # Kept in the log as plain lines so nothing is lost when GitHub drops annotations.
        dropped = [
            _plural(n, s) for s in COMMAND if (n := sum(len(g.findings) for g in overflow if g.first.severity == s))
        ]
        stream.write(
            log_line(
                f"mfa-guard: {' and '.join(dropped)} not annotated "
                f"(GitHub shows at most {MAX_PER_LEVEL} per level per step):"
            )
        )
        for group in overflow:
            for f in group.findings:
                where = f"{group.path}:{f.span.line}:{f.span.column}"
                stream.write(log_line(f"  {where}: {f.severity} {f.rule} [{f.name}] {f.message}"))
    for note in report.notes:
        stream.write(log_line(f"mfa-guard: {note}"))
    stream.write(log_line(f"mfa-guard: {summary_text(report)}"))


def append_step_summary(report: Report, environ: Mapping[str, str], cwd: Optional[Path] = None) -> None:
    """Append the Markdown job summary to $GITHUB_STEP_SUMMARY when the runner provides it."""
    target = environ.get(STEP_SUMMARY_ENV)
    if not target:
        return
    from mfa_guard.report.summary import markdown

    try:
        with Path(target).open("a", encoding="utf-8") as summary:
            summary.write(markdown(report, cwd))
    except OSError as exc:
        # The annotations are already printed; a missing summary must not hide the findings.
        log.warning("cannot append the job summary to %s: %s", target, exc.strerror)


def render(report: Report, stream: TextIO, color: bool = False) -> None:
    render_annotations(report, stream, changed=_changed(report, os.environ))
    append_step_summary(report, os.environ)


def _changed(report: Report, environ: Mapping[str, str]) -> frozenset[str]:
    if report.project is None:
        return frozenset()
    from mfa_guard.report.changed_files import changed_files
    from mfa_guard.report.locations import source_root

    return changed_files(environ, source_root(report))
