"""The baseline: written by `check --write-baseline`, keyed by address, stale entries reported."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Callable

import pytest

from mfa_guard.analysis import Analysis, analyse
from mfa_guard.baseline import BaselineError, Entry, apply_baseline, dump, entry_of, load, parse
from mfa_guard.cli import main
from mfa_guard.prepare import Options

HEADER = "# Project settings\nPROJECT=me\n\n"


def env_project(project: Callable[[str], Path], *lines: str) -> Path:
    root = project("p0")
    (root / "build.env").write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return root


def found(analysis: Analysis) -> list[tuple[str, str, int]]:
    return [(f.rule, f.span.path, f.span.line) for f in analysis.findings]


def test_write_baseline_records_findings_by_address(
    project: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = env_project(project, "export MFA_ENABLED=true", "MFA_ENABLED=false")
    target = root / "mfa-guard-baseline.json"
    assert main(["check", str(root), "--write-baseline", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"Wrote 2 baseline entries to {target}." in out and "No findings." in out
    assert target.read_text(encoding="utf-8") == (
        "{\n"
        '  "version": 1,\n'
        '  "tool": "mfa-guard",\n'
        '  "findings": [\n'
        '    {"address": "build.env:MFA_ENABLED", "path": "build.env", "rule": "ENV001"},\n'
        '    {"address": "build.env:MFA_ENABLED", "path": "build.env", "rule": "ENV003"}\n'
        "  ]\n"
        "}\n"
    )
    assert main(["check", str(root), "--baseline", str(target), "--format", "plain"]) == 0
    capsys.readouterr()
    assert main(["check", str(root), "--baseline", str(target)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("mfa-guard: project ")  # the console's header
    assert out[1:] == ["2 known findings hidden by the baseline.", "No findings."]
    assert main(["check", str(root), "--format", "plain"]) == 1  # no baseline configured
    capsys.readouterr()


def test_empty_baseline_is_valid(project: Callable[[str], Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = project("p0")
    target = root / "b.json"
    assert main(["check", str(root), "--write-baseline", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8")) == {"version": 1, "tool": "mfa-guard", "findings": []}
    assert "Wrote 0 baseline entries" in capsys.readouterr().out


def test_baseline_survives_lines_inserted_above_a_finding(project: Callable[[str], Path]) -> None:
    root = env_project(project, "export MFA_ENABLED=false")
    (root / ".mfa-guard.yaml").write_text("baseline: baseline.json\n", encoding="utf-8")
    first = analyse(Options(path=root, no_baseline=True))
    (root / "baseline.json").write_text(dump(first.project, first.unbaselined, first.all_rules), encoding="utf-8")
    assert found(analyse(Options(path=root))) == []
    env = root / "build.env"
    env.write_text("# a new header\n# more words\n\n" + env.read_text(encoding="utf-8"), encoding="utf-8")
    analysis = analyse(Options(path=root))
    assert found(analysis) == [] and analysis.baselined == 1
    assert found(analyse(Options(path=root, no_baseline=True))) == [("ENV001", "build.env", 7)]


def test_new_findings_are_reported_and_known_ones_hidden(project: Callable[[str], Path]) -> None:
    root = env_project(project, "export MFA_ENABLED=false")
    first = analyse(Options(path=root))
    baseline = root / "b.json"
    baseline.write_text(dump(first.project, first.unbaselined, first.all_rules), encoding="utf-8")
    env = root / "build.env"
    env.write_text(env.read_text(encoding="utf-8") + "export TERRAFORM_IMAGE_TAG=1\n", encoding="utf-8")
    assert found(analyse(Options(path=root, baseline=baseline))) == [("ENV001", "build.env", 5)]


def test_stale_entries_are_notes_at_their_line(
    project: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = env_project(project, "export MFA_ENABLED=false")
    target = root / "b.json"
    assert main(["check", str(root), "--write-baseline", str(target)]) == 0
    env = root / "build.env"
    env.write_text(env.read_text(encoding="utf-8").replace("export ", ""), encoding="utf-8")
    analysis = analyse(Options(path=root, baseline=target))
    assert found(analysis) == [("BAS001", "b.json", 5)]
    stale = analysis.findings[0]
    assert stale.severity == "note"
    assert stale.message.startswith(
        "baseline entry ENV001 build.env (build.env:MFA_ENABLED) matches no finding any more"
    )
    assert main(["check", str(root), "--baseline", str(target), "--format", "plain"]) == 0  # a note: not failing
    capsys.readouterr()


def test_stale_entries_only_for_rules_that_ran_or_no_longer_exist(
    project: Callable[[str], Path], tmp_path: Path
) -> None:
    root = project("p0")
    entries = [
        {"rule": "ENV001", "path": "build.env", "address": "build.env:MFA_ENABLED"},
        {"rule": "LOC001", "path": "management/config/backend.tfvars", "address": "profile:me-bootstrap"},
        {"rule": "OLD001", "path": "build.env", "line_sha256": "0123456789abcdef"},
    ]
    outside = tmp_path / "elsewhere" / "b.json"
    outside.parent.mkdir()
    outside.write_text(json.dumps({"version": 1, "findings": entries}, indent=1), encoding="utf-8")
    analysis = analyse(Options(path=root, baseline=outside, ignore=["ENV001"]))
    assert [(f.rule, f.span.path) for f in analysis.findings] == [("BAS001", str(outside))]
    assert "OLD001 build.env (line hash 0123456789abcdef)" in analysis.findings[0].message
    assert found(analyse(Options(path=root, baseline=outside, ignore=["BAS001"]))) == []


def test_baseline_is_a_multiset(project: Callable[[str], Path]) -> None:
    root = env_project(project, "export MFA_ENABLED=true", "export MFA_ENABLED=false")
    first = analyse(Options(path=root, select=["ENV001"]))
    assert len(first.findings) == 2 and first.findings[0].address == first.findings[1].address
    one = dataclasses.replace(first, unbaselined=first.unbaselined[:1])
    text = dump(one.project, one.unbaselined, one.all_rules)
    outcome = apply_baseline(first.findings, first.project, parse(Path("b.json"), text), first.all_rules, first.rules)
    assert [(f.rule, f.span.line) for f in outcome.findings] == [("ENV001", 5)] and outcome.hidden == 1


def test_fallback_key_is_a_hash_of_the_line_text(project: Callable[[str], Path]) -> None:
    root = env_project(project, "export MFA_ENABLED=false")
    analysis = analyse(Options(path=root))
    finding = dataclasses.replace(analysis.findings[0], address=None)
    entry = entry_of(analysis.project, finding)
    assert entry.address is None and entry.line_sha256 is not None and len(entry.line_sha256) == 16
    assert "MFA_ENABLED" not in json.dumps(entry.as_dict())  # no line text is ever copied
    env = root / "build.env"
    env.write_text("\n\n" + env.read_text(encoding="utf-8").replace("export MFA", "export   MFA"), encoding="utf-8")
    moved = analyse(Options(path=root))
    moved_finding = dataclasses.replace(moved.findings[0], address=None)
    assert moved_finding.span.line == 6
    assert entry_of(moved.project, moved_finding) == entry  # same text, blanks collapsed
    baseline = parse(Path("b.json"), dump(analysis.project, [finding], analysis.all_rules))
    assert baseline.entries == (entry,)
    assert apply_baseline([moved_finding], moved.project, baseline, moved.all_rules, moved.rules).findings == []


def test_non_ignorable_findings_are_neither_recorded_nor_hidden(project: Callable[[str], Path]) -> None:
    root = project("p0")
    backend = root / "management/config/backend.tfvars"
    backend.write_text(backend.read_text(encoding="utf-8").replace('"me-bootstrap"', '"me-bootstrap'), encoding="utf-8")
    analysis = analyse(Options(path=root, select=["PAR"]))
    assert [f.rule for f in analysis.findings] == ["PAR001"]
    assert '"findings": []' in dump(analysis.project, analysis.unbaselined, analysis.all_rules)
    forced = parse(Path("b.json"), json.dumps({"version": 1, "findings": [Entry("PAR001", "x").as_dict()]}))
    entry = entry_of(analysis.project, analysis.findings[0])
    forced = dataclasses.replace(forced, entries=(entry,), lines=(1,))
    outcome = apply_baseline(analysis.findings, analysis.project, forced, analysis.all_rules, analysis.rules)
    assert [f.rule for f in outcome.findings] == ["PAR001"]


def test_no_suppressions_and_no_baseline_show_everything(project: Callable[[str], Path]) -> None:
    root = env_project(project, "export MFA_ENABLED=false")
    target = root / "b.json"
    first = analyse(Options(path=root))
    target.write_text(dump(first.project, first.unbaselined, first.all_rules), encoding="utf-8")
    (root / ".mfa-guard.yaml").write_text("baseline: b.json\n", encoding="utf-8")
    assert found(analyse(Options(path=root))) == []
    assert found(analyse(Options(path=root, no_baseline=True))) == [("ENV001", "build.env", 4)]
    assert found(analyse(Options(path=root, no_suppressions=True))) == [("ENV001", "build.env", 4)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "$: not valid JSON (line 1, column 2): Expecting property name enclosed in double quotes"),
        ("[]", "$.findings: expected a list of findings (write one with --write-baseline)"),
        ('{"version": 2, "findings": []}', "$.version: expected 1, got 2"),
        ('{"version": 1, "findings": [3]}', "$.findings[0]: expected a mapping with string rule and path"),
        (
            '{"version": 1, "findings": [{"rule": "ENV001", "path": "x", "line": 3, "address": "a"}]}',
            "$.findings[0].line: unknown key",
        ),
        (
            '{"version": 1, "findings": [{"rule": "ENV001", "path": "x"}]}',
            "$.findings[0]: expected exactly one of address or line_sha256 (a string)",
        ),
    ],
)
def test_malformed_baseline_files(
    text: str, message: str, project: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = project("p0")
    path = root / "b.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BaselineError) as caught:
        load(path)
    assert str(caught.value) == f"{path}: {message}"
    assert main(["check", str(root), "--baseline", str(path)]) == 2
    assert capsys.readouterr().err == f"mfa-guard: error: {path}: {message}\n"


def test_missing_configured_baseline_is_an_error(
    project: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = project("p0")
    (root / ".mfa-guard.yaml").write_text("baseline: nowhere.json\n", encoding="utf-8")
    assert main(["check", str(root)]) == 2
    assert "nowhere.json: $: cannot read: No such file or directory" in capsys.readouterr().err
    assert main(["check", str(root), "--write-baseline", str(root / "nowhere.json")]) == 0  # creating it works
    assert main(["check", str(root)]) == 0
    capsys.readouterr()
