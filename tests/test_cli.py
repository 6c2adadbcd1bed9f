"""The command line through its real entry point (`python -m mfa_guard`): exit codes and outputs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable

import pytest

from mfa_guard import __version__
from mfa_guard.rules import builtin_rules_dir, find_rule, load_rules
from tests.conftest import REPO, run_cli

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def edit(root: Path, relpath: str, old: str, new: str) -> None:
    path = root / relpath
    text = path.read_text(encoding="utf-8")
    assert old in text, (relpath, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def two_findings(project: Callable[[str], Path]) -> Path:
    """P1 with `export PROJECT` (ENV001, error) and a duplicate MFA_ENABLED (ENV003, warning)."""
    root = project("p1")
    edit(root, "build.env", "PROJECT=me", "export PROJECT=me")
    edit(root, "build.env", "MFA_ENABLED=true", "MFA_ENABLED=true\nMFA_ENABLED=true")
    return root


@pytest.fixture
def warning_only(project: Callable[[str], Path]) -> Path:
    root = project("p1")
    edit(root, "build.env", "MFA_ENABLED=true", "MFA_ENABLED=true\nMFA_ENABLED=true")
    return root


@pytest.fixture
def note_only(project: Callable[[str], Path]) -> Path:
    """P0 without MFA_ENABLED: ENV004 is only a note before phase P1."""
    root = project("p0")
    edit(root, "build.env", "MFA_ENABLED=false\n", "")
    return root


def expected_line(rule_id: str, location: str, what: str) -> str:
    rule = find_rule(load_rules(), rule_id)
    assert rule is not None
    return f"{location}: {rule.id} [{rule.name}] {what}\n"  # the rule's why and target are not repeated


# --- exit codes ------------------------------------------------------------------------------


def test_clean_project_exits_0(project: Callable[[str], Path]) -> None:
    root = project("p1")
    result = run_cli("check", ".", cwd=root)
    header = "mfa-guard: project ., short name me, IAM mode, phase p1, Leverage CLI 2.x (TERRAFORM_IMAGE_TAG in build.env line 8)\n"
    assert (result.returncode, result.stdout, result.stderr) == (0, header + "No findings.\n", "")


@pytest.mark.parametrize(
    ("fixture", "options", "code"),
    [
        ("warning_only", [], 1),  # default --fail-on warning
        ("warning_only", ["--fail-on", "error"], 0),
        ("warning_only", ["--fail-on", "note"], 1),
        ("note_only", [], 0),
        ("note_only", ["--fail-on", "note"], 1),
        ("two_findings", ["--fail-on", "error"], 1),
        ("two_findings", ["--exit-zero"], 0),
        ("two_findings", ["--exit-zero", "--fail-on", "note"], 0),
        ("two_findings", ["--ignore", "ENV"], 0),
        ("two_findings", ["--select", "env-export-prefix", "--fail-on", "error"], 1),
        ("two_findings", ["--select", "ENV003", "--fail-on", "error"], 0),
    ],
)
def test_exit_codes(request: pytest.FixtureRequest, fixture: str, options: list[str], code: int) -> None:
    root: Path = request.getfixturevalue(fixture)
    result = run_cli("check", str(root), "--format", "plain", *options)
    assert result.returncode == code, result.stdout + result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("arguments", "stderr"),
    [
        (["check", "--format", "xml"], "argument --format: invalid choice: 'xml'"),
        (["check", "--fail-on", "fatal"], "argument --fail-on: invalid choice: 'fatal'"),
        (["check", "--no-such-option"], "unrecognized arguments: --no-such-option"),
        (["check", "--select", "NOPE"], "mfa-guard: error: select: 'NOPE' matches no rule (see `mfa-guard rules`)"),
        (["check", "--ignore", "ENV999"], "mfa-guard: error: ignore: 'ENV999' matches no rule"),
        (["check", "--report", "json"], "mfa-guard: error: --report 'json': expected FORMAT:FILE"),
        (["no-such-command"], "invalid choice: 'no-such-command'"),
        ([], "usage: mfa-guard"),
        (["explain", "NOPE001"], "mfa-guard: error: no rule 'NOPE001' (see `mfa-guard rules`)"),
    ],
)
def test_usage_errors_exit_2(project: Callable[[str], Path], arguments: list[str], stderr: str) -> None:
    result = run_cli(*arguments, cwd=project("p1"))
    assert result.returncode == 2
    assert stderr in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_not_a_leverage_project_exits_2(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "README.md").write_text("not leverage\n", encoding="utf-8")
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr == (
        f"mfa-guard: error: {tmp_path}: not inside a Leverage project: no build.env, project.yaml "
        f"or config/common.tfvars found (searched up to {tmp_path})\n"
    )


# --- report formats --------------------------------------------------------------------------


def test_plain_output_is_exact(two_findings: Path) -> None:
    result = run_cli("check", ".", "--format", "plain", "--color", "always", cwd=two_findings)
    assert result.returncode == 1
    assert result.stdout == expected_line("ENV001", "build.env:2:1", "`export PROJECT=...` in build.env") + (
        expected_line(
            "ENV003",
            "build.env:5:1",
            "MFA_ENABLED is set again on line 6, which wins (MFA_ENABLED is assigned on lines 5 and 6)",
        )
    )


def _shape(value: Any) -> Any:
    """Keys (in order) and value kinds, the same for every instance of the report."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "string-or-null"


