"""The Markdown job summary: counts by severity, a table of findings, how to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from mfa_guard.analysis import analyse
from mfa_guard.prepare import Options
from mfa_guard.project_info import project_info
from mfa_guard.report import Report, summary
from mfa_guard.report.summary import escape_cell, markdown
from tests.fixture_tree import materialise
from tests.reporting import RULES, finding, sample_report

GOLDEN = """\
### mfa-guard: 2 errors, 1 warning, 1 note

| severity | findings |
| --- | ---: |
| error | 2 |
| warning | 1 |
| note | 1 |

| severity | rule | location | fix | message |
| --- | --- | --- | --- | --- |
| error | `ENV001` env-export-prefix | `build.env:5:1` | safe | `export MFA_ENABLED=...` in build.env |
| error | `MFA002` mfa-on-with-bootstrap-profile | `management/config/backend.tfvars:3:11` | guarded | profile `me-bootstrap` with MFA on \\| 100% wrong<br>second line, with: colon |
| warning | `ENV003` mfa-flag-duplicate | `build.env:6:1` | safe | MFA_ENABLED is set again on line 7 |
| note | `PRF001` profile-note | `shared/us-east-1/a,b:c/config.tf:1:1` | manual | a note &lt;short&gt;-oaar and `<s>-devops` |

**How to fix**

- 2 findings with a safe fix: run `mfa-guard fix` and commit the result.
- 1 finding with a guarded fix: `mfa-guard fix --guarded` once its precondition holds (see each message).
- 1 finding to change by hand: `mfa-guard explain RULE` shows how.

"""


def test_golden_summary() -> None:
    assert markdown(sample_report()) == GOLDEN


def test_clean_project_summary(tmp_path: Path) -> None:
    root = materialise("p1", tmp_path / "p1")
    analysis = analyse(Options(path=root))
    text = markdown(Report(analysis.findings, analysis.rules, project_info(analysis.project)), cwd=tmp_path)
    assert text == ("### mfa-guard: no findings\n\nLeverage project `me` in `p1`: IAM mode, phase p1, target p1.\n\n")


def test_cells_stay_cells() -> None:
    assert escape_cell("a | b") == "a \\| b"
    assert escape_cell("one\r\ntwo\nthree") == "one<br>two<br>three"
    assert escape_cell("<b>x</b> & `<code> | y`") == "&lt;b&gt;x&lt;/b&gt; &amp; `<code> \\| y`"


def test_long_tables_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(summary, "MAX_ROWS", 3)
    findings = [finding("ENV003", "build.env", n, f"duplicate {n}") for n in range(1, 6)]
    text = markdown(Report(findings, RULES))
    assert text.count("| warning | `ENV003`") == 3
    assert "... and 2 more (all are in the SARIF report and the log)." in text


def test_notes_are_quoted() -> None:
    report = Report([], RULES, notes=("the baseline has 2 stale entries",))
    assert markdown(report) == "### mfa-guard: no findings\n\n> the baseline has 2 stale entries\n\n"
