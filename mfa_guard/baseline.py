"""The baseline: known findings keyed by rule, path and a stable address, never by line number.

`check --write-baseline FILE` records the current findings; with `baseline:` set, findings in
the file are hidden, new ones are reported, and entries that match nothing any more are reported
as stale (BAS001, a note; its registered check `stale_baseline_entries` yields nothing).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from mfa_guard.engine import compose_message
from mfa_guard.errors import UserError
from mfa_guard.findings import Finding, Violation
from mfa_guard.model import Project
from mfa_guard.rules import Rule
from mfa_guard.span import Span
from mfa_guard.suppress import environment_dependent
from mfa_guard.user_files import read_user_file, write_user_file

CHECK = "stale_baseline_entries"
VERSION = 1


class BaselineError(UserError):
    """An unreadable or malformed baseline file: `file: $.path: message`; exit code 2."""


@dataclass(frozen=True)
class Entry:
    rule: str
    path: str
    address: Optional[str] = None
    line_sha256: Optional[str] = None  # when a finding has no address: a hash of its line's text

    def as_dict(self) -> dict[str, str]:
        data = {"rule": self.rule, "path": self.path}
        if self.address is not None:
            data["address"] = self.address
        else:
            data["line_sha256"] = self.line_sha256 or ""
        return data


@dataclass(frozen=True)
class Baseline:
    path: Path
    entries: tuple[Entry, ...]
    lines: tuple[int, ...]  # line of each entry in the file (1 when it cannot be told)


def line_hash(project: Project, finding: Finding) -> str:
    """The finding's line with blanks collapsed, hashed: alignment changes keep the key, and no
    text of a (possibly git-ignored) file is ever copied into a committed baseline."""
    source = project.sources.get(finding.span.path)
    text = ""
    if source is not None:
        lines = source.text.split("\n")
        if 0 < finding.span.line <= len(lines):
            text = " ".join(lines[finding.span.line - 1].split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def entry_of(project: Project, finding: Finding) -> Entry:
    if finding.address is not None:
        return Entry(finding.rule, finding.span.path, address=finding.address)
    return Entry(finding.rule, finding.span.path, line_sha256=line_hash(project, finding))


def dump(project: Project, findings: Sequence[Finding], rules: Sequence[Rule]) -> str:
    """The baseline file for `findings`: one entry per line, sorted, so diffs are reviewable.
    Non-ignorable rules are left out: a baseline cannot hide them either."""
    fixed = {r.id for r in rules if not r.ignorable}
    entries = sorted(
        (entry_of(project, f) for f in findings if f.rule not in fixed),
        key=lambda e: (e.path, e.rule, e.address or "", e.line_sha256 or ""),
    )
    rows = ",\n".join("    " + json.dumps(e.as_dict(), sort_keys=True) for e in entries)
    body = f"\n{rows}\n  " if rows else ""
    return f'{{\n  "version": {VERSION},\n  "tool": "mfa-guard",\n  "findings": [{body}]\n}}\n'


def write(path: Path, text: str) -> None:
    write_user_file(path, text, BaselineError)


def load(path: Path) -> Baseline:
    return parse(path, read_user_file(path, BaselineError))


def parse(path: Path, text: str) -> Baseline:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}: $: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}") from None
    entries = tuple(_entries(path, data))
    return Baseline(path, entries, tuple(_line_of(text, e) for e in entries))


def _entries(path: Path, data: Any) -> list[Entry]:
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path}: $.findings: expected a list of findings (write one with --write-baseline)")
    if data.get("version") != VERSION:
        raise BaselineError(f"{path}: $.version: expected {VERSION}, got {data.get('version')!r}")
    entries = []
    for position, item in enumerate(data["findings"]):
        where = f"{path}: $.findings[{position}]"
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("rule", "path")):
            raise BaselineError(f"{where}: expected a mapping with string rule and path")
        unknown = sorted(set(item) - {"rule", "path", "address", "line_sha256"})
        if unknown:
            raise BaselineError(f"{where}.{unknown[0]}: unknown key")
        if ("address" in item) == ("line_sha256" in item) or not isinstance(
            item.get("address", item.get("line_sha256")), str
        ):
            raise BaselineError(f"{where}: expected exactly one of address or line_sha256 (a string)")
        entries.append(Entry(item["rule"], item["path"], item.get("address"), item.get("line_sha256")))
    return entries


def _line_of(text: str, entry: Entry) -> int:
    needle = json.dumps(entry.as_dict(), sort_keys=True)
    for number, line in enumerate(text.split("\n"), start=1):
        if needle in line:
            return number
    return 1


@dataclass(frozen=True)
class BaselineOutcome:
    findings: list[Finding]
    hidden: int
    stale: int


def apply_baseline(
    findings: Sequence[Finding],
    project: Project,
    baseline: Baseline,
    rules: Sequence[Rule],
    enabled: Sequence[Rule],
    ci: bool = False,
) -> BaselineOutcome:
    """Hide known findings (as a multiset: two identical findings need two entries)."""
    known = Counter(baseline.entries)
    fixed = {r.id for r in rules if not r.ignorable}
    kept: list[Finding] = []
    for finding in findings:
        entry = entry_of(project, finding)
        if finding.rule not in fixed and known[entry] > 0:
            known[entry] -= 1
        else:
            kept.append(finding)
    stale_rule = next((r for r in enabled if r.check == CHECK), None)
    stale = _stale(known, baseline, project, rules, enabled, ci)
    extra = [_stale_finding(stale_rule, e, line, baseline, project) for e, line in stale] if stale_rule else []
    return BaselineOutcome(sorted([*kept, *extra], key=lambda f: f.sort_key), len(findings) - len(kept), len(stale))


def _stale(
    known: Counter[Entry],
    baseline: Baseline,
    project: Project,
    rules: Sequence[Rule],
    enabled: Sequence[Rule],
    ci: bool,
) -> list[tuple[Entry, int]]:
    """Left-over entries of rules that ran (or that no longer exist): nothing matches them."""
    all_ids = {r.id for r in rules}
    ran = {r.id for r in enabled}
    by_id = {r.id: r for r in rules}
    result = []
    for entry, line in zip(baseline.entries, baseline.lines):
        if known[entry] <= 0:
            continue
        unknown = entry.rule not in all_ids
        checked = entry.rule in ran and not environment_dependent(by_id.get(entry.rule), ci)
        if unknown or checked:
            known[entry] -= 1
            result.append((entry, line))
    return result


def display_path(project: Project, path: Path) -> str:
    try:
        return path.resolve().relative_to(project.root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _stale_finding(rule: Rule, entry: Entry, line: int, baseline: Baseline, project: Project) -> Finding:
    key = entry.address if entry.address is not None else f"line hash {entry.line_sha256}"
    span = Span(display_path(project, baseline.path), line, 1, line, 1, 0, 0)
    message = f"baseline entry {entry.rule} {entry.path} ({key}) matches no finding any more"
    return Finding(
        rule=rule.id,
        name=rule.name,
        severity=rule.severity,
        message=compose_message(rule, Violation(span, message)),
        span=span,
        companion=rule.companion,
        address=f"baseline:{entry.rule}:{entry.path}:{key}",
    )
