"""SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`) and other SARIF viewers."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any, Optional, TextIO

from mfa_guard.findings import Finding
from mfa_guard.links import REPOSITORY_URL, has_page, rule_doc_url
from mfa_guard.report import TOOL_NAME, Report
from mfa_guard.report.locations import prefix, repo_path, source_root
from mfa_guard.report.text import printable, utf8_bytes
from mfa_guard.rules import Rule

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
INFORMATION_URI = REPOSITORY_URL
FINGERPRINT_KEY = "mfaGuardFindingHash/v1"
# GitHub maps security-severity to critical (>= 9.0), high (7.0-8.9), medium (4.0-6.9), low (< 4.0).
SECURITY_SEVERITY = {"error": "8.0", "warning": "5.5", "note": "2.0"}
LEVEL = {"error": "error", "warning": "warning", "note": "note"}
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}  # CodeQL's words
_LINE_NUMBERS = re.compile(r"\blines? \d+(?:(?:, | and )\d+)*")


def _help(rule: Rule, markdown: bool) -> str:
    """The rule's documentation, said once: the alert page shows it under the short message."""
    code = (lambda text: f"`{text}`") if markdown else (lambda text: text)
    lines = [rule.why, "", f"**Target:** {rule.target}" if markdown else f"Target: {rule.target}"]
    if rule.rationale:
        lines += ["", rule.rationale.strip()]
    lines += ["", f"Fix class: {rule.fix}" + (f"; then run {code(rule.companion)}" if rule.companion else "") + "."]
    return "\n".join(lines)


def rule_descriptor(rule: Rule, version: str) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "tags": list(dict.fromkeys(("leverage", "mfa", _family(rule.id)))),  # unique, says the schema
        "precision": "very-high",
        "problem.severity": PROBLEM_SEVERITY[rule.severity],
    }
    if rule.security:
        # Only security findings: GitHub ranks every rule with a security-severity as a security alert.
        properties["tags"].insert(0, "security")
        properties["security-severity"] = SECURITY_SEVERITY[rule.severity]
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {"text": _help(rule, markdown=False), "markdown": _help(rule, markdown=True)},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": properties,
    }
    if has_page(rule):  # a team's own rules have no page in this repository
        descriptor["helpUri"] = rule_doc_url(rule.id, version)
    return descriptor


def _family(rule_id: str) -> str:
    return rule_id.rstrip("0123456789").lower() or rule_id.lower()


def fingerprint_basis(finding: Finding) -> str:
    """What identifies a finding across commits: never its line, so inserting lines above keeps it.

    The check's stable address (e.g. `build.env:MFA_ENABLED`) is the best key; without one the
    message stands in, with any line numbers it mentions removed.
    """
    what = finding.address or _LINE_NUMBERS.sub("line N", finding.message)
    return f"{finding.rule}\0{finding.span.path}\0{what}"


def fingerprints(findings: list[Finding]) -> list[str]:
    """One hash per finding; equal bases are told apart by their order, which line shifts keep."""
    seen: Counter[str] = Counter()
    result = []
    for finding in findings:
        basis = fingerprint_basis(finding)
        seen[basis] += 1
        digest = hashlib.sha256(utf8_bytes(f"{basis}\0{seen[basis]}")).hexdigest()
        result.append(f"{digest[:32]}:{seen[basis]}")
    return result


def region(finding: Finding) -> dict[str, int]:
    span = finding.span
    full = {
        "startLine": span.line,
        "startColumn": span.column,
        "endLine": max(span.end_line, span.line),
        "endColumn": span.end_column if span.end_line > span.line else max(span.end_column, span.column),
    }
    if span.end >= span.start:
        full["charOffset"] = span.start
        full["charLength"] = span.end - span.start
    return full


def result(finding: Finding, rule_index: Optional[int], uri: str, fingerprint: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": LEVEL[finding.severity],
        "message": {"text": printable(finding.message)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri, "uriBaseId": SRCROOT},
                    "region": region(finding),
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": {"name": finding.name, "severity": finding.severity},
    }
    if rule_index is not None:
        data["ruleIndex"] = rule_index
    if finding.address:
        data["properties"]["address"] = printable(finding.address)
    if finding.detail:
        data["properties"]["detail"] = printable(finding.detail)
    if finding.fix is not None:
        data["properties"]["fix"] = {
            "applicability": finding.fix.applicability,
            "description": printable(finding.fix.description),
        }
    if finding.companion:
        data["properties"]["companion"] = printable(finding.companion)
    return data


def _uri(path: str) -> str:
    """A relative URI reference: UTF-8 percent-encoded, undecodable name bytes included (RFC 3986)."""
    from urllib.parse import quote

    return quote(utf8_bytes(path), safe="/")


def _directory_uri(directory: Path) -> str:
    uri = directory.as_uri()  # percent-encodes the file system's bytes, undecodable ones included
    return uri if uri.endswith("/") else uri + "/"


def document(report: Report, cwd: Optional[Path] = None) -> dict[str, Any]:
    project_prefix = prefix(report, cwd)
    findings = list(report.findings)
    index = {rule.id: position for position, rule in enumerate(report.rules)}
    results = [
        result(f, index.get(f.rule), _uri(repo_path(f.span.path, project_prefix)), fp)
        for f, fp in zip(findings, fingerprints(findings))
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": report.version,
                "semanticVersion": report.version,
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(rule, report.version) for rule in report.rules],
            }
        },
        # The category: two Leverage projects in one repository must not close each other's alerts.
        "automationDetails": {"id": printable(f"{TOOL_NAME}/{project_prefix + '/' if project_prefix else ''}")},
        "originalUriBaseIds": {SRCROOT: {"uri": _directory_uri(source_root(report, cwd))}},
        "columnKind": "unicodeCodePoints",  # spans count characters of the decoded text
        "invocations": [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [
                    {"level": "note", "message": {"text": printable(n)}} for n in report.notes
                ],
            }
        ],
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report, stream: TextIO, color: bool = False) -> None:
    json.dump(document(report), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
