"""The rule files, their schema and the README rule table stay in sync with the code."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mfa_guard import rules as rules_module
from mfa_guard.checks import REGISTRY
from mfa_guard.commands.explain import render_rule
from mfa_guard.rule_schema import render
from mfa_guard.rules import SCHEMA_FILE, STAMP_FILE, RuleFileError, builtin_digest, builtin_rules_dir, load_rules

REPO = Path(__file__).resolve().parent.parent
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def test_schema_file_is_generated_from_the_registry() -> None:
    on_disk = (REPO / "rules" / SCHEMA_FILE).read_text(encoding="utf-8")
    assert on_disk == render(), "run `python -m mfa_guard.rule_schema` after changing a check"


def test_every_rule_validates_and_is_named_by_its_file() -> None:
    rules = load_rules()
    assert {r.id for r in rules} == {p.stem for p in builtin_rules_dir().glob("*.yaml")}
    assert all(KEBAB.match(r.name) for r in rules)


def test_every_check_is_used_by_a_rule_or_is_generic() -> None:
    used = {r.check for r in load_rules()}
    unused = sorted(name for name, spec in REGISTRY.items() if name not in used and not spec.generic)
    assert unused == []


def test_every_rule_doc_renders() -> None:
    for rule in load_rules():
        text = render_rule(rule)
        assert text.startswith(f"# {rule.id} `{rule.name}`")
        # each generation's why and target, labelled when they differ (else the one shared text)
        assert all(rule.for_cli(number).why in text for number in (2, 3)), rule.id
        assert all(rule.for_cli(number).target in text for number in (2, 3)), rule.id


def rule_table() -> str:
    rows = ["| id | name | severity | fix | security | summary |", "| --- | --- | --- | --- | --- | --- |"]
    rows += [
        f"| [{r.id}](docs/rules/{r.id}.md) | `{r.name}` | {r.severity} | {r.fix} | {'yes' if r.security else ''} "
        f"| {r.summary} |"
        for r in load_rules()
    ]
    return "\n".join(rows)


def test_every_rule_has_its_generated_page_and_nothing_else_is_there() -> None:
    from mfa_guard.report.rule_docs import DOCS_DIR, pages

    wanted = pages(load_rules())
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in DOCS_DIR.glob("*.md")}
    assert sorted(on_disk) == sorted(wanted), "run `python -m mfa_guard.report.rule_docs`"
    drifted = [name for name, text in wanted.items() if on_disk[name] != text]
    assert drifted == [], f"{drifted}: run `python -m mfa_guard.report.rule_docs`"


def test_readme_rule_table_matches_rules() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- rules:start -->\n(.*?)\n?<!-- rules:end -->", readme, re.S)
    assert match is not None, "README.md lacks the rules:start/rules:end markers"
    assert match.group(1) == rule_table(), "README rule table drifted: run `python -m tests.test_rule_files`"


if __name__ == "__main__":  # regenerate the README table in place
    path = REPO / "README.md"
    text = path.read_text(encoding="utf-8")
    pattern = r"(<!-- rules:start -->\n).*?(<!-- rules:end -->)"
    text = re.sub(pattern, lambda m: m.group(1) + rule_table() + "\n" + m.group(2), text, flags=re.S)
    path.write_text(text, encoding="utf-8")


def test_the_validation_stamp_is_current() -> None:
    recorded = (REPO / "rules" / STAMP_FILE).read_text(encoding="utf-8").split()[0]
    assert recorded == builtin_digest(REPO / "rules"), "run `python -m mfa_guard.rule_schema` after editing a rule"


def test_stamped_rules_load_without_jsonschema() -> None:
    code = "import sys; from mfa_guard.rules import load_rules; load_rules(); print('jsonschema' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "False\n"


@pytest.fixture
def copied_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "rules"
    shutil.copytree(REPO / "rules", directory)
    monkeypatch.setattr(rules_module, "builtin_rules_dir", lambda: directory)
    return directory


def _break(directory: Path) -> None:
    rule = directory / "ENV001.yaml"
    rule.write_text(rule.read_text(encoding="utf-8").replace("severity: error", "severity: fatal"), encoding="utf-8")


def test_an_edited_builtin_rule_no_longer_matches_the_stamp_and_is_validated(copied_rules: Path) -> None:
    _break(copied_rules)
    with pytest.raises(RuleFileError, match=r"ENV001.yaml: \$.severity: 'fatal' is not one of"):
        load_rules()


def test_validate_rules_ignores_the_stamp(copied_rules: Path) -> None:
    """A stamp forged over an invalid file fools the run-time shortcut, never `validate-rules`."""
    _break(copied_rules)
    (copied_rules / STAMP_FILE).write_text(builtin_digest(copied_rules) + "\n", encoding="utf-8")
    assert any(rule.severity == "fatal" for rule in load_rules())
    with pytest.raises(RuleFileError, match="'fatal' is not one of"):
        load_rules(trust_stamp=False)


def test_validate_rules_says_when_the_stamp_is_stale(copied_rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mfa_guard.cli import main

    assert main(["validate-rules"]) == 0
    assert capsys.readouterr().err == ""
    rule = copied_rules / "ENV001.yaml"
    rule.write_text(rule.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    assert main(["validate-rules"]) == 0
    captured = capsys.readouterr()
    assert captured.out.endswith(" rules valid\n")
    assert "differ from rules/validated.sha256" in captured.err and "mfa_guard.rule_schema" in captured.err
