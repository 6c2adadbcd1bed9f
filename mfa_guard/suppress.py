"""The suppression pass: inline `mfa-guard: ignore[...]` comments hide findings, accountably.

Runs after every check. It produces the SUP rules' findings itself (their registered check,
`suppression_problems`, yields nothing): an invalid suppression (SUP001), an unused one (SUP002)
and one naming a rule that cannot be suppressed (SUP003).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Optional

from mfa_guard.engine import compose_message
from mfa_guard.findings import Finding, Fix, Violation
from mfa_guard.fix.edits import delete_line, replace_span
from mfa_guard.model import Project
from mfa_guard.rules import Rule, find_rule
from mfa_guard.suppress_parse import Suppression, quoted_target, scan_project, shown_target, shown_until

CHECK = "suppression_problems"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def environment_dependent(rule: Optional[Rule], ci: bool) -> bool:
    """Findings that depend on the machine (~/.aws) or on CI mode (the check's `depends_on`, never a
    rule id): a suppression or baseline entry of them looks unused elsewhere, so it never is."""
    from mfa_guard.checks import REGISTRY

    spec = REGISTRY.get(rule.check) if rule is not None else None
    depends = spec.depends_on if spec is not None else None
    return depends == "machine" or (ci and depends == "ci")


@dataclass(frozen=True)
class SuppressSettings:
    today: dt.date
    require_reason: bool = True
    enabled: bool = True  # False with --no-suppressions: nothing is hidden
    ci: bool = False


@dataclass(frozen=True)
class Use:
    """One rule named by one suppression, and what became of it."""

    suppression: Suppression
    target: str  # as written
    rule: Optional[str]  # resolved id
    status: str  # used | unused | invalid | unsuppressible | not-checked | not-applied
    detail: str = ""
    hits: int = 0


@dataclass(frozen=True)
class Outcome:
    findings: list[Finding]
    uses: list[Use] = field(default_factory=list)


def problems_of(suppression: Suppression, rules: Sequence[Rule], settings: SuppressSettings) -> list[str]:
    """Why a suppression is invalid (empty: valid)."""
    if suppression.error is not None:
        return [f"malformed: {suppression.error}"]
    problems = [f"unknown rule {quoted_target(t)}" for t in suppression.targets if find_rule(rules, t) is None]
    if settings.require_reason and not suppression.reason:
        problems.append('no reason="..." (require_reason is on)')
    if suppression.until is not None:
        until = _date(suppression.until)
        if until is None:
            problems.append(f"until={shown_until(suppression.until)} is not a date (YYYY-MM-DD)")
        elif until < settings.today:
            problems.append(f"expired on {until.isoformat()}")
    return problems


def _date(text: str) -> Optional[dt.date]:
    if not _DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def covers(suppression: Suppression, finding: Finding) -> bool:
    if finding.span.path != suppression.path:
        return False
    return suppression.scope == "file" or finding.span.line in suppression.covers


class _Pass:
    def __init__(self, project: Project, rules: Sequence[Rule], enabled: Sequence[Rule], settings: SuppressSettings):
        self.project, self.rules, self.settings = project, rules, settings
        self.enabled_ids = {r.id for r in enabled}
        self.sup_rules = {str(r.params.get("kind")): r for r in enabled if r.check == CHECK}
        self.suppressions = list(scan_project(project.sources))
        self.invalid = {id(s): problems_of(s, rules, settings) for s in self.suppressions}
        self.hits: dict[tuple[int, str], int] = {}

    def active(self, suppression: Suppression) -> list[str]:
        """Resolved ids this suppression may hide: valid and ignorable ones; none with --no-suppressions."""
        if not self.settings.enabled or self.invalid[id(suppression)]:
            return []
        resolved = [find_rule(self.rules, t) for t in suppression.targets]
        return [r.id for r in resolved if r is not None and r.ignorable]

    def hide(self, findings: Sequence[Finding]) -> list[Finding]:
        active = [(s, self.active(s)) for s in self.suppressions]
        kept = []
        for finding in findings:
            matched = [s for s, ids in active if finding.rule in ids and covers(s, finding)]
            for suppression in matched:
                key = (id(suppression), finding.rule)
                self.hits[key] = self.hits.get(key, 0) + 1
            if not matched:
                kept.append(finding)
        return kept

    def uses(self) -> list[Use]:
        return [self._use(s, t) for s in self.suppressions for t in (s.targets or ("",))]

    def _use(self, suppression: Suppression, target: str) -> Use:
        rule = find_rule(self.rules, target) if target else None
        rule_id = rule.id if rule else None
        problems = self.invalid[id(suppression)]
        if problems:
            return Use(suppression, target, rule_id, "invalid", "; ".join(problems))
        assert rule is not None  # valid suppressions name known rules
        if not rule.ignorable:
            return Use(suppression, target, rule_id, "unsuppressible", f"{rule.id} cannot be suppressed")
        if not self.settings.enabled:
            return Use(suppression, target, rule_id, "not-applied", "--no-suppressions")
        hits = self.hits.get((id(suppression), rule.id), 0)
        if hits:
            return Use(suppression, target, rule_id, "used", hits=hits)
        if rule.id not in self.enabled_ids:
            return Use(suppression, target, rule_id, "not-checked", f"{rule.id} is not enabled")
        if self._environment_dependent(rule.id):
            return Use(suppression, target, rule_id, "not-checked", f"{rule.id} depends on the machine or CI mode")
        return Use(suppression, target, rule_id, "unused")

    def _environment_dependent(self, rule_id: str) -> bool:
        return environment_dependent(next((r for r in self.rules if r.id == rule_id), None), self.settings.ci)

    def problem_findings(self, uses: Sequence[Use]) -> Iterable[Finding]:
        for suppression in self.suppressions:
            mine = [u for u in uses if u.suppression is suppression]
            problems = self.invalid[id(suppression)]
            if problems:
                yield from self._finding(
                    "invalid", suppression, f"invalid suppression ({'; '.join(problems)}), so it suppresses nothing"
                )
            fixed = sorted({u.rule or u.target for u in mine if u.status == "unsuppressible"})
            if fixed:
                what = ", ".join(fixed)
                yield from self._finding(
                    "unsuppressible",
                    suppression,
                    f"{what} cannot be suppressed; this suppression has no effect on {'it' if len(fixed) == 1 else 'them'}",
                )
            unused = [u for u in mine if u.status == "unused"]
            if unused:
                yield from self._unused(suppression, mine, unused)

    def _unused(self, suppression: Suppression, mine: list[Use], unused: list[Use]) -> Iterable[Finding]:
        where = "in this file" if suppression.scope == "file" else _lines(suppression)
        names = ", ".join(u.target for u in unused)
        keep = [u.target for u in mine if u.status in ("used", "not-checked")]
        yield from self._finding(
            "unused",
            suppression,
            f"unused suppression of {names}: no such finding {where}",
            _removal(self.project, suppression, keep),
        )

    def _finding(
        self, kind: str, suppression: Suppression, message: str, fix: Optional[Fix] = None
    ) -> Iterable[Finding]:
        rule = self.sup_rules.get(kind)
        if rule is None:
            return
        violation = Violation(suppression.span, message, fix)
        yield Finding(
            rule=rule.id,
            name=rule.name,
            severity=rule.severity,
            message=compose_message(rule, violation),
            span=suppression.span,
            fix=fix if rule.fix != "manual" else None,
            companion=rule.companion,
            address=f"suppression:{suppression.scope}[{','.join(map(shown_target, suppression.targets))}]",
        )


def _lines(suppression: Suppression) -> str:
    if len(suppression.covers) == 1:
        return "on this line"
    return f"on this line or line {suppression.covers[-1]}"


def _removal(project: Project, suppression: Suppression, keep: list[str]) -> Optional[Fix]:
    """Drop the unused rules from the list, or the whole comment when none is left."""
    source = project.sources.get(suppression.path)
    if source is None:
        return None
    if keep and suppression.targets_span is not None:
        edit = replace_span(suppression.targets_span, ",".join(keep))
        return Fix("safe", (edit,), f"drop the unused rules from the suppression, keeping {', '.join(keep)}")
    if suppression.own_line:
        return Fix("safe", (delete_line(suppression.comment, source),), "delete the unused suppression comment")
    start = suppression.comment.start
    while start > 0 and source.text[start - 1] in " \t":
        start -= 1
    edit = replace_span(source.index.span(suppression.path, start, suppression.comment.end), "")
    return Fix("safe", (edit,), "delete the unused suppression comment")


def apply_suppressions(
    findings: Sequence[Finding],
    project: Project,
    rules: Sequence[Rule],
    enabled: Sequence[Rule],
    settings: SuppressSettings,
) -> Outcome:
    """Hide suppressed findings and add the suppression problems. Pure over the project text."""
    run = _Pass(project, rules, enabled, settings)
    kept = run.hide(findings)
    uses = run.uses()
    extra = list(run.problem_findings(uses))  # with --no-suppressions nothing is `unused`
    return Outcome(sorted([*kept, *extra], key=lambda f: f.sort_key), uses)
