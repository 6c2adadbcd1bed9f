"""The Markdown job summary: counts, the accounts, the next step, findings grouped by rule with links."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from mfa_guard.analysis import analyse
from mfa_guard.prepare import Options
from mfa_guard.project_info import AccountInfo, ProjectInfo, project_info
from mfa_guard.report import Report, summary
from mfa_guard.report.summary import escape_cell, markdown
from tests.fixture_tree import materialise
from tests.reporting import RULES, finding, sample_report

ENV = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/infra", "GITHUB_SHA": "abc123"}
DOCS = "https://github.com/mfa-guard/mfa-guard/blob/v0.1.0/docs/rules"
BLOB = "https://github.com/acme/infra/blob/abc123"

GOLDEN = f"""\
### mfa-guard: 2 errors, 1 warning, 1 note

Leverage project `me`: IAM mode, phase transitional, target p1.

| account | findings |
| --- | --- |
| `management` (management) | 1 error |
| `shared` | 1 note |
| project-wide files | 1 error, 1 warning |

**Next step:** run `mfa-guard fix` (2 safe fixes) and commit the result.

<details><summary><b>ENV001</b> env-export-prefix: 1 error</summary>

Why env-export-prefix matters. **Target:** The target of env-export-prefix. ([docs]({DOCS}/ENV001.md))

- [`build.env:5`]({BLOB}/build.env#L5) (safe fix) `export MFA_ENABLED=...` in build.env

</details>

<details><summary><b>MFA002</b> mfa-on-with-bootstrap-profile: 1 error</summary>

Why mfa-on-with-bootstrap-profile matters. **Target:** The target of mfa-on-with-bootstrap-profile. ([docs]({DOCS}/MFA002.md))

- [`management/config/backend.tfvars:3`]({BLOB}/management/config/backend.tfvars#L3) (guarded fix) profile `me-bootstrap` with MFA on \\| 100% wrong<br>second line, with: colon

</details>

<details><summary><b>ENV003</b> mfa-flag-duplicate: 1 warning</summary>

Why mfa-flag-duplicate matters. **Target:** The target of mfa-flag-duplicate. ([docs]({DOCS}/ENV003.md))

- [`build.env:6`]({BLOB}/build.env#L6) (safe fix) MFA_ENABLED is set again on line 7

</details>

<details><summary><b>PRF001</b> profile-note: 1 note</summary>

Why profile-note matters. **Target:** The target of profile-note. ([docs]({DOCS}/PRF001.md))

- [`shared/us-east-1/a,b:c/config.tf:1`]({BLOB}/shared/us-east-1/a%2Cb%3Ac/config.tf#L1) a note me-oaar and `me-devops`

</details>

"""

PROJECT = ProjectInfo(
    root=Path("/nonexistent/infra"),
    short_name="me",
    mode="iam",
    phase="transitional",
    target_phase="p1",
    common_path="config/common.tfvars",
    accounts=(AccountInfo("management", "management", True), AccountInfo("shared", "shared", False)),
)


def _report() -> Report:
    report = sample_report()
    findings = list(report.findings)
    findings[-1] = dataclasses.replace(findings[-1], message="a note <s>-oaar and `<short>-devops`")
    return dataclasses.replace(report, findings=findings, project=PROJECT)


def test_golden_summary() -> None:
    assert markdown(_report(), cwd=Path("/nonexistent/infra"), environ=ENV) == GOLDEN


def test_the_summary_renders_to_the_html_it_means() -> None:
    html = (
        MarkdownIt("commonmark", {"html": True})
        .enable("table")
        .render(markdown(_report(), cwd=Path("/nonexistent/infra"), environ=ENV))
    )
    assert html.count("<details>") == 4 and html.count("</details>") == 4
    assert f'<a href="{BLOB}/build.env#L5"><code>build.env:5</code></a>' in html
    assert "<td></td>" not in html  # no empty cells or rows
    assert html.count("<tr>") == 1 + 3


def test_without_the_runner_variables_locations_are_plain_code() -> None:
    text = markdown(_report(), cwd=Path("/nonexistent/infra"), environ={})
    assert "- `build.env:5` (safe fix)" in text
    assert "](http" not in text.replace("([docs](", "")


def test_clean_project_summary(tmp_path: Path) -> None:
    root = materialise("p1", tmp_path / "p1")
    analysis = analyse(Options(path=root))
    text = markdown(Report(analysis.findings, analysis.rules, project_info(analysis.project)), cwd=tmp_path, environ={})
    assert text == (
        "### mfa-guard: no findings\n\n"
        "Leverage project `me` in `p1`: IAM mode, phase p1, target p1, "
        "Leverage CLI 2.x \\(TERRAFORM_IMAGE_TAG in build.env line 8\\).\n\n"
        "### Post-deployment guide: where the project stands\n\n"
        "| account | role | backend profile | OAAR role_requires_mfa | DevOps MFA | position |\n"
        "|---|---|---|---|---|---|\n"
        "| management | management | me-management-oaar | true / apply not recorded | - "
        "| OAAR requires MFA, apply not recorded |\n"
        "| security | security | me-security-oaar | true / apply not recorded | true "
        "| OAAR requires MFA, apply not recorded |\n"
        "| shared | member | me-shared-oaar | true / apply not recorded | true "
        "| OAAR requires MFA, apply not recorded |\n\n"
        "- phase: p1 \\(target p1\\), on the guide's path\n"
        "- MFA_ENABLED: true \\(the CLI runs with MFA\\)\n"
        "- next: nothing left to write \\(run `mfa-guard plan` for the commands to check\\)\n\n"
    )


def test_cells_stay_cells() -> None:
    assert escape_cell("a | b") == "a \\| b"
    assert escape_cell("one\r\ntwo\nthree") == "one<br>two<br>three"
    assert escape_cell("<b>x</b> & `<code> | y`") == "&lt;b&gt;x&lt;/b&gt; &amp; `<code> \\| y`"


def test_long_lists_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(summary, "MAX_ROWS", 3)
    findings = [finding("ENV003", "build.env", n, f"duplicate {n}") for n in range(1, 6)]
    text = markdown(Report(findings, RULES), environ={})
    assert text.count("- `build.env:") == 3
    assert "... and 2 more (all are in the SARIF report and the log)." in text


def test_next_step_without_fixes_names_the_companion_or_the_plan() -> None:
    manual = [finding("MFA002", "management/config/backend.tfvars", 3, "m")]
    text = markdown(Report(manual, RULES), environ={})
    assert "**Next step:** `leverage tf init -reconfigure` (MFA002)." in text


def test_notes_are_quoted() -> None:
    report = Report([], RULES, notes=("the baseline has 2 stale entries",))
    assert markdown(report, environ={}) == "### mfa-guard: no findings\n\n> the baseline has 2 stale entries\n\n"
