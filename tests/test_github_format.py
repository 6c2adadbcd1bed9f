"""`--format github`: workflow-command annotations, escaping, GitHub's per-level cap, the job summary."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from mfa_guard.report import Report
from mfa_guard.report.github import (
    MAX_PER_LEVEL,
    append_step_summary,
    escape_data,
    escape_property,
    render,
    render_annotations,
)
from tests.conftest import run_cli
from tests.fixture_tree import materialise
from tests.reporting import RULES, finding, sample_report

GOLDEN = """\
::error file=build.env,line=5,col=1,endLine=5,endColumn=11,title=ENV001 env-export-prefix::`export MFA_ENABLED=...` in build.env%0AFix (safe): safe edit - run `mfa-guard fix`
::warning file=build.env,line=6,col=1,endLine=6,endColumn=11,title=ENV003 mfa-flag-duplicate::MFA_ENABLED is set again on line 7%0AFix (safe): safe edit - run `mfa-guard fix`
::error file=management/config/backend.tfvars,line=3,col=11,endLine=3,endColumn=25,title=MFA002 mfa-on-with-bootstrap-profile::profile `me-bootstrap` with MFA on | 100%25 wrong%0D%0Asecond line, with: colon%0AFix (guarded): guarded edit - run `mfa-guard fix --guarded`%0AThen run: leverage tf init -reconfigure
::notice file=shared/us-east-1/a%2Cb%3Ac/config.tf,line=1,col=1,endLine=1,endColumn=11,title=PRF001 profile-note::a note <short>-oaar and `<s>-devops`
mfa-guard: Found 4 findings (2 errors, 1 warning, 1 note). 2 fixable with `mfa-guard fix` (1 more with `mfa-guard fix --guarded`).
"""


@pytest.fixture(autouse=True)
def _no_runner_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    # Under GitHub Actions the real summary file is set; tests must never append to it.
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def annotations(report: Report) -> str:
    stream = io.StringIO()
    render_annotations(report, stream)
    return stream.getvalue()


def test_golden_annotations() -> None:
    assert annotations(sample_report()) == GOLDEN


def test_escaping() -> None:
    assert escape_data("100% a\r\nb\nc: d, e") == "100%25 a%0D%0Ab%0Ac: d, e"
    assert escape_property("100% a\r\nb: c, d") == "100%25 a%0D%0Ab%3A c%2C d"
    # `%` first, or the `%` of an escape would itself be escaped
    assert escape_property("%3A") == "%253A"


def test_no_findings() -> None:
    assert annotations(Report([], RULES)) == "mfa-guard: No findings.\n"


def test_cap_per_level_and_overflow_counted_in_the_log() -> None:
    findings = [finding("ENV001", f"e{n:02}/build.env", n, f"error {n}") for n in range(1, 13)]
    findings += [finding("ENV003", f"w{n:02}/x.env", n, f"warning {n}") for n in range(1, 12)]
    findings += [finding("PRF001", "y.tf", 1, "a note")]
    lines = annotations(Report(findings, RULES)).splitlines()
    assert sum(line.startswith("::error ") for line in lines) == MAX_PER_LEVEL == 10
    assert sum(line.startswith("::warning ") for line in lines) == 10
    assert sum(line.startswith("::notice ") for line in lines) == 1
    overflow = lines.index(
        "mfa-guard: 2 errors and 1 warning not annotated (GitHub shows at most 10 per level per step):"
    )
    assert lines[overflow + 1 : overflow + 4] == [
        "  e11/build.env:11:1: error ENV001 [env-export-prefix] error 11",
        "  e12/build.env:12:1: error ENV001 [env-export-prefix] error 12",
        "  w11/x.env:11:1: warning ENV003 [mfa-flag-duplicate] warning 11",
    ]
    assert lines[-1].startswith("mfa-guard: Found 24 findings (12 errors, 11 warnings, 1 note).")


def test_one_annotation_per_rule_and_file_with_a_count() -> None:
    findings = [finding("ENV001", "outputs.tf", n, f"output {n}", fix="safe") for n in (3, 9, 14)]
    findings.append(finding("ENV003", "outputs.tf", 5, "other rule"))
    lines = annotations(Report(findings, RULES)).splitlines()
    assert lines[0] == (
        "::error file=outputs.tf,line=3,col=1,endLine=3,endColumn=11,title=ENV001 x3 env-export-prefix::"
        "output 3%0A2 more in this file, on lines 9, 14%0AFix (safe): safe edit - run `mfa-guard fix`"
    )
    assert lines[1].startswith("::warning file=outputs.tf,line=5,col=1,endLine=5,endColumn=11,title=ENV003 mfa")
    assert len(lines) == 3


def test_files_the_pull_request_changes_come_first() -> None:
    findings = [finding("ENV001", f"a{n:02}/build.env", 1, f"error {n}") for n in range(1, 13)]
    stream = io.StringIO()
    render_annotations(Report(findings, RULES), stream, changed=frozenset({"a12/build.env"}))
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("::error file=a12/build.env,")
    assert "  a11/build.env:1:1: error ENV001 [env-export-prefix] error 11" in lines  # overflow, not a12


def test_changed_files_from_the_event_payload_and_git(tmp_path: Path) -> None:
    import json
    import subprocess

    from mfa_guard.report.changed_files import changed_files

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=tmp_path, capture_output=True, text=True, check=True)
        return done.stdout.strip()

    git("init", "-q")
    (tmp_path / "old.tf").write_text("a\n")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base")
    base = git("rev-parse", "HEAD")
    (tmp_path / "new dir").mkdir()
    (tmp_path / "new dir" / "new.tf").write_text("b\n")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "pr")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"base": {"sha": base}}}))
    assert changed_files({"GITHUB_EVENT_PATH": str(event)}, tmp_path) == {"new dir/new.tf"}
    assert changed_files({}, tmp_path) == frozenset()
    assert changed_files({"GITHUB_BASE_REF": "no-such-branch"}, tmp_path) == frozenset()


def test_summary_is_appended_when_the_runner_asks(tmp_path: Path) -> None:
    target = tmp_path / "step_summary.md"
    target.write_text("earlier step output\n", encoding="utf-8")
    append_step_summary(sample_report(), {"GITHUB_STEP_SUMMARY": str(target)})
    text = target.read_text(encoding="utf-8")
    assert text.startswith("earlier step output\n### mfa-guard: 2 errors, 1 warning, 1 note\n")


def test_no_summary_without_the_variable(tmp_path: Path) -> None:
    stream = io.StringIO()
    render(sample_report(), stream)  # GITHUB_STEP_SUMMARY is unset (autouse fixture)
    assert stream.getvalue() == GOLDEN
    assert list(tmp_path.iterdir()) == []


def test_unwritable_summary_only_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    append_step_summary(sample_report(), {"GITHUB_STEP_SUMMARY": str(tmp_path / "missing" / "summary.md")})
    assert "cannot append the job summary" in caplog.text


def test_cli_github_format_with_step_summary(tmp_path: Path) -> None:
    root = materialise("p1", tmp_path / "infra")
    env = root / "build.env"
    env.write_text(env.read_text().replace("MFA_ENABLED=true", "export MFA_ENABLED=true"))
    summary = tmp_path / "summary.md"
    result = run_cli(
        "check", "infra", "--select", "ENV", "--format", "github", cwd=tmp_path,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("::error file=infra/build.env,line=5,col=1,endLine=5,endColumn=8,title=ENV001 ")
    assert "- `infra/build.env:5` (safe fix) `export MFA_ENABLED=...` in build.env" in summary.read_text()