def readme_json_example() -> Any:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## JSON report", 1)[1]
    match = re.search(r"```json\n(.*?)\n```", section, re.S)
    assert match is not None, "README lost its JSON report example"
    return json.loads(match.group(1))


def test_json_report_has_exactly_the_shape_the_readme_documents(two_findings: Path) -> None:
    result = run_cli("check", ".", "--format", "json", "--color", "always", cwd=two_findings)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    documented = readme_json_example()
    documented["findings"][0]["detail"] = None  # the README shows one finding with a detail; ENV001 has none
    documented["findings"][0]["plan_step"] = None
    documented["findings"][0]["companion_text"] = None
    documented["findings"][0]["companion"] = []
    assert _shape(report) == _shape(documented)
    assert report["version"] == 2
    assert report["tool"] == {"name": "mfa-guard", "version": __version__}
    assert report["project"]["root"] == str(two_findings)
    assert (report["project"]["short_name"], report["project"]["mode"]) == ("me", "iam")
    assert [(f["rule"], f["path"], f["line"], f["column"]) for f in report["findings"]] == [
        ("ENV001", "build.env", 2, 1),
        ("ENV003", "build.env", 5, 1),
    ]
    fix = report["findings"][0]["fix"]
    assert (fix["applicability"], fix["description"], fix["waits_on"]) == ("safe", "drop `export` before PROJECT", None)
    assert report["summary"] == {"total": 2, "error": 1, "warning": 1, "note": 0, "fixable": 2, "guarded": 0}
    assert "\x1b" not in result.stdout


def test_json_report_of_a_clean_project(project: Callable[[str], Path]) -> None:
    report = json.loads(run_cli("check", str(project("p2")), "--format", "json").stdout)
    assert report["findings"] == []
    assert report["summary"] == {"total": 0, "error": 0, "warning": 0, "note": 0, "fixable": 0, "guarded": 0}
    assert report["project"]["phase"] == "p2"


def test_console_one_line_per_finding_then_each_rule_once(two_findings: Path) -> None:
    (two_findings / "shared" / "build.env").write_text("export TF_IMAGE_TAG=x\n", encoding="utf-8")
    result = run_cli("check", two_findings.name, "--select", "ENV", cwd=two_findings.parent)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    where = two_findings.name
    assert lines[0] == (
        f"mfa-guard: project {where}, short name me, IAM mode, phase p1, "
        "Leverage CLI 2.x (TERRAFORM_IMAGE_TAG in build.env line 9)"
    )
    assert lines[1] == f"{where}/build.env:2:1: ENV001 [*] `export PROJECT=...` in build.env"
    assert lines[2].startswith(f"{where}/build.env:5:1: ENV003 [*] MFA_ENABLED is set again")
    assert lines[3] == f"{where}/shared/build.env:1:1: ENV001 [*] `export TF_IMAGE_TAG=...` in shared/build.env"
    assert lines[5].startswith("ENV001 (2, error) env-export-prefix: ")
    assert lines[5].endswith("; see `mfa-guard explain ENV001`")
    assert lines[6].startswith("ENV003 (1, warning) mfa-flag-duplicate: ")
    assert lines[-1].startswith("Found 3 findings (2 errors, 1 warning). 3 fixable with `mfa-guard fix`")
    assert "\x1b" not in result.stdout


