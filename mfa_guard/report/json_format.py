"""The stable JSON report (`"version": 1`) for scripts and other tools."""

from __future__ import annotations

import json
from typing import Any, TextIO

from mfa_guard.findings import Finding
from mfa_guard.report import TOOL_NAME, Report


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "name": f.name,
        "severity": f.severity,
        "path": f.span.path,
        "line": f.span.line,
        "column": f.span.column,
        "end_line": f.span.end_line,
        "end_column": f.span.end_column,
        "message": f.message,
        "fix": None if f.fix is None else {"applicability": f.fix.applicability, "description": f.fix.description},
        "companion": f.companion,
    }


def document(report: Report) -> dict[str, Any]:
    project = report.project
    return {
        "version": 1,
        "tool": {"name": TOOL_NAME, "version": report.version},
        "project": None
        if project is None
        else {
            "root": str(project.root),
            "short_name": project.short_name,
            "mode": project.mode,
            "phase": project.phase,
            "target_phase": project.target_phase,
            "common_tfvars": project.common_path,
            "accounts": [
                {"directory": a.directory, "name": a.name, "management": a.is_management} for a in project.accounts
            ],
        },
        "findings": [finding_dict(f) for f in report.findings],
        "summary": {
            "total": len(report.findings),
            **report.counts(),
            "fixable": report.fixable,
            "guarded": report.guarded,
        },
    }


def render(report: Report, stream: TextIO, color: bool = False) -> None:
    json.dump(document(report), stream, indent=2)
    stream.write("\n")
