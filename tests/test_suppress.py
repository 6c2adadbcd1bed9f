"""Inline suppressions: every form, every invalid form, expiry, unused and non-ignorable rules."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Callable

import pytest
import yaml

from mfa_guard.analysis import Analysis, analyse
from mfa_guard.cli import main
from mfa_guard.findings import TextEdit
from mfa_guard.prepare import Options
from mfa_guard.source import SourceFile
from mfa_guard.suppress_parse import Suppression, scan_source

TODAY = dt.date(2026, 11, 24)
ROLES = "management/global/base-identities/roles.tf"
HEADER = "# Project settings\nPROJECT=me\n\n"  # lines 1-3; line 4 is the first line a test writes


def env_project(project: Callable[[str], Path], *lines: str) -> Path:
    root = project("p0")
    (root / "build.env").write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return root


def run(root: Path, **options: object) -> Analysis:
    options.setdefault("today", TODAY)
    return analyse(Options(path=root, **options))  # type: ignore[arg-type]


def found(analysis: Analysis) -> list[tuple[str, str, int]]:
    return [(f.rule, f.span.path, f.span.line) for f in analysis.findings]


def statuses(analysis: Analysis) -> list[tuple[int, str, str]]:
    return [(u.suppression.line, u.target, u.status) for u in analysis.suppressions]


def scan(path: str, text: str) -> list[Suppression]:
    return scan_source(SourceFile(path, Path(path), text))


def apply(text: str, edits: Iterable[TextEdit]) -> str:
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


# --- the comment forms ------------------------------------------------------------------------


def test_hcl_hash_and_slashes_trailing_and_own_line() -> None:
    text = (
        'a = 1 # mfa-guard: ignore[ENV001] reason="x"\n'
        "b = 2 // mfa-guard: ignore[ENV002,env-export-prefix] reason='single quoted' until=2027-03-31\n"
        '  # mfa-guard: ignore-file[ENV003] reason="whole file"\n'
        '# mfa-guard: ignore[ENV004] reason="stacked 1"\n'
        '// mfa-guard: ignore[ENV005] reason="stacked \\"2\\""\n'
        "c = 3\n"
    )
    found = scan("x/main.tf", text)
    assert [(s.line, s.scope, s.targets, s.covers, s.own_line) for s in found] == [
        (1, "line", ("ENV001",), (1,), False),
        (2, "line", ("ENV002", "env-export-prefix"), (2,), False),
        (3, "file", ("ENV003",), (3, 6), True),
        (4, "line", ("ENV004",), (4, 6), True),
        (5, "line", ("ENV005",), (5, 6), True),
    ]
    assert [s.reason for s in found] == ["x", "single quoted", "whole file", "stacked 1", 'stacked "2"']
    assert found[1].until == "2027-03-31" and found[0].until is None
    assert all(s.error is None for s in found)
    assert (found[0].span.column, found[0].comment.column) == (9, 7)


def test_markers_inside_strings_and_ordinary_comments_are_not_suppressions() -> None:
    text = (
        'description = "# mfa-guard: ignore[ENV001] reason=\\"x\\""\n'
        'url = "https://example.com//mfa-guard: ignore[ENV001]"\n'
        "# see the mfa-guard docs: ignore[ENV001]\n"
        'x = "${lookup(a, "b")}" # mfa-guard: ignore[ENV001] reason="after nested quotes"\n'
    )
    assert [s.line for s in scan("main.tf", text)] == [4]
    assert scan("notes.md", "# mfa-guard: ignore[ENV001]\n") == []  # only HCL and build.env files


def test_build_env_comments() -> None:
    text = (
        '# mfa-guard: ignore[ENV001] reason="own line"\n'
        'export A=1 # mfa-guard: ignore[ENV001] reason="trailing"\n'
        'B=x#mfa-guard: ignore[ENV001] reason="no blank needed"\n'
        'C="quoted # mfa-guard: ignore[ENV001]"\n'
        "D='q' # mfa-guard: ignore[ENV001] reason=\"after a quoted value\"\n"
    )
    assert [(s.line, s.reason) for s in scan("build.env", text)] == [
        (1, "own line"),
        (2, "trailing"),
        (3, "no blank needed"),
        (5, "after a quoted value"),
    ]


@pytest.mark.parametrize(
    ("comment", "error"),
    [
        ("# mfa-guard: ignroe[ENV001]", "unknown directive 'ignroe': expected ignore[RULES] or ignore-file[RULES]"),
        (
            "# mfa-guard: AKIAPLANTED[ENV001]",
            "unknown directive a 11-character word (not shown): expected ignore[RULES] or ignore-file[RULES]",
        ),
        ("# mfa-guard:", "expected ignore[RULES] or ignore-file[RULES]"),
        ("# mfa-guard: ignore ENV001", "no rule list: expected ignore[RULES] or ignore-file[RULES]"),
        ("# mfa-guard: ignore[ENV001", "no rule list: expected ignore[RULES] or ignore-file[RULES]"),
        ("# mfa-guard: ignore[]", "empty rule in the list"),
        ("# mfa-guard: ignore[ENV001,]", "empty rule in the list"),
        ("# mfa-guard: ignore[ENV 001]", "rule 1 of the list is not a rule id or name"),
        ("# mfa-guard: ignore[ENV001, s3cr3t=x]", "rule 2 of the list is not a rule id or name"),
        ('# mfa-guard: ignore[ENV001] reson="x"', "unknown field 'reson' (fields: reason=\"...\", until=YYYY-MM-DD)"),
        (
            '# mfa-guard: ignore[ENV001] reason="a" reason="b"',
            "repeated field 'reason' (fields: reason=\"...\", until=YYYY-MM-DD)",
        ),
        (
            '# mfa-guard: ignore[ENV001] reason="x" because',
            "unexpected text at character 28 after `mfa-guard:` (not shown)",
        ),
        (
            '# mfa-guard: ignore[ENV001] reason="unclosed',
            "unexpected text at character 17 after `mfa-guard:` (not shown)",
        ),
        ('# mfa-guard: ignore[ENV001]reason="x"', "unexpected text at character 16 after `mfa-guard:` (not shown)"),
    ],
)
def test_malformed_directives(comment: str, error: str) -> None:
    (suppression,) = scan("build.env", comment + "\n")
    assert suppression.error == error


# --- hiding findings --------------------------------------------------------------------------


def test_trailing_suppression_by_id_hides_the_finding(project: Callable[[str], Path]) -> None:
    root = env_project(project, 'export MFA_ENABLED=false  # mfa-guard: ignore[ENV001] reason="CI sources it"')
    analysis = run(root)
    assert found(analysis) == []
    assert statuses(analysis) == [(4, "ENV001", "used")]
    assert found(run(root, no_config=True, no_suppressions=True)) == [("ENV001", "build.env", 4)]


def test_suppression_by_rule_name_and_several_rules(project: Callable[[str], Path]) -> None:
    root = env_project(
        project,
        'export MFA_ENABLED=true # mfa-guard: ignore[env-export-prefix, mfa-flag-duplicate] reason="both"',
        "MFA_ENABLED=false",
    )
    assert found(run(root)) == []
    assert statuses(run(root)) == [(4, "env-export-prefix", "used"), (4, "mfa-flag-duplicate", "used")]


def test_comment_on_the_line_above(project: Callable[[str], Path]) -> None:
    root = env_project(project, '# mfa-guard: ignore[ENV001] reason="above"', "export MFA_ENABLED=false")
    assert found(run(root)) == []


def test_two_lines_above_does_not_count(project: Callable[[str], Path]) -> None:
    root = env_project(project, '# mfa-guard: ignore[ENV001] reason="too far"', "", "export MFA_ENABLED=false")
    assert found(run(root)) == [("SUP002", "build.env", 4), ("ENV001", "build.env", 6)]


def test_trailing_comment_does_not_cover_the_next_line(project: Callable[[str], Path]) -> None:
    root = env_project(project, 'PROJECT_X=1 # mfa-guard: ignore[ENV001] reason="mine"', "export MFA_ENABLED=false")
    assert [f[0] for f in found(run(root))] == ["SUP002", "ENV001"]


def test_stacked_suppressions_cover_the_first_line_after_them(project: Callable[[str], Path]) -> None:
    root = env_project(
        project,
        '# mfa-guard: ignore[ENV001] reason="exported on purpose"',
        '# mfa-guard: ignore[ENV003] reason="the later value wins, we know"',
        "export MFA_ENABLED=true",
        "MFA_ENABLED=false",
    )
    analysis = run(root)
    assert found(analysis) == []
    assert [s for _, _, s in statuses(analysis)] == ["used", "used"]


def test_ignore_file_covers_the_whole_file(project: Callable[[str], Path]) -> None:
    root = env_project(
        project,
        "export MFA_ENABLED=true",
        "MFA_ENABLED=false",
        "export TERRAFORM_IMAGE_TAG=1",
        '# mfa-guard: ignore-file[ENV001,ENV003] reason="generated by the CI image"',
    )
    analysis = run(root)
    assert found(analysis) == []
    assert [(u.target, u.hits) for u in analysis.suppressions] == [("ENV001", 2), ("ENV003", 1)]


def test_hcl_suppressions_end_to_end(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = project("p0")
    team = {
        "id": "TEAM001",
        "name": "team-role-mfa",
        "severity": "error",
        "summary": "Roles must require MFA.",
        "why": "The team says so.",
        "target": "role_requires_mfa = true.",
        "fix": "manual",
        "check": "attribute_must_equal",
        "params": {
            "files": ["*/global/base-identities/roles.tf"],
            "block_type": "module",
            "attribute": "role_requires_mfa",
            "equals": True,
        },
    }
    rules = tmp_path / "team.yaml"
    rules.write_text(yaml.safe_dump(team), encoding="utf-8")
    before = [f[1] for f in found(run(root, rule_files=[rules]))]
    assert ROLES in before and len(before) == 3
    for account, marker in (("management", "#"), ("security", "//")):
        path = root / f"{account}/global/base-identities/roles.tf"
        text = path.read_text(encoding="utf-8").replace(
            "role_requires_mfa    = false",
            f'role_requires_mfa    = false {marker} mfa-guard: ignore[TEAM001] reason="phase P0"',
        )
        path.write_text(text, encoding="utf-8")
    assert found(run(root, rule_files=[rules])) == [("TEAM001", "shared/global/base-identities/roles.tf", 18)]


# --- invalid suppressions ---------------------------------------------------------------------

INVALID = [
    ("ignore[ENV001]", 'no reason="..." (require_reason is on)'),
    ('ignore[ENV001] reason=""', 'no reason="..." (require_reason is on)'),
    ('ignore[ENV001] reason="x" until=2026-11-23', "expired on 2026-11-23"),
    ('ignore[ENV001] reason="x" until=2027-02-30', "until=2027-02-30 is not a date (YYYY-MM-DD)"),
    ('ignore[ENV001] reason="x" until=27-03-31', "until=27-03-31 is not a date (YYYY-MM-DD)"),
    ('ignore[ENV001] reason="x" until=tomorrow', "until=... is not a date (YYYY-MM-DD)"),  # free text is not echoed
    ('ignore[ENV001,ENV999] reason="x"', "unknown rule 'ENV999'"),
    ('ignore[ENV001,no-such-rule] reason="x"', "unknown rule 'no-such-rule'"),
    ("ignre[ENV001]", "malformed: unknown directive 'ignre': expected ignore[RULES] or ignore-file[RULES]"),
    ("ignore[ENV001] until=2020-01-01", 'no reason="..." (require_reason is on); expired on 2020-01-01'),
]


@pytest.mark.parametrize(("directive", "problem"), INVALID, ids=[p for _, p in INVALID])
def test_invalid_suppressions_are_findings_and_suppress_nothing(
    directive: str, problem: str, project: Callable[[str], Path]
) -> None:
    root = env_project(project, f"export MFA_ENABLED=false  # mfa-guard: {directive}")
    analysis = run(root)
    assert found(analysis) == [("ENV001", "build.env", 4), ("SUP001", "build.env", 4)]
    sup = analysis.findings[1]
    assert (
        sup.message == f"invalid suppression ({problem}), so it suppresses nothing"
    )  # the rule's why: once, elsewhere
    assert sup.severity == "warning" and sup.span.column == 29
    assert {u.status for u in analysis.suppressions} == {"invalid"}


def test_expiry_today_is_still_valid_yesterday_is_not(project: Callable[[str], Path]) -> None:
    root = env_project(project, 'export MFA_ENABLED=false  # mfa-guard: ignore[ENV001] reason="x" until=2026-11-24')
    assert found(run(root)) == []
    assert [f[0] for f in found(run(root, today=TODAY + dt.timedelta(days=1)))] == ["ENV001", "SUP001"]


def test_require_reason_off(project: Callable[[str], Path]) -> None:
    root = env_project(project, "export MFA_ENABLED=false  # mfa-guard: ignore[ENV001]")
    assert [f[0] for f in found(run(root))] == ["ENV001", "SUP001"]
    (root / ".mfa-guard.yaml").write_text("require_reason: false\n", encoding="utf-8")
    assert found(run(root)) == []
    assert found(run(root, require_reason=True)) != []


# --- unused and non-ignorable -----------------------------------------------------------------


def test_unused_suppression_is_reported_with_a_safe_fix(project: Callable[[str], Path]) -> None:
    root = env_project(project, 'MFA_ENABLED=false  # mfa-guard: ignore[ENV001] reason="was exported"')
    analysis = run(root)
    assert found(analysis) == [("SUP002", "build.env", 4)]
    finding = analysis.findings[0]
    assert finding.message == "unused suppression of ENV001: no such finding on this line"
    assert finding.fix is not None and finding.fix.applicability == "safe"
    text = (root / "build.env").read_text(encoding="utf-8")
    assert apply(text, finding.fix.edits) == HEADER + "MFA_ENABLED=false\n"


def test_partly_unused_suppression_keeps_the_used_rules(project: Callable[[str], Path]) -> None:
    root = env_project(project, '# mfa-guard: ignore[ENV003, ENV001] reason="x"', "export MFA_ENABLED=false")
    analysis = run(root)
    assert found(analysis) == [("SUP002", "build.env", 4)]
    assert analysis.findings[0].message.startswith(
        "unused suppression of ENV003: no such finding on this line or line 5"
    )
    fix = analysis.findings[0].fix
    assert fix is not None
    text = (root / "build.env").read_text(encoding="utf-8")
    assert apply(text, fix.edits).splitlines()[3] == '# mfa-guard: ignore[ENV001] reason="x"'


def test_unused_own_line_suppression_fix_deletes_the_line(project: Callable[[str], Path]) -> None:
    root = env_project(project, '# mfa-guard: ignore-file[ENV001] reason="x"', "MFA_ENABLED=false")
    analysis = run(root)
    assert found(analysis) == [("SUP002", "build.env", 4)]
    assert "no such finding in this file" in analysis.findings[0].message
    fix = analysis.findings[0].fix
    assert fix is not None
    assert apply((root / "build.env").read_text(encoding="utf-8"), fix.edits) == HEADER + "MFA_ENABLED=false\n"


def test_rules_that_did_not_run_are_not_called_unused(project: Callable[[str], Path]) -> None:
    root = env_project(
        project,
        'MFA_ENABLED=false  # mfa-guard: ignore[ENV001] reason="x"',
        '# mfa-guard: ignore[LOC001,MFA001] reason="depends on the machine"',
        "TERRAFORM_IMAGE_TAG=1",
    )
    analysis = run(root, ignore=["ENV001"], ci=True)
    assert found(analysis) == []
    assert statuses(analysis) == [
        (4, "ENV001", "not-checked"),
        (5, "LOC001", "not-checked"),
        (5, "MFA001", "not-checked"),
    ]


def test_non_ignorable_rules_cannot_be_suppressed(project: Callable[[str], Path]) -> None:
    root = project("p0")
    backend = root / "management/config/backend.tfvars"
    text = backend.read_text(encoding="utf-8").replace(
        'profile = "me-bootstrap"', '# mfa-guard: ignore[PAR001,ENV001] reason="tidy later"\nprofile = "me-bootstrap'
    )
    backend.write_text(text, encoding="utf-8")
    analysis = run(root, select=["PAR", "SUP"])
    rules = [f[0] for f in found(analysis)]
    assert "PAR001" in rules  # still reported
    sup = [f for f in analysis.findings if f.rule == "SUP003"]
    assert [(f.span.path, f.span.line) for f in sup] == [("management/config/backend.tfvars", 6)]
    assert sup[0].message == "PAR001 cannot be suppressed; this suppression has no effect on it"
    assert [(u.target, u.status) for u in analysis.suppressions] == [
        ("PAR001", "unsuppressible"),
        ("ENV001", "not-checked"),
    ]


def test_suppression_rules_cannot_suppress_themselves(project: Callable[[str], Path]) -> None:
    root = env_project(
        project, '# mfa-guard: ignore[SUP001] reason="quiet"', "MFA_ENABLED=false # mfa-guard: ignore[ENV001]"
    )
    assert found(run(root)) == [("SUP003", "build.env", 4), ("SUP001", "build.env", 5)]


def test_no_suppressions_audit(project: Callable[[str], Path]) -> None:
    root = env_project(
        project,
        'export MFA_ENABLED=false  # mfa-guard: ignore[ENV001] reason="x"',
        'TERRAFORM_IMAGE_TAG=1 # mfa-guard: ignore[ENV003] reason="unused, but not judged in an audit"',
        "TF_X=1 # mfa-guard: ignore[ENV003]",
    )
    analysis = run(root, no_suppressions=True)
    assert found(analysis) == [("ENV001", "build.env", 4), ("SUP001", "build.env", 6)]
    assert [s for _, _, s in statuses(analysis)] == ["not-applied", "not-applied", "invalid"]


def test_sup_rules_follow_selection_and_severity(project: Callable[[str], Path]) -> None:
    root = env_project(project, 'MFA_ENABLED=false  # mfa-guard: ignore[ENV001] reason="x"')
    assert found(run(root, ignore=["SUP002"])) == []
    (root / ".mfa-guard.yaml").write_text("severity: {unused-suppression: note}\n", encoding="utf-8")
    assert [f.severity for f in run(root).findings] == ["note"]


# --- `mfa-guard suppressions` -----------------------------------------------------------------


def test_suppressions_command(project: Callable[[str], Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = env_project(
        project,
        'export MFA_ENABLED=false  # mfa-guard: ignore[ENV001,ENV003] reason="CI sources it" until=2099-12-31',
        "TERRAFORM_IMAGE_TAG=1 # mfa-guard: ignore[ENV001]",
    )
    assert main(["suppressions", str(root)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        'build.env:4  line  ENV001    used; until 2099-12-31; reason "CI sources it"',
        'build.env:4  line  ENV003    unused; until 2099-12-31; reason "CI sources it"',
        'build.env:5  line  ENV001    invalid (no reason="..." (require_reason is on)); no expiry; no reason',
        "",
        "3 suppressed rules: 1 invalid, 1 unused, 1 used.",
    ]
    assert main(["suppressions", str(root), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["suppressions"]
    assert rows[0] == {
        "path": "build.env",
        "line": 4,
        "scope": "line",
        "rule": "ENV001",
        "written": "ENV001",
        "reason": "CI sources it",
        "until": "2099-12-31",
        "status": "used",
        "detail": "",
        "hits": 1,
    }
    assert [r["status"] for r in rows] == ["used", "unused", "invalid"]


def test_suppressions_command_without_any(project: Callable[[str], Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suppressions", str(project("p0"))]) == 0
    assert capsys.readouterr().out == "No suppressions.\n"


@pytest.mark.parametrize(
    "comment",
    [
        '# mfa-guard: ignore[ENV001] reason="x" wJalrXUtnFEMIK7MDENGbPxRfiCY',
        "# mfa-guard: ignore[ENV001] wJalrXUtnFEMIK7MDENGbPxRfiCY",
        "# mfa-guard: wJalrXUtnFEMIK7MDENGbPxRfiCY",
        "# mfa-guard: ignore[wJalrXUtnFEMIK7MDENGbPxRfiCY]",
        "# mfa-guard: ignore[ENV001, wJalrXUtnFEMIK7MDENGbPxRfiCY=1]",
        "# mfa-guard: ignore[ENV001] wJalrXUtnFEMIK7MDENGbPxRfiCY=1",
        '# mfa-guard: ignore[ENV001] reason="x" until=wJalrXUtnFEMIK7MDENGbPxRfiCY',
    ],
)
def test_sup001_never_echoes_the_rest_of_the_comment(project: Callable[[str], Path], comment: str) -> None:
    """Issue 16 #7: SUP001 echoed the rest of a malformed suppression comment."""
    root = project("p1")
    env = root / "build.env"
    env.write_text(env.read_text(encoding="utf-8") + comment + "\n", encoding="utf-8")
    analysis = analyse(Options(path=root, select=("SUP001",)))
    assert analysis.findings
    for finding in analysis.findings:
        assert "wJalrXUtnFEMIK7MDENGbPxRfiCY" not in finding.message + str(finding.address)
