"""What the caches store, as plain JSON data: explicit converters for each cached type.

A cache file is data only: loading it builds these dataclasses from lists, strings and numbers,
never runs code (no pickle). Parsed HCL documents have their own module (parse_codec.py), which a
run answered from the results cache never imports. Lists, not objects, keep the files compact; spans inside a parsed
document omit the path (it is the document's). A decoder given data of the wrong shape raises
(TypeError, ValueError, KeyError...): the store treats that as a miss.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from mfa_guard.findings import Finding, Fix, TextEdit
from mfa_guard.project_info import AccountInfo, ProjectInfo
from mfa_guard.rules import Rule
from mfa_guard.span import Span

Data = Any  # JSON values: None, bool, int, float, str, list, dict


# --- spans --------------------------------------------------------------------------------------


def span_to_data(span: Span, path: Optional[str] = None) -> Data:
    position = [span.line, span.column, span.end_line, span.end_column, span.start, span.end]
    return position if span.path == path else [span.path, *position]


def span_from_data(data: Data, path: Optional[str] = None) -> Span:
    # The hot path of a warm run (every value has a span): no per-field conversion. The store only
    # reads files from a directory that is the user's own, behind an exact header; a wrong arity
    # still raises here and is a miss.
    if len(data) == 6:
        if path is None:
            raise ValueError("a span without a path outside a document")
        return Span(path, *data)
    return Span(*data)


# --- validated rules (the rules cache) ----------------------------------------------------------


def rules_to_data(rules: list[Rule]) -> Data:
    return [
        [
            r.id,
            r.name,
            r.severity,
            r.summary,
            r.why,
            r.target,
            r.fix,
            r.check,
            dict(r.params),
            r.rationale,
            r.companion,
            r.ignorable,
            dict(r.examples),
            list(r.references),
            r.source,
            r.security,
            {str(number): dict(texts) for number, texts in r.by_cli.items()},
        ]
        for r in rules
    ]


def rules_from_data(data: Data) -> list[Rule]:
    rules = []
    for entry in data:
        (rule_id, name, severity, summary, why, target, fix, check) = map(str, entry[:8])
        params, rationale, companion, ignorable, examples, references, source, security, by_cli = entry[8:17]
        if not (
            isinstance(by_cli, dict)
            and isinstance(params, dict)
            and isinstance(examples, dict)
            and isinstance(ignorable, bool)
            and isinstance(security, bool)
        ):
            raise TypeError("malformed rule entry")
        rules.append(
            Rule(
                rule_id,
                name,
                severity,
                summary,
                why,
                target,
                fix,
                check,
                params,
                rationale=str(rationale),
                companion=None if companion is None else str(companion),
                ignorable=ignorable,
                security=security,
                examples={str(k): str(v) for k, v in examples.items()},
                references=tuple(str(reference) for reference in references),
                source=str(source),
                by_cli={int(n): {str(k): str(v) for k, v in texts.items()} for n, texts in by_cli.items()},
            )
        )
    return rules


# --- findings and project facts (the results cache) ---------------------------------------------


def finding_to_data(finding: Finding) -> Data:
    fix = finding.fix
    fix_data = None
    if fix is not None:
        edits = [[e.path, e.start, e.end, e.text] for e in fix.edits]
        fix_data = [fix.applicability, edits, fix.description, fix.blocked_by]
    return [
        finding.rule,
        finding.name,
        finding.severity,
        finding.message,
        span_to_data(finding.span),
        fix_data,
        finding.companion,
        finding.address,
        finding.detail,
        None if finding.plan_step is None else list(finding.plan_step),
    ]


def finding_from_data(data: Data) -> Finding:
    rule, name, severity, message, span, fix_data, companion, address, detail, plan_step = data
    fix = None
    if fix_data is not None:
        applicability, edits, description, blocked_by = fix_data
        fix = Fix(
            str(applicability),
            tuple(TextEdit(str(p), int(s), int(e), str(t)) for p, s, e, t in edits),
            str(description),
            _optional_str(blocked_by),
        )
    return Finding(
        str(rule),
        str(name),
        str(severity),
        str(message),
        span_from_data(span),
        fix,
        _optional_str(companion),
        _optional_str(address),
        _optional_str(detail),
        None if plan_step is None else (int(plan_step[0]), int(plan_step[1])),
    )


def project_info_to_data(info: ProjectInfo) -> Data:
    accounts = [[a.directory, a.name, a.is_management] for a in info.accounts]
    return [
        str(info.root),
        info.short_name,
        info.mode,
        info.phase,
        info.target_phase,
        info.common_path,
        accounts,
        info.leverage_cli,
        info.leverage_cli_reason,
        info.status,
    ]


def project_info_from_data(data: Data) -> ProjectInfo:
    root, short_name, mode, phase, target_phase, common_path, accounts, leverage_cli, cli_reason, status = data
    return ProjectInfo(
        Path(str(root)),
        _optional_str(short_name),
        str(mode),
        str(phase),
        str(target_phase),
        _optional_str(common_path),
        tuple(AccountInfo(str(d), str(n), bool(m)) for d, n, m in accounts),
        None if leverage_cli is None else int(leverage_cli),
        str(cli_reason),
        status if isinstance(status, dict) else None,
    )


def _optional_str(value: Data) -> Optional[str]:
    return None if value is None else str(value)
