"""The stable JSON report (`"version": 2`, schema in docs/json-report.schema.json) for scripts and other tools.

Everything a tool needs is a field: the rule's why and target, what a fix waits on and its edits,
the plan step, the companion commands as a list; no field has to be parsed out of prose.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Optional, TextIO

from mfa_guard.findings import Finding
from mfa_guard.report import TOOL_NAME, Report
from mfa_guard.report.view import generation_fact, rule_index, shown_command, shown_path, with_names
from mfa_guard.rules import Rule

VERSION = 2
_CODE = re.compile(r"`([^`]+)`")
_THEN = re.compile(r"^(?:then|and then)\s+", re.I)


def companion_commands(text: Optional[str]) -> list[str]:
    """`a; then `b` in each layer` -> ["a", "b"]: one shell command per step, prose left out."""
    if not text:
        return []
    commands = []
    for piece in text.split("; "):
        piece = _THEN.sub("", piece.strip())
        code = _CODE.match(piece)
        commands.append((code.group(1) if code else piece).strip())
    return [c for c in commands if c]


def fix_dict(report: Report, finding: Finding, cwd: Optional[Path]) -> Optional[dict[str, Any]]:
    fix = finding.fix
    if fix is None:
        return None
    return {
        "applicability": fix.applicability,
        "description": fix.description,
        "waits_on": fix.blocked_by,
        "edits": [
            {
                "path": shown_path(report, e.path, cwd),
                "project_path": e.path,
                "start": e.start,
                "end": e.end,
                "text": e.text,
            }
            for e in fix.edits
        ],
    }


def finding_dict(report: Report, f: Finding, rule: Optional[Rule], cwd: Optional[Path] = None) -> dict[str, Any]:
    step = f.plan_step
    return {
        "rule": f.rule,
        "name": f.name,
        "severity": f.severity,
        "path": shown_path(report, f.span.path, cwd),
        "project_path": f.span.path,
        "line": f.span.line,
        "column": f.span.column,
        "end_line": f.span.end_line,
        "end_column": f.span.end_column,
        "message": with_names(f.message, report.project),
        "detail": f.detail,
        "why": rule.why if rule else None,
        "target": with_names(rule.target, report.project) if rule else None,
        "address": f.address,
        "fix": fix_dict(report, f, cwd),
        "plan_step": None if step is None else {"number": step[0], "of": step[1]},
        "companion": [shown_command(report, c, cwd) for c in companion_commands(f.companion)],
        "companion_text": f.companion,
    }


def project_dict(report: Report, cwd: Optional[Path] = None) -> Optional[dict[str, Any]]:
    project = report.project
    if project is None:
        return None
    return {
        "root": str(project.root),
        "root_shown": shown_path(report, ".", cwd),
        "short_name": project.short_name,
        "mode": project.mode,
        "phase": project.phase,
        "target_phase": project.target_phase,
        "generation": generation_fact(project),
        "common_tfvars": project.common_path,
        "accounts": [
            {"directory": a.directory, "name": a.name, "management": a.is_management} for a in project.accounts
        ],
    }


def document(report: Report, cwd: Optional[Path] = None) -> dict[str, Any]:
    rules = rule_index(report)
    return {
        "version": VERSION,
        "tool": {"name": TOOL_NAME, "version": report.version},
        "project": project_dict(report, cwd),
        "findings": [finding_dict(report, f, rules.get(f.rule), cwd) for f in report.findings],
        "notes": list(report.notes),
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
