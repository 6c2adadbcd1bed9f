"""The guide walked commit by commit on a project whose account names do not sort in the guide's
order (`root` is management, then security, shared, apps-devstg): on the path `check` passes with
one progress note whose step numbers are the plan's; off the path it fails."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.fix.conftest import Runner
from tests.guide.walk_project import OFF_PATH, ORDER, WALK, guide_project


def plan_of(cli: Runner, root: Path, target: str) -> dict[str, object]:
    code, out, err = cli("plan", str(root), "--to", target, "--format", "json")
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


def test_every_state_on_the_path_passes_with_the_plans_numbers(cli: Runner, tmp_path: Path) -> None:
    root = guide_project(tmp_path / "walk")
    notes = 0
    for label, step in WALK:
        step(root)
        code, out, _ = cli("check", str(root), "--format", "json")
        findings = json.loads(out)["findings"]
        assert code == 0, (label, [f["message"][:200] for f in findings])
        assert all(f["severity"] == "note" for f in findings), label
        progress = [f for f in findings if f["rule"] == "MFA005"]
        if not progress:
            continue
        notes += 1
        (note,) = progress
        match = re.search(r"step (\d+) of (\d+)", note["message"])
        assert match, note["message"]
        target = "p2" if "P2 in progress" in note["message"] else "p1"
        data = plan_of(cli, root, target)
        steps = data["steps"]
        assert isinstance(steps, list)
        assert (int(match.group(1)), int(match.group(2))) == (data["next_step"], len(steps)), label
    assert notes >= len(ORDER) * 2 + 1  # every state between P0, P1 and P2 says where it stands


def test_the_first_note_names_the_management_apply(cli: Runner, tmp_path: Path) -> None:
    root = guide_project(tmp_path / "walk")
    for _label, step in WALK[:3]:
        step(root)
    _, out, _ = cli("check", str(root), "--format", "plain")
    assert "P1 in progress: 1 of 4 OrganizationAccountAccessRoles require MFA" in out
    assert "next: `cd root/global/base-identities && leverage tf apply`, step 3 of 12" in out


@pytest.mark.parametrize("label", [label for label, _ in OFF_PATH])
def test_every_state_off_the_path_fails(label: str, cli: Runner, tmp_path: Path) -> None:
    root = guide_project(tmp_path / "off")
    dict(OFF_PATH)[label](root)
    code, out, _ = cli("check", str(root), "--format", "json")
    findings = json.loads(out)["findings"]
    assert code == 1, (label, [f["message"][:160] for f in findings])
    assert any(f["severity"] in ("warning", "error") for f in findings)


def test_a_demanded_target_phase_still_fails_on_the_path(cli: Runner, tmp_path: Path) -> None:
    root = guide_project(tmp_path / "walk")
    for _label, step in WALK[:3]:
        step(root)
    assert cli("check", str(root))[0] == 0
    code, out, _ = cli("check", str(root), "--target-phase", "p1", "--format", "json")
    assert code == 1
    rules = {f["rule"] for f in json.loads(out)["findings"]}
    assert {"ROL001", "PRF004"} <= rules
