"""Hand-built reports for the reporter tests: fixed rules, findings and spans, no project on disk."""

from __future__ import annotations

from mfa_guard.findings import Finding, Fix, TextEdit
from mfa_guard.report import Report
from mfa_guard.rules import Rule
from mfa_guard.span import Span


def rule(rule_id: str, name: str, severity: str = "error", fix: str = "safe") -> Rule:
    return Rule(
        id=rule_id,
        name=name,
        severity=severity,
        summary=f"Summary of {name}.",
        why=f"Why {name} matters.",
        target=f"The target of {name}.",
        fix=fix,
        check="env_export_prefix",
        rationale=f"Rationale of {name}.",
        companion="leverage tf init -reconfigure" if fix == "guarded" else None,
    )


RULES = (
    rule("ENV001", "env-export-prefix"),
    rule("ENV003", "mfa-flag-duplicate", "warning"),
    rule("MFA002", "mfa-on-with-bootstrap-profile", "error", "guarded"),
    rule("PRF001", "profile-note", "note", "manual"),
)


def finding(
    rule_id: str,
    path: str,
    line: int,
    message: str,
    *,
    severity: str | None = None,
    column: int = 1,
    end: tuple[int, int] | None = None,
    fix: str | None = None,
    address: str | None = None,
) -> Finding:
    known = {r.id: r for r in RULES}[rule_id]
    end_line, end_column = end or (line, column + 10)
    span = Span(path, line, column, end_line, end_column, 100 * line, 100 * line + 10)
    edits = (TextEdit(path, span.start, span.end, ""),)
    return Finding(
        rule=rule_id,
        name=known.name,
        severity=severity or known.severity,
        message=message,
        span=span,
        fix=None if fix is None else Fix(fix, edits, f"{fix} edit"),
        companion=known.companion,
        address=address,
    )


def sample_report() -> Report:
    findings = [
        finding("ENV001", "build.env", 5, "`export MFA_ENABLED=...` in build.env", fix="safe", address="build.env:X"),
        finding("ENV003", "build.env", 6, "MFA_ENABLED is set again on line 7", fix="safe"),
        finding(
            "MFA002",
            "management/config/backend.tfvars",
            3,
            "profile `me-bootstrap` with MFA on | 100% wrong\r\nsecond line, with: colon",
            column=11,
            end=(3, 25),
            fix="guarded",
        ),
        finding("PRF001", "shared/us-east-1/a,b:c/config.tf", 1, "a note <short>-oaar and `<s>-devops`"),
    ]
    return Report(findings, RULES)
