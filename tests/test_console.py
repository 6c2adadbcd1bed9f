"""The console report: a header, one line per finding, each rule's why once; wrapping, full format, statistics."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

from mfa_guard.analysis import analyse
from mfa_guard.prepare import Options
from mfa_guard.project_info import AccountInfo, ProjectInfo, project_info
from mfa_guard.report import Report
from mfa_guard.report.console import render_to
from tests.conftest import REPO, run_cli
from tests.fixture_tree import materialise
from tests.reporting import sample_report

PROJECT = ProjectInfo(
    root=Path("/work/infra"),
    short_name="me",
    mode="iam",
    phase="transitional",
    target_phase="p1",
    common_path="config/common.tfvars",
    accounts=(AccountInfo("management", "management", True), AccountInfo("shared", "shared", False)),
)

GOLDEN = """\
mfa-guard: project infra, short name me, IAM mode, phase transitional, target p1
infra/build.env:5:1: ENV001 [*] `export MFA_ENABLED=...` in build.env
infra/build.env:6:1: ENV003 [*] MFA_ENABLED is set again on line 7
infra/management/config/backend.tfvars:3:11: MFA002 [guarded] profile `me-bootstrap` with MFA on | 100% wrong\\r\\nsecond line, with: colon
infra/shared/us-east-1/a,b:c/config.tf:1:1: PRF001 a note me-oaar and `me-devops`

ENV001 (1, error) env-export-prefix: Why env-export-prefix matters. Target: The target of env-export-prefix; see `mfa-guard explain ENV001`
ENV003 (1, warning) mfa-flag-duplicate: Why mfa-flag-duplicate matters. Target: The target of mfa-flag-duplicate; see `mfa-guard explain ENV003`
MFA002 (1, error) mfa-on-with-bootstrap-profile: Why mfa-on-with-bootstrap-profile matters. Target: The target of mfa-on-with-bootstrap-profile; see `mfa-guard explain MFA002`
PRF001 (1, note) profile-note: Why profile-note matters. Target: The target of profile-note; see `mfa-guard explain PRF001`

Found 4 findings (2 errors, 1 warning, 1 note). 2 fixable with `mfa-guard fix` (1 more with `mfa-guard fix --guarded`).
"""


def _report() -> Report:
    report = sample_report()
    findings = list(report.findings)
    last = findings[-1]
    findings[-1] = dataclasses.replace(last, message="a note <s>-oaar and `<short>-devops`")  # names are known
    return dataclasses.replace(report, findings=findings, project=PROJECT)


def rendered(report: Report, width: int | None = None, cwd: Path = Path("/work")) -> str:
    stream = io.StringIO()
    render_to(report, stream, color=False, width=width, cwd=cwd)
    return stream.getvalue()


def test_golden_concise() -> None:
    assert rendered(_report()) == GOLDEN


def test_wrapped_to_the_width_with_a_hanging_indent() -> None:
    text = rendered(_report(), width=60)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 60
    mfa002 = lines.index("infra/management/config/backend.tfvars:3:11: MFA002")
    assert lines[mfa002 + 1] == "    [guarded] profile `me-bootstrap` with MFA on | 100%"
    assert all(line.startswith("    ") for line in lines[mfa002 + 1 : mfa002 + 3])


def test_paths_from_inside_the_project() -> None:
    assert "\nbuild.env:5:1: ENV001" in rendered(_report(), cwd=Path("/work/infra"))
    assert "\n../build.env:5:1: ENV001" in rendered(_report(), cwd=Path("/work/infra/management"))


def test_statistics() -> None:
    text = rendered(dataclasses.replace(_report(), statistics=True))
    assert text.splitlines()[1:5] == [
        "    1  ENV001  [*] env-export-prefix",
        "    1  ENV003  [*] mfa-flag-duplicate",
        "    1  MFA002  [guarded] mfa-on-with-bootstrap-profile",
        "    1  PRF001  profile-note",
    ]


def test_full_format_shows_the_source_line_with_a_caret_and_the_rationale(tmp_path: Path) -> None:
    root = materialise("p1", tmp_path / "p")
    env = root / "build.env"
    env.write_text(env.read_text().replace("PROJECT=me", "export PROJECT=me"))
    analysis = analyse(Options(path=root, select=["ENV001"]))
    report = Report(analysis.findings, analysis.rules, project_info(analysis.project), output_format="full")
    lines = rendered(report, cwd=tmp_path).splitlines()
    assert lines[1:5] == [
        "p/build.env:2:1: ENV001 [*] `export PROJECT=...` in build.env",
        "  |",
        "2 | export PROJECT=me",
        "  | ^^^^^^^",
    ]
    assert lines[5].startswith("  = fix (safe): ")
    rule = analysis.rules[0]
    assert "    " + " ".join(rule.rationale.strip().split("\n\n")[0].split()) in lines


def test_example_lines_are_short_and_each_rationale_is_said_once() -> None:
    result = run_cli("check", "examples/leverage-project", cwd=REPO)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert (
        lines[0]
        == "mfa-guard: project examples/leverage-project, short name me, IAM mode, phase transitional, target p1, "
        "Leverage CLI 2.x (TERRAFORM_IMAGE_TAG in build.env line 8)"
    )
    findings = [line for line in lines if line.startswith("examples/")]
    assert len(findings) == 4
    assert max(len(line) for line in findings) <= 200
    assert "<s>" not in result.stdout and "<m>" not in result.stdout
    why = "Terraform prints non-sensitive outputs at the end of every apply"
    assert result.stdout.count(why) == 1


def test_the_footer_gives_the_severities_the_findings_have() -> None:
    """A check may lower a finding below its rule's severity (3.x ENV002 is a note): the footer says
    what was found, not what the rule file says."""
    report = _report()
    findings = list(report.findings)
    env001 = findings[0]
    findings[0] = dataclasses.replace(env001, severity="note")
    text = rendered(dataclasses.replace(report, findings=findings))
    assert "\nENV001 (1, note) env-export-prefix:" in text
    findings.insert(1, dataclasses.replace(env001, severity="error"))
    assert "\nENV001 (2, error/note) env-export-prefix:" in rendered(dataclasses.replace(report, findings=findings))
