"""Output is inert: hostile file names cannot forge workflow commands, Markdown, terminal sequences,
and undecodable names cannot break any format (issue 16, items 9 and 10)."""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from mfa_guard.report import Report
from mfa_guard.report.github import log_line, render_annotations
from mfa_guard.report.markdown_text import md_code, md_text
from mfa_guard.report.summary import markdown
from mfa_guard.report.text import printable
from tests.conftest import REPO, run_cli
from tests.reporting import RULES, finding

FORGED = "x\n::error file=forged.tf::forged\n  ::stop-commands::token\n##[error]legacy"


@pytest.fixture(autouse=True)
def _no_runner_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def _hostile_report(count: int) -> Report:
    findings = [
        finding("ENV001", f"{FORGED}/{n}/build.env", n, f"message {n} of {FORGED}") for n in range(1, count + 1)
    ]
    return Report(findings, RULES, notes=(f"a note about {FORGED}",))


def _command_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("::") or "##[" in line]


def test_no_forged_workflow_command_in_annotations_or_overflow() -> None:
    stream = io.StringIO()
    render_annotations(_hostile_report(13), stream)
    lines = stream.getvalue().splitlines()
    commands = _command_lines(stream.getvalue())
    assert len(commands) == 10  # the ten real annotations, nothing else
    assert all(line.startswith("::error file=x%0A%3A%3Aerror file=forged.tf") for line in commands)
    overflow = [line for line in lines if line.startswith("  ")]
    assert len(overflow) == 3
    assert overflow[0].startswith("  x\\n::error file=forged.tf::forged\\n  ::stop-commands::token\\n##%5Berror]")


def test_log_line_neutralises_a_leading_command_and_legacy_syntax() -> None:
    assert log_line("  ::stop-commands::t") == "  %3A:stop-commands::t\n"
    assert log_line("a ##[set-env name=x]y") == "a ##%5Bset-env name=x]y\n"
    assert log_line("a\nb\x1b[2J") == "a\\nb\\x1b[2J\n"


def _html(text: str) -> str:
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(text)


def test_summary_escapes_names_and_messages() -> None:
    hostile = "d ![t](https://evil.example/p.png) <img src=x onerror=alert(1)> [l](javascript:x) | cell"
    report = Report(
        [finding("ENV001", f"{hostile}/build.env", 1, f"in {hostile}\nsecond"), finding("ENV003", "a`b|c.env", 2, "m")],
        RULES,
        notes=(hostile,),
    )
    text = markdown(report, environ={})
    html = _html(text)
    assert "<img" not in html
    links = re.findall(r'<a href="([^"]*)"', html)
    assert links and all(link.startswith("https://github.com/mfa-guard/mfa-guard/blob/") for link in links)
    assert "&lt;img" in html
    # every finding stays one list item: nothing split it or added an element
    assert html.count("<li>") == 2


def test_markdown_helpers() -> None:
    assert md_text("A_B *a* _b_ [c](d) `e|f` <g>") == "A_B \\*a\\* \\_b\\_ \\[c\\]\\(d\\) `e\\|f` &lt;g&gt;"
    assert md_text("one ` tick\nnext") == "one \\` tick<br>next"
    assert md_code("a``b") == "```a``b```"
    assert md_code("p|q", in_table=True) == "`p\\|q`"


def test_terminal_escapes() -> None:
    assert printable("a\x1b]0;title\x07b") == "a\\x1b]0;title\\x07b"
    assert printable("rtl\u202eexe.tf\x9b") == "rtl\\u202eexe.tf\\x9b"
    assert printable("name\udcff") == "name\\xff"
    assert printable("a\nb", keep_newlines=True) == "a\nb"


def _hostile_project(tmp_path: Path, name: bytes) -> Path:
    root = tmp_path / "p"
    shutil.copytree(REPO / "examples" / "leverage-project", root)
    layers = root / "management" / "global"
    (layers / "base-identities").rename(layers / os.fsdecode(name))  # surrogateescape: the exact bytes
    return root


@pytest.mark.parametrize("fmt", ["console", "plain"])
def test_escape_sequences_in_names_never_reach_the_terminal(tmp_path: Path, fmt: str) -> None:
    _hostile_project(tmp_path, b"base-\x1b[2J\x1b]0;pwned\x07\nid")
    result = run_cli("check", "p", "--format", fmt, "--color", "never", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "base-\\x1b[2J\\x1b]0;pwned\\x07\\nid/outputs.tf" in result.stdout
