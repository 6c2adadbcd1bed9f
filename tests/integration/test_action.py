"""action.yml: the composite action's `run:` steps executed by bash as the runner would run them.

The runner is simulated: expressions in `env:` are substituted (`inputs.*`, `github.action_path`),
GITHUB_WORKSPACE / GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STEP_SUMMARY / RUNNER_TEMP point into tmp,
and each script runs with `bash --noprofile --norc -eo pipefail`, GitHub's shell for `shell: bash`.

Installing: most tests do not run the install step (it pip-installs the action's checkout from
PyPI); they give the check step what the install step leaves in GITHUB_ENV, MFA_GUARD_BIN, pointing
at the entry point of the venv running the tests. One test runs the install step for real.

`actions/cache/restore` and `actions/cache/save` are simulated with a directory of saved entries:
an exact key, else the newest entry whose key starts with a restore key; an existing key is never
overwritten. `if:` conditions are evaluated as GitHub does for the forms the action uses (without a
status function a step runs only while no earlier step failed).
"""

from __future__ import annotations

import json
import re
import shutil
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


def _condition(step: dict[str, Any], inputs: dict[str, str], outputs: dict[str, str], failed: bool) -> bool:
    text = str(step.get("if", "")).strip()
    text = text[3:-2].strip() if text.startswith("${{") and text.endswith("}}") else text
    status_checked = False
    for term in filter(None, (t.strip() for t in text.split("&&"))):
        if term in ("!cancelled()", "always()"):
            status_checked = True
            continue
        match = re.fullmatch(r"([\w.-]+) (==|!=) '([^']*)'", term)
        if match is None:
            raise AssertionError(f"the simulated runner does not know the condition {term!r}")
        equal = _value(match.group(1), inputs, outputs, "") == match.group(3)
        if equal != (match.group(2) == "=="):
            return False
    return status_checked or not failed


def _value(expression: str, inputs: dict[str, str], outputs: dict[str, str], sha: str) -> str:
    if expression.startswith("inputs."):
        name = expression[len("inputs.") :]
        return inputs.get(name, str(ACTION["inputs"][name].get("default", "")))
    if expression.startswith("steps.") and ".outputs." in expression:
        return outputs.get(expression.rsplit(".", 1)[-1], "")
    if expression == "github.sha" and sha:
        return sha
    raise AssertionError(f"the simulated runner does not know ${{{{ {expression} }}}}")


def _actions_cache(
    step: dict[str, Any], store: Path, inputs: dict[str, str], outputs: dict[str, str], sha: str
) -> None:
    given = {
        k: EXPRESSION.sub(lambda m: _value(m.group(1), inputs, outputs, sha), str(v)) for k, v in step["with"].items()
    }
    path, key = Path(given["path"]), given["key"]
    store.mkdir(parents=True, exist_ok=True)
    if step["uses"] == "actions/cache/restore@v4":
        prefixes = [k for k in given.get("restore-keys", "").splitlines() if k]
        newest = sorted(store.iterdir(), key=lambda entry: entry.stat().st_mtime_ns, reverse=True)
        found = store / key if (store / key).is_dir() else None
        found = found or next((e for p in prefixes for e in newest if e.name.startswith(p)), None)
        if found is not None:
            shutil.copytree(found, path, dirs_exist_ok=True)
        return {"cache-hit": "true" if found is not None and found.name == key else "false"}
    if step["uses"] == "actions/cache/save@v4":
        if not (store / key).exists() and path.is_dir():
            shutil.copytree(path, store / key)
        return {}
    raise AssertionError(f"the simulated runner does not know {step['uses']}")


