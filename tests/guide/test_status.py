"""`mfa-guard status`: one row per account in the guide's order, in console, plain, JSON and the
Markdown of the job summary, from the same data."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from mfa_guard.guide.position import position
from mfa_guard.guide.status import render_markdown, status_data
from mfa_guard.load.project import load_project
from tests.fix.conftest import Runner
from tests.guide.walk_project import ORDER, guide_project, record, require_mfa


@pytest.fixture
def started(tmp_path: Path) -> Path:
    """The walk project one step in: management's OAAR requires MFA, its apply recorded."""
    root = guide_project(tmp_path / "status")
    record(root, "--confirm", "management-mfa")
    require_mfa(root, "root")
    record(root, "--applied", "root")
    return root


def test_json_has_one_row_per_account_in_the_guides_order(cli: Runner, started: Path) -> None:
    code, out, _ = cli("status", str(started), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [row["account"] for row in data["accounts"]] == list(ORDER)
    assert [row["role"] for row in data["accounts"]] == ["management", "security", "member", "member"]
    root_row = data["accounts"][0]
    assert root_row["backend"] == {"now": "me-bootstrap", "target": "me-root-oaar"}
    assert root_row["oaar"] == {"code": "true", "apply_recorded": True}
    assert data["accounts"][1]["oaar"] == {"code": "false", "apply_recorded": False}
    assert data["accounts"][1]["devops"] == "true"
    assert (data["phase"], data["target"], data["on_path"]) == ("transitional", "p1", True)
    assert data["mfa_enabled"] == {"value": "false", "effective": False}
    assert data["next_step"]["number"] == 4 and data["next_step"]["kind"] == "edit"
    assert data["next_step"]["where"] == "security/global/base-identities/roles.tf"


def test_plain_is_a_table_with_the_phase_and_the_next_step(cli: Runner, started: Path) -> None:
    code, out, _ = cli("status", str(started), "--format", "plain")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == [
        "account",
        "role",
        "backend",
        "profile",
        "OAAR",
        "role_requires_mfa",
        "DevOps",
        "MFA",
        "position",
    ]
    assert [line.split()[0] for line in lines[1:5]] == list(ORDER)
    assert "me-bootstrap → me-root-oaar" in lines[1] and "true / apply recorded" in lines[1]
    assert "phase: transitional (target p1), on the guide's path" in out
    assert "MFA_ENABLED: false (the CLI runs without MFA)" in out
    assert "next: step 4 of 12: set role_requires_mfa = true" in out
    assert "\x1b[" not in out


def test_console_is_a_rich_table(cli: Runner, started: Path) -> None:
    code, out, _ = cli("status", str(started), "--format", "console", "--color", "never")
    assert code == 0
    assert "┃ account" in out and "│ apps-devstg │" in out
    assert out.index("│ root ") < out.index("│ security ") < out.index("│ shared ") < out.index("│ apps-devstg ")


def test_markdown_for_the_job_summary_is_the_same_table(cli: Runner, started: Path) -> None:
    code, out, _ = cli("status", str(started), "--format", "markdown")
    assert code == 0
    assert out == render_markdown(status_data(position(load_project(started))))
    rows = [line for line in out.splitlines() if line.startswith("| ") and not line.startswith("| account")]
    assert [row.split("|")[1].strip() for row in rows] == list(ORDER)
    assert "| root | management | me-bootstrap → me-root-oaar | true / apply recorded |" in out


def test_markdown_cells_cannot_inject_markup() -> None:
    """render_markdown escapes as the rest of the job summary does (report/markdown_text.py)."""
    from mfa_guard.report.markdown_text import md_text

    assert md_text("a|b`c<script>") == "a\\|b\\`c&lt;script&gt;"
    assert md_text("run `mfa-guard plan` (step 1)") == "run `mfa-guard plan` \\(step 1\\)"


def test_off_the_path_names_the_deviation(cli: Runner, tmp_path: Path) -> None:
    root = guide_project(tmp_path / "off")
    require_mfa(root, "security")
    _, out, _ = cli("status", str(root), "--format", "plain")
    assert "off the guide's path" in out
    assert "off the path: the OrganizationAccountAccessRole of security requires MFA before the one of root" in out


def test_local_shows_each_backend_profile(cli: Runner, started: Path, tmp_path: Path) -> None:
    aws = tmp_path / "aws"
    aws.mkdir()
    (aws / "config").write_text(
        "[profile me-security-oaar]\nrole_arn = arn:aws:iam::000123456790:role/OrganizationAccountAccessRole\n"
        "source_profile = me-bootstrap\n",
        encoding="utf-8",
    )
    (aws / "credentials").write_text("[me-bootstrap]\naws_access_key_id = AKIAX\naws_secret_access_key = x\n")
    code, out, _ = cli("status", str(started), "--local", "--aws-dir", str(aws), "--format", "json")
    assert code == 0
    rows = {row["account"]: row["local"] for row in json.loads(out)["accounts"]}
    assert rows["security"] == "present, no mfa_serial, source me-bootstrap"
    assert rows["shared"] == "missing"


def test_team_files_hidden_by_a_leverage_gitignore_are_named(cli: Runner, started: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(started)], check=True)
    (started / ".gitignore").write_text(".*\n!.gitignore\n", encoding="utf-8")  # as Leverage repositories do
    (started / ".mfa-guard.yaml").write_text("fail_on: warning\n", encoding="utf-8")
    code, _, err = cli("status", str(started), "--format", "json")
    assert code == 0
    assert (
        "warning: .mfa-guard.yaml is ignored by git" in err and "add this line to .gitignore: !/.mfa-guard.yaml" in err
    )
    assert "mfa-guard-applied.txt" not in err  # the records' default name is committable
    assert (started / "mfa-guard-applied.txt").is_file()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_console_table_fits_the_terminal(started: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixed width of 140 wrapped every line of a 120-column terminal twice."""
    from mfa_guard.guide.status import render_console

    data = status_data(position(load_project(started)))
    for columns in (100, 120):
        monkeypatch.setenv("COLUMNS", str(columns))
        stream = _Terminal()
        render_console(data, stream, color=False)
        lines = stream.getvalue().splitlines()
        assert lines and max(len(line) for line in lines) <= columns
    piped = io.StringIO()
    render_console(data, piped, color=False)
    assert max(len(line) for line in piped.getvalue().splitlines()) > 100  # not a terminal: one line per row
