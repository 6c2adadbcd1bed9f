"""Which rules run: --select/--ignore (ids, id prefixes or names) and severity overrides."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from mfa_guard.errors import UserError
from mfa_guard.rules import Rule


class SelectionError(UserError):
    """A selector that matches no rule: a typo the user wants to hear about (exit 2)."""


def matches(rule: Rule, selector: str) -> bool:
    selector = selector.strip()
    return rule.name == selector or rule.id.startswith(selector.upper()) or selector.upper() == "ALL"


def _check_known(rules: Sequence[Rule], selectors: Sequence[str], option: str) -> None:
    for selector in selectors:
        if not any(matches(rule, selector) for rule in rules):
            raise SelectionError(f"{option}: {selector!r} matches no rule (see `mfa-guard rules`)")


def select_rules(
    rules: Sequence[Rule],
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    severity: Mapping[str, str] | None = None,
) -> list[Rule]:
    _check_known(rules, select, "select")
    _check_known(rules, ignore, "ignore")
    chosen = [r for r in rules if (not select or any(matches(r, s) for s in select))]
    chosen = [r for r in chosen if not any(matches(r, s) for s in ignore)]
    overrides = severity or {}
    _check_known(rules, list(overrides), "severity")
    result = []
    for rule in chosen:
        new = next((level for key, level in overrides.items() if matches(rule, key)), None)
        result.append(dataclasses.replace(rule, severity=new) if new else rule)
    return result