def run_action(
    workspace: Path,
    tmp: Path,
    inputs: dict[str, str],
    *,
    install: bool = False,
    action_path: Path = REPO,
    environ: dict[str, str] | None = None,
    sha: str = "",
    cache_store: Path | None = None,
) -> Run:
    """`sha` and `cache_store` (the saved actions/cache entries): give both to run the cache steps."""
    runner = tmp / "runner"
    runner.mkdir(parents=True, exist_ok=True)
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
        "RUNNER_OS": "Linux",
    }
    if not install:
        base_env["MFA_GUARD_BIN"] = str(LOCAL_BIN)  # what the install step writes to GITHUB_ENV
    stdout, stderr, code = "", "", 0
    action_outputs: dict[str, str] = {}  # outputs of the `uses:` steps
    for step in STEPS:
        outputs = {**_key_values(files["output"]), **action_outputs}
        if not _condition(step, inputs, outputs, failed=code != 0):
            continue
        if "uses" in step:
            if cache_store is not None:
                action_outputs.update(_actions_cache(step, cache_store, inputs, outputs, sha))
            continue
        if step["id"] == "install" and not install:
            continue
        step_env = {k: _substitute(str(v), inputs, action_path) for k, v in (step.get("env") or {}).items()}
        env = {**base_env, **_key_values(files["env"]), **step_env}
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=workspace, env=env, capture_output=True, text=True, check=False, timeout=900,
        )  # fmt: skip
        stdout, stderr = stdout + result.stdout, stderr + result.stderr
        code = code or result.returncode  # a failing step fails the action; only `if: !cancelled()` ones still run
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


# --- the cache between runs ----------------------------------------------------------------------


def cache_key_prefix() -> str:
    version = subprocess.run([str(LOCAL_BIN), "--version"], capture_output=True, text=True, check=True).stdout
    return f"mfa-guard-{version.split()[-1]}-Linux-"


def test_cache_is_keyed_by_tool_version_and_runner_os() -> None:
    restore, save = (s for s in STEPS if str(s.get("uses", "")).startswith("actions/cache/"))
    assert restore["uses"] == "actions/cache/restore@v4" and save["uses"] == "actions/cache/save@v4"
    assert restore["with"]["key"] == save["with"]["key"] == "${{ steps.cache-dir.outputs.cache-key }}-${{ github.sha }}"
    assert restore["with"]["restore-keys"] == "${{ steps.cache-dir.outputs.cache-key }}-"
    assert "!cancelled()" in save["if"]  # saved after a failing check too


def test_the_cache_is_saved_after_a_failing_check_and_restored_by_the_next_run(tmp_path: Path) -> None:
    workspace = workspace_with(tmp_path, build_env=EXPORT)
    store = tmp_path / "actions-cache"
    inputs = {"path": "infra", "args": "--select ENV -v"}
    first = run_action(workspace, tmp_path / "run1", inputs, sha="a" * 40, cache_store=store)
    assert first.exit_code == 1, first.stderr
    assert [e.name for e in store.iterdir()] == [cache_key_prefix() + "a" * 40]
    saved = sorted(p.relative_to(store / (cache_key_prefix() + "a" * 40)) for p in store.rglob("*") if p.is_file())
    assert saved, "mfa-guard's caches were saved"
    assert "results cache" not in first.stderr

    # A new runner (empty RUNNER_TEMP) for the next commit: the newest entry is restored.
    second = run_action(workspace, tmp_path / "run2", inputs, sha="b" * 40, cache_store=store)
    assert second.exit_code == 1, second.stderr
    assert "results cache: every input unchanged" in second.stderr
    assert second.env["MFA_GUARD_CACHE_DIR"] == str(tmp_path / "run2" / "runner" / "mfa-guard-cache")
    assert sorted(e.name for e in store.iterdir()) == [cache_key_prefix() + c * 40 for c in "ab"]

    # The same commit again: an exact hit, so nothing new is saved.
    (store / (cache_key_prefix() + "b" * 40) / "marker").write_text("kept", encoding="utf-8")
    third = run_action(workspace, tmp_path / "run3", inputs, sha="b" * 40, cache_store=store)
    assert third.exit_code == 1
    assert (tmp_path / "run3" / "runner" / "mfa-guard-cache" / "marker").read_text(encoding="utf-8") == "kept"
    assert len(list(store.iterdir())) == 2


def test_cache_false_neither_restores_nor_saves(tmp_path: Path) -> None:
    workspace = workspace_with(tmp_path)
    store = tmp_path / "actions-cache"
    (store / (cache_key_prefix() + "0" * 40)).mkdir(parents=True)
    (store / (cache_key_prefix() + "0" * 40) / "marker").write_text("old", encoding="utf-8")
    run = run_action(workspace, tmp_path, {"path": "infra", "cache": "false"}, sha="c" * 40, cache_store=store)
    assert run.exit_code == 0, run.stderr
    assert [e.name for e in store.iterdir()] == [cache_key_prefix() + "0" * 40]
    assert not (tmp_path / "runner" / "mfa-guard-cache" / "marker").exists()
