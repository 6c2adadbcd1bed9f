"""Every mutation case under tests/fixtures/cases produces exactly the findings it lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from mfa_guard.analysis import analyse
from mfa_guard.prepare import Options
from tests.fixture_tree import Case, all_cases, build_case

CASES = all_cases()


def findings_of(root: Path, case: Case) -> list[dict[str, object]]:
    options = Options(path=root, **case.options)
    analysis = analyse(options)
    return [{"rule": f.rule, "path": f.span.path, "line": f.span.line} for f in analysis.findings]


def expected(case: Case) -> list[dict[str, object]]:
    return sorted(
        ({"rule": e["rule"], "path": e["path"], "line": e["line"]} for e in case.expect),
        key=lambda e: (e["path"], e["line"], e["rule"]),
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_findings(case: Case, tmp_path: Path) -> None:
    root = build_case(case, tmp_path / "project dir")
    actual = sorted(findings_of(root, case), key=lambda e: (e["path"], e["line"], e["rule"]))
    assert actual == expected(case), case.description


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    from mfa_guard.rules import load_rules

    failing = {e["rule"] for c in CASES for e in c.expect}
    passing: set[str] = set()
    for case in CASES:
        passing.update(case.spec.get("passes", []))
    missing_failing = sorted(r.id for r in load_rules() if r.id not in failing)
    missing_passing = sorted(r.id for r in load_rules() if r.id not in passing)
    assert missing_failing == [], f"rules without a failing case: {missing_failing}"
    assert missing_passing == [], f"rules without a passing case: {missing_passing}"


def test_every_fixable_rule_has_a_golden_fix_case() -> None:
    """A case with a `fixed:` section whose finding the fix removes (OUT002 keeps its finding by
    design: the plaintext secret stays in state until rotated; its fix only adds the flag)."""
    from mfa_guard.rules import load_rules

    keeps_finding = {"OUT002"}
    covered: set[str] = set()
    for case in CASES:
        if not case.fixed or not case.fixed.get("replace"):
            continue
        before = {e["rule"] for e in case.expect}
        after = {e["rule"] for e in case.fixed.get("expect") or []}
        covered |= (before - after) | (before & keeps_finding)
    fixable = sorted(r.id for r in load_rules() if r.fix != "manual" and r.id not in covered)
    assert fixable == [], f"fixable rules without a golden before/after case: {fixable}"
