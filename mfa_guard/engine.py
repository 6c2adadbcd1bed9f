"""evaluate(project, rules) -> findings. Pure: no I/O, no printing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from mfa_guard.checks import REGISTRY
from mfa_guard.checks.base import CheckContext, Settings
from mfa_guard.errors import UserError
from mfa_guard.findings import Finding, Violation
from mfa_guard.model import Project
from mfa_guard.rules import Rule


class CheckCrashed(UserError):
    """A check raised: a bug in mfa-guard, reported with the rule id (exit code 2)."""


def compose_message(rule: Rule, violation: Violation) -> str:
    """What is wrong in this instance, nothing more: the reporters show the rule's why and target
    once per rule, not on every finding (they are half the text otherwise)."""
    return violation.message.rstrip(".")


def evaluate(project: Project, rules: Sequence[Rule], settings: Settings | None = None) -> list[Finding]:
    settings = settings or Settings()
    findings = []
    for rule in rules:
        context = CheckContext(project, rule.params, settings)
        try:
            violations = list(REGISTRY[rule.check].function(context))
        except Exception as exc:
            raise CheckCrashed(f"rule {rule.id} ({rule.check}) failed: {type(exc).__name__}: {exc}") from exc
        for violation in violations:
            # The rule file says the fix class: a check cannot emit another (a precondition not yet
            # met is `blocked_by`, not a different class).
            fix = (
                None
                if rule.fix == "manual" or violation.fix is None
                else replace(violation.fix, applicability=rule.fix)
            )
            findings.append(
                Finding(
                    rule=rule.id,
                    name=rule.name,
                    severity=violation.severity or rule.severity,
                    message=compose_message(rule, violation),
                    span=violation.span,
                    fix=fix,
                    companion=violation.companion or rule.companion,
                    address=violation.address,
                    detail=violation.detail,
                    plan_step=violation.plan_step,
                )
            )
    return sorted(findings, key=lambda f: f.sort_key)