@pytest.mark.parametrize(
    ("options", "env", "coloured"),
    [
        (["--color", "always"], {}, True),
        (["--color", "always"], {"NO_COLOR": "1"}, True),  # an explicit flag beats the environment
        ([], {"NO_COLOR": "", "FORCE_COLOR": "1"}, True),
        ([], {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),  # NO_COLOR wins over FORCE_COLOR
        ([], {"NO_COLOR": ""}, False),  # not a terminal
        (["--color", "never"], {"NO_COLOR": "", "FORCE_COLOR": "1"}, False),
        (["--color", "auto"], {"NO_COLOR": "1"}, False),
    ],
)
def test_colour_only_when_asked_for(
    two_findings: Path, options: list[str], env: dict[str, str], coloured: bool
) -> None:
    result = run_cli("check", str(two_findings), *options, env=env)
    assert result.returncode == 1
    assert ("\x1b[" in result.stdout) is coloured
    if coloured:
        assert ANSI.sub("", result.stdout) == run_cli("check", str(two_findings)).stdout


def test_report_files_are_written_without_colour(two_findings: Path, tmp_path: Path) -> None:
    target = tmp_path / "out dir"
    target.mkdir()
    result = run_cli(
        "check",
        str(two_findings),
        "--color",
        "always",
        "--report",
        f"json:{target / 'r.json'}",
        "--report",
        f"console:{target / 'r.txt'}",
    )
    assert result.returncode == 1
    assert json.loads((target / "r.json").read_text(encoding="utf-8"))["summary"]["total"] == 2
    assert "\x1b" not in (target / "r.txt").read_text(encoding="utf-8")
    missing = run_cli("check", str(two_findings), "--report", f"json:{tmp_path / 'no dir' / 'r.json'}")
    assert missing.returncode == 2
    assert "cannot write: No such file or directory" in missing.stderr


# --- rules, explain, validate-rules ----------------------------------------------------------


def test_rules_lists_every_rule() -> None:
    ids = sorted(p.stem for p in builtin_rules_dir().glob("*.yaml"))
    result = run_cli("rules")
    assert result.returncode == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == ids
    rows = json.loads(run_cli("rules", "--format", "json").stdout)
    assert [row["id"] for row in rows] == ids
    assert set(rows[0]) >= {"id", "name", "severity", "fix", "summary"}


@pytest.mark.parametrize("key", ["ENV001", "env001", "env-export-prefix"])
def test_explain_by_id_or_name(key: str) -> None:
    result = run_cli("explain", key)
    assert result.returncode == 0
    assert result.stdout.startswith("# ENV001 `env-export-prefix`\n")
    assert "## Why" in result.stdout and "## Target state" in result.stdout


def test_validate_rules() -> None:
    result = run_cli("validate-rules")
    assert (result.returncode, result.stdout) == (0, f"{len(load_rules())} rules valid\n")


# --- where the project is --------------------------------------------------------------------


def root_of(result: Any) -> str:
    assert result.returncode == 0, result.stderr
    return str(json.loads(result.stdout)["project"]["root"])


def test_running_from_a_subdirectory_finds_the_project_root(project: Callable[[str], Path]) -> None:
    root = project("p1")
    layer = root / "management" / "global" / "base-identities"
    assert root_of(run_cli("check", "--format", "json", cwd=layer)) == str(root)
    assert root_of(run_cli("check", "--format", "json", cwd=root / "management")) == str(root)
    assert root_of(run_cli("check", "management/config", "--format", "json", cwd=root)) == str(root)


def test_an_account_directory_is_never_the_root(project: Callable[[str], Path], tmp_path: Path) -> None:
    """An account dir with its own build.env and project-like files is still inside the project."""
    root = project("p1")
    (root / ".git").mkdir()
    (root / "management" / "build.env").write_text("TERRAFORM_IMAGE_TAG=1.6.0-0.2.0\n", encoding="utf-8")
    (root / "management" / "project.yaml").write_text("short_name: me\n", encoding="utf-8")
    assert root_of(run_cli("check", "--format", "json", cwd=root / "management")) == str(root)
    assert root_of(run_cli("check", "--format", "json", cwd=root / "management/config")) == str(root)


def test_root_discovery_stops_at_the_git_top_level(project: Callable[[str], Path], tmp_path: Path) -> None:
    """A build.env above the repository (a home directory, a monorepo parent) is not the root."""
    outer = tmp_path / "outer"
    outer.mkdir()
    (outer / "build.env").write_text("PROJECT=xx\n", encoding="utf-8")
    root = project("p1").rename(outer / "repo")
    (root / ".git").mkdir()
    assert root_of(run_cli("check", "--format", "json", cwd=root / "shared")) == str(root)


def test_a_project_below_the_git_top_level(project: Callable[[str], Path], tmp_path: Path) -> None:
    """A monorepo: the git top holds other things, the Leverage project is one directory."""
    repo = tmp_path / "mono repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "docs").mkdir()
    root = project("p1").rename(repo / "infra")
    assert root_of(run_cli("check", "--format", "json", cwd=root / "security" / "config")) == str(root)


# --- entry points ----------------------------------------------------------------------------


def test_python_dash_m_and_version(project: Callable[[str], Path]) -> None:
    result = run_cli("--version")
    assert (result.returncode, result.stdout) == (0, f"mfa-guard {__version__}\n")
    help_result = run_cli("check", "--help")
    assert help_result.returncode == 0 and "--rules FILE" in help_result.stdout
    assert run_cli("check", cwd=project("p1")).returncode == 0


def test_the_report_says_when_common_tfvars_example_was_read(project: Callable[[str], Path]) -> None:
    root = project("p1")
    (root / "config" / "common.tfvars").rename(root / "config" / "common.tfvars.example")
    console = run_cli("check", str(root))
    assert console.returncode == 0, console.stderr
    assert "note: read config/common.tfvars.example (config/common.tfvars not found)" in console.stdout
    report = json.loads(run_cli("check", str(root), "--format", "json").stdout)
    assert report["project"]["common_tfvars"] == "config/common.tfvars.example"
    real = json.loads(run_cli("check", str(project("p2")), "--format", "json").stdout)
    assert real["project"]["common_tfvars"] == "config/common.tfvars"
