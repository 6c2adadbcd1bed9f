"""A Markdown summary for people reviewing a pull request: GitHub's job summary, or any Markdown page."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, TextIO

from mfa_guard.findings import Finding, severity_rank
from mfa_guard.report import TOOL_NAME, Report
from mfa_guard.report.locations import prefix, repo_path
from mfa_guard.report.markdown_text import md_code, md_text

# GitHub caps a step summary at 1 MiB; long tables are also unreadable, the SARIF has the rest.
MAX_ROWS = 100


def escape_cell(text: str) -> str:
    """Keep a table cell one cell of text: Markdown and HTML escaped, newlines shown as `\\n`."""
    return md_text(text)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def _heading(report: Report) -> str:
    if not report.findings:
        return f"### {TOOL_NAME}: no findings"
    counts = ", ".join(_plural(n, s) for s, n in report.counts().items() if n)
    return f"### {TOOL_NAME}: {counts}"


def _project_line(report: Report, project_prefix: str) -> Optional[str]:
    project = report.project
    if project is None:
        return None
    where = f" in {md_code(project_prefix)}" if project_prefix else ""
    name = md_code(project.short_name) if project.short_name else "(short name unknown)"
    return f"Leverage project {name}{where}: {project.mode.upper()} mode, phase {project.phase}, target {project.target_phase}."


def _counts_table(report: Report) -> list[str]:
    rows = ["| severity | findings |", "| --- | ---: |"]
    rows += [f"| {severity} | {count} |" for severity, count in report.counts().items()]
    return rows


def _finding_row(finding: Finding, project_prefix: str) -> str:
    span = finding.span
    location = md_code(f"{repo_path(span.path, project_prefix)}:{span.line}:{span.column}", in_table=True)
    fix = finding.fix.applicability if finding.fix is not None else "manual"
    cells = (finding.severity, f"`{finding.rule}` {finding.name}", location, fix, escape_cell(finding.message))
    return "| " + " | ".join(cells) + " |"


def _findings_table(report: Report, project_prefix: str) -> list[str]:
    ordered = sorted(report.findings, key=lambda f: (-severity_rank(f.severity), f.sort_key))
    rows = ["| severity | rule | location | fix | message |", "| --- | --- | --- | --- | --- |"]
    rows += [_finding_row(f, project_prefix) for f in ordered[:MAX_ROWS]]
    if len(ordered) > MAX_ROWS:
        rows += ["", f"... and {len(ordered) - MAX_ROWS} more (all are in the SARIF report and the log)."]
    return rows


def _fix_lines(report: Report) -> list[str]:
    command = report.fix_command
    lines = []
    if report.fixable:
        lines.append(f"- {_plural(report.fixable, 'finding')} with a safe fix: run `{command}` and commit the result.")
    if report.guarded:
        lines.append(
            f"- {_plural(report.guarded, 'finding')} with a guarded fix: `{command} --guarded` "
            "once its precondition holds (see each message)."
        )
    manual = len(report.findings) - report.fixable - report.guarded
    if manual:
        lines.append(f"- {_plural(manual, 'finding')} to change by hand: `{TOOL_NAME} explain RULE` shows how.")
    return ["**How to fix**", "", *lines] if lines else []


def markdown(report: Report, cwd: Optional[Path] = None) -> str:
    project_prefix = prefix(report, cwd)
    blocks: list[list[str]] = [[_heading(report)]]
    project_line = _project_line(report, project_prefix)
    if project_line:
        blocks.append([project_line])
    if report.findings:
        blocks += [_counts_table(report), _findings_table(report, project_prefix), _fix_lines(report)]
    if report.notes:
        blocks.append([f"> {md_text(note)}" for note in report.notes])
    return "\n\n".join("\n".join(block) for block in blocks if block) + "\n\n"


def render(report: Report, stream: TextIO, color: bool = False) -> None:
    stream.write(markdown(report))
