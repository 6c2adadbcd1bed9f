"""The whole guide: a P0 project taken to P1 and then P2 by `fix --to ... --guarded`, with the human
steps simulated, ending with a clean `check` and trees equal to the P1 / P2 fixtures byte for byte.

Simulating the human step: `leverage tf apply` changes nothing in the files, so the person records
it with `mfa-guard plan --applied LAYER` (the marker file keeps the digest of the OAAR code applied).
mfa-guard itself writes the roles.tf edit just before it stops at that apply.
"""

from __future__ import annotations

import json
from pathlib import Path

from mfa_guard.fix.facts import MARKER
from tests.fix.conftest import Runner, snapshot
from tests.fixture_tree import materialise

ROLES = "{}/global/base-identities/roles.tf"
LAYER = "{}/global/base-identities"


def without_marker(root: Path) -> dict[str, bytes]:
    return {path: data for path, data in snapshot(root).items() if path != MARKER}


def plan(cli: Runner, root: Path, target: str) -> dict[str, object]:
    code, out, err = cli("plan", str(root), "--to", target, "--format", "json")
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


def test_p0_to_p1_to_p2(project, cli: Runner, tmp_path: Path) -> None:
    root = project("p0")
    p1, p2 = materialise("p1", tmp_path / "p1"), materialise("p2", tmp_path / "p2")
    p0_files = snapshot(root)

    # Lock-out guard: nothing is written before the management users' MFA devices are confirmed.
    code, out, _ = cli("fix", str(root), "--to", "p1", "--guarded", "--format", "plain")
    assert "Next step needs a person: step 1:" in out and "mfa-guard plan --confirm management-mfa" in out
    assert snapshot(root) == p0_files
    assert cli("plan", str(root), "--to", "p1", "--confirm", "management-mfa")[0] == 0

    for account in ("management", "security", "shared"):
        code, out, _ = cli("fix", str(root), "--to", "p1", "--guarded", "--format", "plain")
        assert code == 0, out  # on the guide's path: progress, one note, the hook passes
        assert "Next step needs a person: step" in out and f"`cd {LAYER.format(account)} && leverage tf apply`" in out
        assert b"role_requires_mfa    = true" in (root / ROLES.format(account)).read_bytes()
        assert (root / "build.env").read_bytes() == p0_files["build.env"]  # MFA stays off until the switch
        # Running again without the apply changes nothing: it stops at the same step.
        before = snapshot(root)
        assert "Nothing to fix." in cli("fix", str(root), "--to", "p1", "--guarded", "--format", "plain")[1]
        assert snapshot(root) == before
        # The human step: `leverage tf apply` in that layer, then record it.
        assert cli("plan", str(root), "--to", "p1", "--applied", account)[0] == 0

    code, out, _ = cli("fix", str(root), "--to", "p1", "--guarded", "--format", "plain")
    assert code == 0, out
    assert "The files are at p1" in out
    assert without_marker(root) == snapshot(p1)
    assert cli("check", str(root))[0] == 0

    # P2: the security users' MFA devices first, then one member backend per run.
    code, out, _ = cli("fix", str(root), "--to", "p2", "--guarded", "--format", "plain")
    assert "mfa-guard plan --confirm security-mfa" in out and without_marker(root) == snapshot(p1)
    assert cli("plan", str(root), "--to", "p2", "--confirm", "security-mfa")[0] == 0
    code, out, _ = cli("fix", str(root), "--to", "p2", "--guarded", "--format", "plain")
    assert code == 0, out
    assert b"me-security-devops" in (root / "security/config/backend.tfvars").read_bytes()
    assert b"me-shared-oaar" in (root / "shared/config/backend.tfvars").read_bytes()  # the next run's step
    code, out, _ = cli("fix", str(root), "--to", "p2", "--guarded", "--format", "plain")
    assert code == 0, out
    assert "The files are at p2" in out
    assert without_marker(root) == snapshot(p2)
    code, out, _ = cli("check", str(root), "--format", "plain")
    assert (code, out) == (0, "")
    assert plan(cli, root, "p2")["complete"] is True


def test_fix_to_without_guarded_writes_no_plan_step(project, cli: Runner) -> None:
    root = project("p0")
    cli("plan", str(root), "--to", "p1", "--confirm", "management-mfa")
    before = snapshot(root)
    code, out, _ = cli("fix", str(root), "--to", "p1", "--format", "plain")
    assert code == 0  # P0 itself is clean: `--to` directs the plan, it does not demand the phase
    assert "Next step: step 2: set role_requires_mfa = true" in out
    assert "`mfa-guard fix --to p1 --guarded` writes it (one step per run)" in out
    assert snapshot(root) == before
    code, out, _ = cli("fix", str(root), "--to", "p1", "--target-phase", "p1", "--format", "plain")
    assert code == 1 and "guarded fix: needs --guarded" in out  # the phase demanded: ROL001's fixes
    assert snapshot(root) == before


def test_an_edited_but_unapplied_layer_is_not_done(project, cli: Runner) -> None:
    root = project("p0")
    cli("plan", str(root), "--to", "p1", "--confirm", "management-mfa")
    cli("plan", str(root), "--to", "p1", "--applied", "management")  # recorded before the edit: stale
    cli("fix", str(root), "--to", "p1", "--guarded")
    steps = plan(cli, root, "p1")["steps"]
    assert isinstance(steps, list)
    assert [(s["number"], s["kind"], s["status"]) for s in steps[1:3]] == [(2, "edit", "done"), (3, "apply", "todo")]
    assert plan(cli, root, "p1")["next_human_step"] == 3


def test_a_p1_project_shows_the_p1_steps_done(project, cli: Runner) -> None:
    data = plan(cli, project("p1"), "p2")
    steps = data["steps"]
    assert isinstance(steps, list)
    p1_steps = [s for s in steps if s["phase"] == "p1"]
    assert {s["status"] for s in p1_steps if s["kind"] == "edit"} == {"done"}
    # Applies and confirmations are recorded, never inferred: the files are past them, so they are
    # to check ([?]), never done ([x]), and they do not block the P2 steps.
    assert {s["status"] for s in p1_steps if s["kind"] in ("apply", "manual")} == {"check"}
    assert all("not recorded" in (s["note"] or "") for s in p1_steps if s["kind"] in ("apply", "manual"))
    assert {s["status"] for s in p1_steps if s["kind"] == "command"} == {"check"}  # ~/.aws, .terraform: not seen
    assert [s["file"] for s in steps if s["phase"] == "p2" and s["kind"] == "edit"] == [
        "security/config/backend.tfvars",
        "shared/config/backend.tfvars",
    ]
    # the lock-out guard of P2: the security users' MFA devices are confirmed first
    number = data["next_human_step"]
    assert isinstance(number, int) and steps[number - 1]["command"] == "mfa-guard plan --confirm security-mfa"


def test_plan_in_sso_mode_has_nothing_to_do(project, cli: Runner) -> None:
    data = plan(cli, project("sso"), "p2")
    assert data["steps"] == [] and "SSO mode" in str(data["message"])


def test_applied_must_name_a_layer_of_the_plan(project, cli: Runner) -> None:
    code, _, err = cli("plan", str(project("p0")), "--applied", "nowhere")
    assert code == 2 and "not a layer with an apply step" in err
