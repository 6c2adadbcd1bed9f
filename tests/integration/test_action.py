"""action.yml: the composite action's `run:` steps executed by bash as the runner would run them.

The runner is simulated: expressions in `env:` are substituted (`inputs.*`, `github.action_path`),
GITHUB_WORKSPACE / GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STEP_SUMMARY / RUNNER_TEMP point into tmp,
and each script runs with `bash --noprofile --norc -eo pipefail`, GitHub's shell for `shell: bash`.

Installing: most tests do not run the install step (it pip-installs the action's checkout from
PyPI); they give the check step what the install step leaves in GITHUB_ENV, MFA_GUARD_BIN, pointing
at the entry point of the venv running the tests. One test runs the install step for real.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO
from tests.fixture_tree import materialise
from tests.integration.conftest import tool_env

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")
LOCAL_BIN = Path(sys.executable).parent / "mfa-guard"


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    outputs: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    summary: str = ""


def _key_values(path: Path) -> dict[str, str]:
    """Parse GITHUB_OUTPUT / GITHUB_ENV: `key=value` lines and `key<<DELIMITER` blocks."""
    values: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines()) if path.exists() else iter(())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            block = []
            for inner in lines:
                if inner == delimiter:
                    break
                block.append(inner)
            values[key] = "\n".join(block)
        elif "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
    return values


def _substitute(value: str, inputs: dict[str, str], action_path: Path) -> str:
    def resolve(match: re.Match[str]) -> str:
        expression = match.group(1)
        if expression == "github.action_path":
            return str(action_path)
        if expression.startswith("inputs."):
            name = expression[len("inputs.") :]
            return inputs.get(name, str(ACTION["inputs"][name].get("default", "")))
        raise AssertionError(f"the simulated runner does not know ${{{{ {expression} }}}}")

    return EXPRESSION.sub(resolve, value)


def run_action(
    workspace: Path,
    tmp: Path,
    inputs: dict[str, str],
    *,
    install: bool = False,
    action_path: Path = REPO,
    environ: dict[str, str] | None = None,
) -> Run:
    runner = tmp / "runner"
    runner.mkdir(exist_ok=True)
    files = {name: runner / name for name in ("output", "env", "path", "summary.md")}
    base_env = {
        **(environ or tool_env(tmp / "home")),
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_OUTPUT": str(files["output"]),
        "GITHUB_ENV": str(files["env"]),
        "GITHUB_PATH": str(files["path"]),
        "GITHUB_STEP_SUMMARY": str(files["summary.md"]),
        "GITHUB_ACTION_PATH": str(action_path),
        "RUNNER_TEMP": str(runner),
    }
    if not install:
        base_env["MFA_GUARD_BIN"] = str(LOCAL_BIN)  # what the install step writes to GITHUB_ENV
    stdout, stderr, code = "", "", 0
    for step in STEPS:
        if "run" not in step or (step["id"] == "install" and not install):
            continue
        step_env = {k: _substitute(str(v), inputs, action_path) for k, v in (step.get("env") or {}).items()}
        env = {**base_env, **_key_values(files["env"]), **step_env}
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=workspace, env=env, capture_output=True, text=True, check=False, timeout=900,
        )  # fmt: skip
        stdout, stderr, code = stdout + result.stdout, stderr + result.stderr, result.returncode
        if code != 0:
            break  # a failing step fails the composite action; later steps do not run
    outputs = {
        name: _substitute_outputs(spec["value"], _key_values(files["output"]))
        for name, spec in ACTION["outputs"].items()
    }
    summary = files["summary.md"].read_text(encoding="utf-8") if files["summary.md"].exists() else ""
    return Run(code, stdout, stderr, outputs, _key_values(files["env"]), summary)


def _substitute_outputs(value: str, step_outputs: dict[str, str]) -> str:
    # Every step writes distinct output names, so `steps.<id>.outputs.<name>` resolves by name.
    return EXPRESSION.sub(lambda m: step_outputs.get(m.group(1).rsplit(".", 1)[-1], ""), value)


def workspace_with(tmp_path: Path, base: str = "p1", build_env: tuple[str, str] | None = None) -> Path:
    workspace = tmp_path / "workspace"
    root = materialise(base, workspace / "infra")
    if build_env:
        env = root / "build.env"
        env.write_text(env.read_text(encoding="utf-8").replace(*build_env), encoding="utf-8")
    return workspace


EXPORT = ("MFA_ENABLED=true", "export MFA_ENABLED=true")
DUPLICATE = ("MFA_ENABLED=true", "MFA_ENABLED=true\nMFA_ENABLED=true")


# --- the action's definition --------------------------------------------------------------------


def test_is_a_composite_action_with_the_documented_interface() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert {"path", "fail-on", "sarif-file", "args"} <= set(ACTION["inputs"])
    assert ACTION["inputs"]["fail-on"]["default"] == ""  # the config's fail_on, else warning
    assert ACTION["outputs"]["sarif-file"]["value"] == "${{ steps.check.outputs.sarif-file }}"


@pytest.mark.parametrize("step", [s for s in STEPS if "run" in s], ids=lambda s: s["id"])
def test_run_scripts_hold_no_expressions(step: dict[str, Any]) -> None:
    # An expression inside `run:` is pasted into the script before bash sees it: shell injection.
    assert "${{" not in step["run"]
    assert step["shell"] == "bash"
    for value in (step.get("env") or {}).values():
        for expression in EXPRESSION.findall(str(value)):
            assert expression == "github.action_path" or expression.removeprefix("inputs.") in ACTION["inputs"]
    syntax = subprocess.run(["bash", "-n", "-c", step["run"]], capture_output=True, text=True, check=False)
    assert syntax.returncode == 0, syntax.stderr


def test_installs_from_its_own_checkout() -> None:
    (install,) = [s for s in STEPS if s.get("id") == "install"]
    assert install["env"]["MFA_GUARD_ACTION_PATH"] == "${{ github.action_path }}"
    assert '-m pip install --quiet --disable-pip-version-check "$MFA_GUARD_ACTION_PATH"' in install["run"]


# --- running it ----------------------------------------------------------------------------------


def test_findings_fail_the_job_with_annotations_sarif_and_summary(tmp_path: Path) -> None:
    workspace = workspace_with(tmp_path, build_env=EXPORT)
    run = run_action(workspace, tmp_path, {"path": "infra", "args": "--select ENV"})
    assert run.exit_code == 1, run.stderr
    assert run.outputs == {"sarif-file": str(tmp_path / "runner" / "mfa-guard.sarif"), "exit-code": "1"}
    assert run.stdout.startswith("::error file=infra/build.env,line=5,col=1,endLine=5,endColumn=8,title=ENV001 ")
    sarif = json.loads(Path(run.outputs["sarif-file"]).read_text(encoding="utf-8"))
    (result,) = sarif["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "infra/build.env"
    assert run.summary.startswith("### mfa-guard: 1 error\n")
    assert "<details><summary><b>ENV001</b> env-export-prefix: 1 error</summary>" in run.summary  # grouped by rule
    assert "`infra/build.env:5` (safe fix)" in run.summary


def test_clean_project_passes(tmp_path: Path) -> None:
    run = run_action(workspace_with(tmp_path), tmp_path, {"path": "infra"})
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.outputs["exit-code"] == "0"
    assert run.stdout == "mfa-guard: No findings.\n"
    assert run.summary.startswith("### mfa-guard: no findings")
    assert json.loads(Path(run.outputs["sarif-file"]).read_text(encoding="utf-8"))["runs"][0]["results"] == []


def test_fail_on_error_lets_warnings_pass(tmp_path: Path) -> None:
    workspace = workspace_with(tmp_path, build_env=DUPLICATE)
    run = run_action(workspace, tmp_path, {"path": "infra", "fail-on": "error", "args": "--select ENV"})
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith("::warning file=infra/build.env,line=5,")


def test_sarif_file_input_is_relative_to_the_workspace(tmp_path: Path) -> None:
    workspace = workspace_with(tmp_path)
    run = run_action(workspace, tmp_path, {"path": "infra", "sarif-file": "reports/mfa-guard.sarif"})
    assert run.outputs["sarif-file"] == "reports/mfa-guard.sarif"
    assert run.exit_code == 2  # the directory does not exist: a usage error, reported as such
    (workspace / "reports").mkdir()
    run = run_action(workspace, tmp_path, {"path": "infra", "sarif-file": "reports/mfa-guard.sarif"})
    assert run.exit_code == 0, run.stderr
    assert (workspace / "reports" / "mfa-guard.sarif").is_file()


def test_inputs_are_data_not_shell_code(tmp_path: Path) -> None:
    workspace = workspace_with(tmp_path)
    hostile = {"path": "$(touch pwned-path)", "args": "--select ENV;touch pwned-args `touch pwned-tick`"}
    run = run_action(workspace, tmp_path, hostile)
    assert run.exit_code == 2, run.stdout + run.stderr
    assert run.outputs["exit-code"] == "2"
    assert not list(workspace.glob("pwned*"))


def test_a_path_is_never_an_option(tmp_path: Path) -> None:
    run = run_action(workspace_with(tmp_path, build_env=EXPORT), tmp_path, {"path": "--exit-zero"})
    assert run.exit_code == 2, run.stdout + run.stderr  # no directory called `--exit-zero`


def test_not_a_leverage_project_is_an_error(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    run = run_action(workspace, tmp_path, {})
    assert run.exit_code == 2
    assert "mfa-guard: error:" in run.stderr


def test_install_step_for_real(tmp_path: Path, tools: tuple[Path, dict[str, str]]) -> None:
    """Creates a venv and pip-installs a snapshot of this checkout (needs PyPI, like pre-commit's tests)."""
    action_path, environ = tools
    workspace = workspace_with(tmp_path, build_env=EXPORT)
    inputs = {"path": "infra", "args": "--select ENV"}
    run = run_action(workspace, tmp_path, inputs, install=True, action_path=action_path, environ=environ)
    assert run.env["MFA_GUARD_BIN"].startswith(str(tmp_path / "runner" / "mfa-guard-venv")), run.stderr
    assert run.exit_code == 1, run.stdout + run.stderr
    assert "mfa-guard 0." in run.stdout  # the install step prints the installed version
    assert "::error file=infra/build.env,line=5," in run.stdout
