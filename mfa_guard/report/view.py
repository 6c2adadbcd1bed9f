"""What the text formats share: the run's header, fix markers, rule texts with real names, counts per rule."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

from mfa_guard.findings import SEVERITIES, Finding
from mfa_guard.project_info import ProjectInfo
from mfa_guard.report import Report
from mfa_guard.report.paths import from_cwd, project_label, rebase_cd
from mfa_guard.rules import Rule

SAFE_MARKER = "[*]"
GUARDED_MARKER = "[guarded]"
WAITING_MARKER = "[guarded, waits]"


def rule_index(report: Report) -> dict[str, Rule]:
    return {rule.id: rule for rule in report.rules}


def fix_marker(finding: Finding) -> str:
    """ruff's `[*]` for a safe fix; guarded fixes say so, and whether they wait on a precondition."""
    fix = finding.fix
    if fix is None:
        return ""
    if fix.applicability == "safe":
        return SAFE_MARKER
    return WAITING_MARKER if fix.blocked_by else GUARDED_MARKER


def with_names(text: str, project: Optional[ProjectInfo]) -> str:
    """Fill the guide's placeholders the project answers: `<s>`/`<short>` and the management `<m>`."""
    if project is None:
        return text
    if project.short_name:
        text = text.replace("<s>", project.short_name).replace("<short>", project.short_name)
    management = next((a.name for a in project.accounts if a.is_management), None)
    if management:
        text = text.replace("<m>", management)
    return text


def generation_fact(project: ProjectInfo) -> Optional[dict[str, Optional[str]]]:
    """{"value", "reason"} of the Leverage CLI generation, when it is known."""
    value = project.leverage_cli
    return {"value": str(value), "reason": project.leverage_cli_reason or None} if value else None


def generation(project: ProjectInfo) -> Optional[str]:
    """`Leverage CLI 3 (TF_BINARY in build.env ...)` when the generation is known."""
    value = project.leverage_cli
    if not value:
        return None
    # The fact a reader can check ("TF_BINARY in build.env line 9"), without its explanation in
    # parentheses: the JSON report keeps the whole reason.
    reason = project.leverage_cli_reason.split(" (", 1)[0]
    return f"Leverage CLI {value}.x" + (f" ({reason})" if reason else "")


def header_fields(project: ProjectInfo, cwd: Optional[Path] = None) -> list[str]:
    """The inferred facts a reader needs to trust the findings, in reading order; one entry per fact."""
    phase = (
        project.phase if project.phase == project.target_phase else f"{project.phase}, target {project.target_phase}"
    )
    fields = [
        f"project {project_label(project.root, cwd)}",
        f"short name {project.short_name}" if project.short_name else "short name unknown",
        f"{project.mode.upper()} mode",
        f"phase {phase}",
        generation(project),
    ]
    return [field for field in fields if field]


def header(report: Report, cwd: Optional[Path] = None) -> Optional[str]:
    if report.project is None:
        return None
    return "mfa-guard: " + ", ".join(header_fields(report.project, cwd))


def shown_path(report: Report, path: str, cwd: Optional[Path] = None) -> str:
    return path if report.project is None else from_cwd(report.project.root, path, cwd)


def shown_command(report: Report, command: str, cwd: Optional[Path] = None) -> str:
    return command if report.project is None else rebase_cd(command, report.project.root, cwd)


def location(report: Report, finding: Finding, cwd: Optional[Path] = None) -> str:
    span = finding.span
    return f"{shown_path(report, span.path, cwd)}:{span.line}:{span.column}"


def per_rule(report: Report) -> list[tuple[str, int]]:
    """(rule id, count) in order of first appearance."""
    return list(Counter(f.rule for f in report.findings).items())


def rule_footer(rule: Rule, count: int, project: Optional[ProjectInfo], severities: Sequence[str] = ()) -> str:
    """The rule's why and target, said once for all its findings, with the severities they have (a
    check may give one another than the rule's: a 3.x ENV002 is a note)."""
    why = rule.why.rstrip(".")
    target = with_names(rule.target, project).rstrip(".")
    shown = "/".join(sorted(set(severities), key=SEVERITIES.index, reverse=True)) if severities else rule.severity
    return f"{rule.id} ({count}, {shown}) {rule.name}: {why}. Target: {target}; see `mfa-guard explain {rule.id}`"
