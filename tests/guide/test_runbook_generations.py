"""The runbook follows the project's Leverage CLI generation (issue 12, leverage-cli-3.md §2.7, §5):
on 3.x `credentials configure` takes --fetch-mfa-device from the first run and the management
layers run with an empty MFA_ENABLED= until the switch; 2.x keeps its order; unknown says how 3.x
differs."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from mfa_guard.analysis import analyse
from mfa_guard.checks.transition import remaining_steps
from mfa_guard.fix.render import plan_json, render_plan
from mfa_guard.guide import commands
from mfa_guard.guide.facts import UNKNOWN_ORDER_NOTE
from mfa_guard.guide.runbook import Plan, build_plan
from mfa_guard.prepare import Options
from tests.fix.conftest import Runner, snapshot
from tests.guide.walk_project import BACKEND, ORDER, guide_project, record, require_mfa, set_mfa

IMAGE_TAG = "TERRAFORM_IMAGE_TAG=1.6.0-0.2.0\n"
FETCH_FIRST = "leverage credentials configure --type MANAGEMENT --fetch-mfa-device`"
EMPTY_FLAG = commands.empty_mfa_flag_in("root")


def _generation(root: Path, marker: str) -> Path:
    env = root / "build.env"
    env.write_text(env.read_text(encoding="utf-8").replace(IMAGE_TAG, marker), encoding="utf-8")
    return root


def _plan(root: Path, target: str = "p1") -> Plan:
    return build_plan(analyse(Options(path=root, no_cache=True, target_phase=target)).project, target)


def test_3x_order(tmp_path: Path) -> None:
    root = _generation(guide_project(tmp_path / "p0"), "TF_BINARY=~/bin/tofu\n")
    plan = _plan(root, "p2")
    titles = [step.title for step in plan.steps]
    commands_run = [step.command for step in plan.steps]
    assert FETCH_FIRST in titles[0]  # the first configure already fetches the MFA device
    assert "--type SECURITY --fetch-mfa-device`" in next(t for t in titles if "security IAM user" in t)
    assert commands_run[1] == EMPTY_FLAG and plan.steps[1].status == "todo" and plan.steps[1].blocking
    assert not any("fetch the MFA device" in title for title in titles)  # no later fetch step on 3.x
    assert plan.note is None
    switch = next(step for step in plan.steps if step.check == "bootstrap_after_mfa")
    assert [edit.path for edit in switch.edits] == [BACKEND.format("root")]  # root `false` is on for 3.x
    (root / "root" / "build.env").write_text("MFA_ENABLED=\n", encoding="utf-8")
    assert _plan(root).steps[1].status == "done"


def test_2x_order_is_unchanged(tmp_path: Path) -> None:
    root = guide_project(tmp_path / "p0")
    plan = _plan(root, "p2")
    titles = [step.title for step in plan.steps]
    assert titles[0].endswith("then `leverage credentials configure --type MANAGEMENT`")
    assert "fetch the MFA device into the role profiles" in titles
    assert "fetch the MFA device into the DevOps profiles" in titles
    assert all(step.command != EMPTY_FLAG for step in plan.steps)
    assert plan.note is None and "Note:" not in render_plan(plan)


def test_unknown_generation_says_how_3x_differs(tmp_path: Path, cli: Runner) -> None:
    root = _generation(guide_project(tmp_path / "p0"), "")
    plan = _plan(root)
    assert plan.note == UNKNOWN_ORDER_NOTE
    assert f"Note: {UNKNOWN_ORDER_NOTE}." in render_plan(plan)
    assert plan_json(plan)["note"] == UNKNOWN_ORDER_NOTE
    _code, out, _ = cli("status", str(root), "--format", "plain")
    assert f"note: {UNKNOWN_ORDER_NOTE}" in out and "Leverage CLI: unknown" in out


def test_fix_walks_the_3x_order(tmp_path: Path, cli: Runner) -> None:
    root = _generation(guide_project(tmp_path / "p0"), "TF_BINARY=~/bin/tofu\n")
    set_mfa(root, "true")  # the same as `false` to 3.x, and ENV002 leaves it alone
    record(root, "--confirm", "management-mfa")
    before = snapshot(root)
    cli("fix", str(root), "--to", "p1", "--guarded")
    roles = "root/global/base-identities/roles.tf"
    assert snapshot(root)[roles] == before[roles]  # step 2 first: the management layers' empty MFA_ENABLED=
    _code, out, _ = cli("plan", str(root), "--to", "p1")
    assert f"Next step needs a person: step 2: `{EMPTY_FLAG}`" in out
    (root / "root" / "build.env").write_text("# bootstrap phase\nMFA_ENABLED=\n", encoding="utf-8")
    cli("fix", str(root), "--to", "p1", "--guarded")
    assert snapshot(root)[roles] != before[roles]  # now the management OAAR edit, step 3
    for account in ORDER:
        if account != "root":
            require_mfa(root, account)
        record(root, "--applied", account)
    switch = next(step for step in _plan(root).steps if step.check == "bootstrap_after_mfa")
    # the switch takes the management layers' empty flag away in the same commit; the root's
    # value already turns the 3.x MFA step on, so the switch does not touch it
    assert sorted(edit.path for edit in switch.edits) == ["root/build.env", BACKEND.format("root")]
    cli("fix", str(root), "--to", "p1", "--guarded")
    assert b'profile = "me-root-oaar"' in (root / BACKEND.format("root")).read_bytes()
    assert (root / "root" / "build.env").read_text(encoding="utf-8") == "# bootstrap phase\n"


def test_a_written_management_flag_is_emptied_not_appended_to(tmp_path: Path, cli: Runner) -> None:
    """`MFA_ENABLED=false` in root/build.env: an appended `MFA_ENABLED=` would not override it
    (yaenv keeps the earlier, non-empty value), so the step is an edit of that line, which
    `fix --to` writes, and MFA006 says the same."""
    root = _generation(guide_project(tmp_path / "p0"), "TF_BINARY=~/bin/tofu\n")
    env = root / "root" / "build.env"
    env.write_text("# bootstrap phase\nMFA_ENABLED=false\n", encoding="utf-8")
    step = _plan(root).steps[1]
    assert (step.kind, step.status, step.command, [e.path for e in step.edits]) == (
        "edit",
        "todo",
        None,
        ["root/build.env"],
    )
    _code, out, _ = cli("check", str(root), "--format", "json", "--exit-zero")
    companion = next(f["companion"] for f in json.loads(out)["findings"] if f["rule"] == "MFA006")
    assert companion == [commands.empty_mfa_flag_in("root", 2)] and "line 2 of root/build.env" in companion[0]
    record(root, "--confirm", "management-mfa")
    cli("fix", str(root), "--to", "p1", "--guarded")
    assert env.read_text(encoding="utf-8") == "# bootstrap phase\nMFA_ENABLED=\n"
    assert _plan(root).steps[1].status == "done"


@pytest.mark.parametrize("name", ["$(touch pwned)", "a`id`b", "with space", "it's"])
def test_the_empty_flag_command_is_shell_quoted(name: str) -> None:
    words = shlex.split(commands.empty_mfa_flag_in(name))
    assert words[-1] == f"{name}/build.env" and words[-2] == ">>"


def test_mfa005_lists_the_3x_order(tmp_path: Path) -> None:
    root = _generation(guide_project(tmp_path / "p0"), "TF_BINARY=~/bin/tofu\n")
    require_mfa(root, "security")  # out of the guide's order: MFA005 lists what remains
    project = analyse(Options(path=root, no_cache=True)).project
    steps, _files = remaining_steps(project)
    assert steps[0].startswith("`leverage credentials configure --type MANAGEMENT --fetch-mfa-device")
    assert EMPTY_FLAG in steps[1]
    assert "remove the empty MFA_ENABLED= from root/build.env" in next(s for s in steps if "me-root-oaar" in s)
    assert not any("set MFA_ENABLED=true" in s for s in steps)  # `false` is on for 3.x
    two = analyse(Options(path=guide_project(tmp_path / "two"), no_cache=True)).project
    require_mfa(two.root, "security")
    steps_2x, _ = remaining_steps(analyse(Options(path=two.root, no_cache=True)).project)
    assert steps_2x[-2].startswith("`leverage credentials configure --type MANAGEMENT --fetch-mfa-device")
    assert any("set MFA_ENABLED=true" in s for s in steps_2x)
