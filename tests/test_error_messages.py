"""Config errors suggest the key or value meant; validate-rules reports every error of a file."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli
from tests.fixture_tree import materialise


def test_config_errors_say_did_you_mean(tmp_path: Path) -> None:
    root = materialise("p1", tmp_path / "p")
    config = root / ".mfa-guard.yaml"
    config.write_text("fail-on: warning\n", encoding="utf-8")
    result = run_cli("check", str(root))
    assert result.returncode == 2
    assert "$.fail-on: unknown key (did you mean 'fail_on'?)" in result.stderr
    config.write_text("fail_on: warnings\n", encoding="utf-8")
    result = run_cli("check", str(root))
    assert "got 'warnings' (did you mean 'warning'?)" in result.stderr


def test_validate_rules_reports_every_error_of_a_file(tmp_path: Path) -> None:
    rules = tmp_path / "team.yaml"
    rules.write_text(
        "rules:\n"
        "  - {id: TEAM1, name: Bad Name, severity: loud, summary: x, why: y, target: z, fix: safe,"
        " check: attribute_must_equal}\n"
        "  - {id: TEAM002, name: ok, severity: error}\n",
        encoding="utf-8",
    )
    result = run_cli("validate-rules", str(rules))
    assert result.returncode == 2
    lines = [line.removeprefix("mfa-guard: error: ") for line in result.stderr.splitlines()]
    located = [line.split(": ", 2)[1] for line in lines if line.startswith(str(rules))]
    assert {"$.rules[0].id", "$.rules[0].name", "$.rules[0].severity", "$.rules[1]"} <= set(located)
