"""SARIF 2.1.0: valid against the official schema, complete rule metadata, stable fingerprints."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from mfa_guard.analysis import analyse
from mfa_guard.prepare import Options
from mfa_guard.project_info import project_info
from mfa_guard.report import Report
from mfa_guard.report.sarif import FINGERPRINT_KEY, document, fingerprints
from tests.conftest import REPO, run_cli
from tests.fixture_tree import materialise
from tests.reporting import RULES, finding, sample_report

# Beside the repository (../shared/schemas), or where MFA_GUARD_SARIF_SCHEMA says (a worktree elsewhere).
SCHEMA = Path(
    os.environ.get("MFA_GUARD_SARIF_SCHEMA") or REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
)


def violating(destination: Path) -> Path:
    """P1 with `export MFA_ENABLED=true` (ENV001) followed by a duplicate assignment (ENV003)."""
    root = materialise("p1", destination)
    env = root / "build.env"
    env.write_text(env.read_text().replace("MFA_ENABLED=true", "export MFA_ENABLED=true\nMFA_ENABLED=true"))
    return root


def sarif_of(root: Path, cwd: Path | None = None) -> dict[str, Any]:
    analysis = analyse(Options(path=root, select=["ENV"]))
    return document(Report(analysis.findings, analysis.rules, project_info(analysis.project)), cwd=cwd or root)


def validate(data: dict[str, Any]) -> None:
    if not SCHEMA.is_file():
        pytest.skip(f"the official SARIF 2.1.0 schema is not at {SCHEMA} (../shared/schemas from the repo root)")
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def test_real_project_report_is_valid_sarif(tmp_path: Path) -> None:
    data = sarif_of(violating(tmp_path / "project"))
    validate(data)
    (run,) = data["runs"]
    assert [r["ruleId"] for r in run["results"]] == ["ENV001", "ENV003"]


def test_hand_built_report_is_valid_sarif() -> None:
    validate(document(sample_report()))


def test_every_enabled_rule_is_described(tmp_path: Path) -> None:
    analysis = analyse(Options(path=materialise("p1", tmp_path / "p")))
    (run,) = document(Report(analysis.findings, analysis.rules, project_info(analysis.project)), cwd=tmp_path)["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in analysis.rules]
    for descriptor in rules:
        assert descriptor["name"]
        assert descriptor["shortDescription"]["text"]
        assert descriptor["fullDescription"]["text"]
        assert descriptor["helpUri"].startswith("https://")


def test_only_security_rules_carry_the_security_tag_and_severity(tmp_path: Path) -> None:
    from mfa_guard.rules import load_rules

    rules = load_rules()
    (run,) = document(Report([], rules))["runs"]
    by_id = {d["id"]: d for d in run["tool"]["driver"]["rules"]}
    security = {r.id for r in rules if r.security}
    assert {"OUT001", "OUT002", "ROL001"} <= security
    assert not security & {"PAR001", "BAS001", "SUP001", "ENV003", "MFA005"}
    for rule_id, descriptor in by_id.items():
        properties = descriptor["properties"]
        if rule_id in security:
            assert properties["tags"][0] == "security"
            assert 0.0 < float(properties["security-severity"]) <= 10.0
        else:
            assert "security" not in properties["tags"] and "security-severity" not in properties


def test_help_uri_is_the_generated_page_at_the_release_tag() -> None:
    from mfa_guard import __version__
    from mfa_guard.links import REPOSITORY_URL
    from mfa_guard.rules import load_rules

    rules = load_rules()
    (run,) = document(Report([], rules))["runs"]
    for descriptor in run["tool"]["driver"]["rules"]:
        prefix = f"{REPOSITORY_URL}/blob/v{__version__}/"
        assert descriptor["helpUri"].startswith(prefix)
        page = REPO / descriptor["helpUri"][len(prefix) :]
        assert page.is_file(), f"{descriptor['id']}: no page {page}"
        assert page.read_text(encoding="utf-8").startswith(f"# {descriptor['id']} ")


def test_message_is_short_and_the_rationale_is_said_once(tmp_path: Path) -> None:
    analysis = analyse(Options(path=REPO / "examples" / "leverage-project", select=["OUT001"], no_cache=True))
    report = Report(analysis.findings, analysis.rules, project_info(analysis.project))
    (run,) = document(report, cwd=REPO)["runs"]
    (result,) = run["results"]
    (rule,) = analysis.rules
    assert result["message"]["text"] == analysis.findings[0].message
    assert rule.why not in result["message"]["text"]
    (descriptor,) = run["tool"]["driver"]["rules"]
    assert descriptor["fullDescription"]["text"] == rule.why
    first_paragraph = rule.rationale.strip().split("\n\n")[0]
    assert descriptor["help"]["markdown"].count(first_paragraph) == 1
    assert rule.target in descriptor["help"]["markdown"]
    validate(document(report, cwd=REPO))


def test_results_point_into_the_repository(tmp_path: Path) -> None:
    root = violating(tmp_path / "infra dir")
    (run,) = sarif_of(root, cwd=tmp_path)["runs"]
    assert run["automationDetails"]["id"] == "mfa-guard/infra dir/"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    location = run["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "infra%20dir/build.env", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {
        "startLine": 5,
        "startColumn": 1,
        "endLine": 5,
        "endColumn": 8,
        "charOffset": location["region"]["charOffset"],
        "charLength": 7,  # the `export ` prefix
    }
    assert run["results"][0]["ruleIndex"] == [r["id"] for r in run["tool"]["driver"]["rules"]].index("ENV001")


def test_project_at_the_working_directory_has_plain_paths(tmp_path: Path) -> None:
    root = violating(tmp_path / "p")
    (run,) = sarif_of(root, cwd=root)["runs"]
    assert run["automationDetails"]["id"] == "mfa-guard/"
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "build.env"


def _fingerprint_map(run: dict[str, Any]) -> dict[tuple[str, str], int]:
    return {
        (r["ruleId"], r["partialFingerprints"][FINGERPRINT_KEY]): r["locations"][0]["physicalLocation"]["region"][
            "startLine"
        ]
        for r in run["results"]
    }


def test_fingerprints_are_stable_when_lines_are_inserted_above(tmp_path: Path) -> None:
    root = violating(tmp_path / "p")
    before = _fingerprint_map(sarif_of(root)["runs"][0])
    env = root / "build.env"
    env.write_text("# a comment\n# and another\n\n" + env.read_text())
    after = _fingerprint_map(sarif_of(root)["runs"][0])
    assert before.keys() == after.keys()
    assert all(after[key] == line + 3 for key, line in before.items())


def test_fingerprint_without_address_ignores_line_numbers_in_the_message() -> None:
    first = finding("ENV003", "build.env", 6, "MFA_ENABLED is set again on line 7")
    shifted = finding("ENV003", "build.env", 9, "MFA_ENABLED is set again on line 10")
    assert fingerprints([first]) == fingerprints([shifted])


def test_equal_findings_get_distinct_fingerprints() -> None:
    same = [finding("ENV003", "build.env", n, "duplicate", address="build.env:K") for n in (3, 8)]
    first, second = fingerprints(same)
    assert first != second
    assert first.endswith(":1") and second.endswith(":2")


def test_whole_file_and_multi_line_regions_are_valid() -> None:
    report = Report(
        [
            finding("PRF001", "a.tf", 1, "whole file", end=(1, 1)),
            finding("ENV001", "b.tf", 2, "two lines", column=7, end=(4, 3)),
        ],
        RULES,
    )
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in document(report)["runs"][0]["results"]]
    assert regions[0]["startLine"] == regions[0]["endLine"] == 1
    assert regions[1]["startLine"] == 2 and regions[1]["endLine"] == 4 and regions[1]["endColumn"] == 3
    validate(document(report))


def test_cli_prints_for_people_and_writes_sarif(tmp_path: Path) -> None:
    root = violating(tmp_path / "p")
    sarif, summary = tmp_path / "out.sarif", tmp_path / "summary.md"
    result = run_cli(
        "check", str(root), "--select", "ENV", "--format", "plain", "--report", f"sarif:{sarif}",
        "--report", f"summary:{summary}", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("p/build.env:5:1: ENV001")  # from the working directory
    data = json.loads(sarif.read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in data["runs"][0]["results"]] == ["ENV001", "ENV003"]
    assert data["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "p/build.env"
    assert summary.read_text(encoding="utf-8").startswith("### mfa-guard: 1 error, 1 warning")
    validate(data)
