"""The rule files drive behaviour: the fix class a rule's YAML names is the class the engine emits,
and which rules depend on the machine or on CI mode comes from the checks, not from rule ids."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from mfa_guard.checks import REGISTRY
from mfa_guard.engine import evaluate
from mfa_guard.load.project import LoadOptions, load_project
from mfa_guard.rules import load_rules
from mfa_guard.suppress import environment_dependent


def test_every_finding_has_its_rules_fix_class(tmp_path: Path) -> None:
    from tests.fixture_tree import materialise

    rules = {r.id: r for r in load_rules()}
    seen = set()
    for index, (base, target) in enumerate((("p0", "p1"), ("p0", "p2"), ("p1", "p2"), ("sso", None))):
        root = materialise(base, tmp_path / str(index))
        (root / "build.env").write_text('MFA_ENABLED="true"\nMFA_ENABLED=True\n', encoding="utf-8")
        common = root / "config" / "common.tfvars"
        common.write_text(common.read_text(encoding="utf-8").replace("sso_enabled = false", 'sso_enabled = "true"'))
        loaded = load_project(root, LoadOptions(target_phase=target))
        for finding in evaluate(loaded, list(rules.values())):
            if finding.fix is not None:
                assert finding.fix.applicability == rules[finding.rule].fix, finding.rule
                seen.add(finding.rule)
    assert {"ENV002", "MFA004"} <= seen  # their checks used to emit another class than the YAML


def test_a_check_cannot_emit_another_class(project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from mfa_guard.checks.base import CheckSpec
    from mfa_guard.findings import Fix, TextEdit, Violation
    from mfa_guard.span import Span

    def check(ctx):  # type: ignore[no-untyped-def]
        yield Violation(Span.whole_file("build.env"), "x", Fix("safe", (TextEdit("build.env", 0, 0, "#"),), "d"))

    rule = next(r for r in load_rules() if r.id == "ROL001")  # guarded in its YAML
    monkeypatch.setitem(REGISTRY, rule.check, CheckSpec(check, "test"))
    (finding,) = evaluate(load_project(project("p0")), [rule])
    assert finding.fix is not None and finding.fix.applicability == "guarded"


def test_environment_dependence_comes_from_the_check() -> None:
    rules = {r.id: r for r in load_rules()}
    assert environment_dependent(rules["LOC001"], ci=False)
    assert environment_dependent(rules["MFA001"], ci=True) and not environment_dependent(rules["MFA001"], ci=False)
    assert not environment_dependent(rules["ROL001"], ci=True)
    renamed = dataclasses.replace(rules["MFA001"], id="TEAM900")  # a team rule of the same check
    assert environment_dependent(renamed, ci=True)
