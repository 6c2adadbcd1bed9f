"""A Markdown summary for people reviewing a pull request: GitHub's job summary, or any Markdown page.

Reading order: the counts, the project's state (per account), the next step, then the findings
grouped by rule in collapsed `<details>` blocks (the rule's why said once), each linked to its line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Optional, TextIO
from urllib.parse import quote

from mfa_guard.findings import Finding, severity_rank
from mfa_guard.links import has_page, rule_doc_url
from mfa_guard.report import TOOL_NAME, Report
from mfa_guard.report.locations import prefix, repo_path
from mfa_guard.report.markdown_text import md_code, md_text
from mfa_guard.report.text import utf8_bytes
from mfa_guard.report.view import (
    GUARDED_MARKER,
    SAFE_MARKER,
    WAITING_MARKER,
    fix_marker,
    generation,
    rule_index,
    with_names,
)

_FIX_WORDS = {SAFE_MARKER: "safe fix", GUARDED_MARKER: "guarded fix", WAITING_MARKER: "guarded fix, waits on a step"}
# GitHub caps a step summary at 1 MiB; long lists are also unreadable, the SARIF has the rest.
MAX_ROWS = 100


def escape_cell(text: str) -> str:
    """Keep a table cell one cell of text: Markdown and HTML escaped, newlines as `<br>`."""
    return md_text(text)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def _counts(findings: list[Finding]) -> str:
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "note")}
    return ", ".join(_plural(n, s) for s, n in counts.items() if n)


def _heading(report: Report) -> str:
    if not report.findings:
        return f"### {TOOL_NAME}: no findings"
    return f"### {TOOL_NAME}: {_counts(list(report.findings))}"


def _project_line(report: Report, project_prefix: str) -> Optional[str]:
    project = report.project
    if project is None:
        return None
    where = f" in {md_code(project_prefix)}" if project_prefix else ""
    name = md_code(project.short_name) if project.short_name else "(short name unknown)"
    cli = generation(project)
    return (
        f"Leverage project {name}{where}: {project.mode.upper()} mode, phase {project.phase}, "
        f"target {project.target_phase}{', ' + md_text(cli) if cli else ''}."
    )


def status_block(report: Report) -> list[str]:
    """The picture of the accounts: the guide's status table (phase, position and next step of each
    account, `mfa-guard status`) when the report carries it, else the findings per account."""
    project = report.project
    if project is not None and project.status is not None:
        from mfa_guard.guide.status import render_markdown

        return render_markdown(project.status, generation=False).rstrip("\n").split("\n")
    if project is None or not report.findings:
        return []
    rows = []
    directories = {a.directory for a in project.accounts}
    for account in project.accounts:
        own = [f for f in report.findings if f.span.path.split("/", 1)[0] == account.directory]
        if own:
            role = " (management)" if account.is_management else ""
            rows.append(f"| {md_code(account.directory, in_table=True)}{role} | {_counts(own)} |")
    rest = [f for f in report.findings if f.span.path.split("/", 1)[0] not in directories]
    if rest:
        rows.append(f"| project-wide files | {_counts(rest)} |")
    return ["| account | findings |", "| --- | --- |", *rows]


def next_step(report: Report) -> Optional[str]:
    command = report.fix_command
    if report.fixable:
        return f"**Next step:** run `{command}` ({report.fixable} safe fix{'es' if report.fixable != 1 else ''}) and commit the result."
    if report.guarded:
        return f"**Next step:** review and run `{command} --guarded` ({report.guarded} guarded fix{'es' if report.guarded != 1 else ''})."
    errors = sorted(report.findings, key=lambda f: -severity_rank(f.severity))
    if any(f.rule == "MFA005" for f in errors):
        return f"**Next step:** `{TOOL_NAME} plan` prints the remaining post-deployment steps in order."
    with_command = next((f for f in errors if f.companion), None)
    if with_command is not None and with_command.companion:
        return f"**Next step:** {md_code(with_command.companion)} ({with_command.rule})."
    if report.findings:
        return f"**Next step:** change the files by hand; `{TOOL_NAME} explain RULE` shows how."
    return None


def blob_url(environ: Mapping[str, str], path: str, line: int) -> Optional[str]:
    """`<server>/<repo>/blob/<sha>/<path>#L<line>` when the runner says where the commit lives."""
    server, repository, sha = (environ.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"))
    if not (server and repository and sha):
        return None
    return f"{server.rstrip('/')}/{repository}/blob/{sha}/{quote(utf8_bytes(path), safe='/')}#L{line}"


def _item(finding: Finding, report: Report, project_prefix: str, environ: Mapping[str, str]) -> str:
    path = repo_path(finding.span.path, project_prefix)
    label = md_code(f"{path}:{finding.span.line}")
    url = blob_url(environ, path, finding.span.line)
    where = f"[{label}]({url})" if url else label
    fix = f" ({_FIX_WORDS[fix_marker(finding)]})" if finding.fix is not None else ""
    return f"- {where}{fix} {md_text(with_names(finding.message, report.project))}"


def findings_blocks(report: Report, project_prefix: str, environ: Mapping[str, str]) -> list[str]:
    rules = rule_index(report)
    ordered = sorted(report.findings, key=lambda f: (-severity_rank(f.severity), f.rule, f.sort_key))
    by_rule: dict[str, list[Finding]] = {}
    for finding in ordered[:MAX_ROWS]:
        by_rule.setdefault(finding.rule, []).append(finding)
    lines: list[str] = []
    for rule_id, members in by_rule.items():
        rule = rules.get(rule_id)
        name = f" {md_text(rule.name)}" if rule else ""
        lines += [f"<details><summary><b>{rule_id}</b>{name}: {_counts(members)}</summary>", ""]
        if rule is not None:
            target = with_names(rule.target, report.project)
            docs = f" ([docs]({rule_doc_url(rule_id)}))" if has_page(rule) else ""
            lines += [f"{md_text(rule.why)} **Target:** {md_text(target)}{docs}", ""]
        lines += [_item(f, report, project_prefix, environ) for f in members]
        lines += ["", "</details>", ""]
    if len(ordered) > MAX_ROWS:
        lines.append(f"... and {len(ordered) - MAX_ROWS} more (all are in the SARIF report and the log).")
    return lines[:-1] if lines and lines[-1] == "" else lines


def markdown(report: Report, cwd: Optional[Path] = None, environ: Optional[Mapping[str, str]] = None) -> str:
    environ = os.environ if environ is None else environ
    project_prefix = prefix(report, cwd)
    blocks: list[list[str]] = [[_heading(report)]]
    project_line = _project_line(report, project_prefix)
    if project_line:
        blocks.append([project_line])
    blocks.append(status_block(report))
    step = next_step(report)
    if step:
        blocks.append([step])
    if report.findings:
        blocks.append(findings_blocks(report, project_prefix, environ))
    if report.notes:
        blocks.append([f"> {md_text(note)}" for note in report.notes])
    return "\n\n".join("\n".join(block) for block in blocks if block) + "\n\n"


def render(report: Report, stream: TextIO, color: bool = False) -> None:
    stream.write(markdown(report))
