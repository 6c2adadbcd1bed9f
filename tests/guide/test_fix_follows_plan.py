"""`fix` follows the plan: no step whose preconditions include an unrecorded apply or an
unconfirmed MFA device is written, and the commands it prints come in the guide's order."""

from __future__ import annotations

from pathlib import Path

from tests.fix.conftest import Runner, snapshot
from tests.guide.walk_project import BACKEND, ORDER, ROLES, guide_project, record, require_mfa, set_profile

MANAGEMENT_BACKEND = BACKEND.format("root")


def test_from_p0_without_records_the_management_backend_is_never_touched(cli: Runner, tmp_path: Path) -> None:
    root = guide_project(tmp_path / "p0")
    before = snapshot(root)
    for args in (("--guarded",), ("--guarded", "--target-phase", "p1")):
        _code, out, _ = cli("fix", str(root), *args, "--format", "plain")
        assert snapshot(root) == before, (args, out)  # not even an OAAR edit: no MFA device confirmed
    record(root, "--confirm", "management-mfa")
    before = snapshot(root)
    cli("fix", str(root), "--guarded", "--target-phase", "p1")
    after = snapshot(root)
    changed = {path for path in after if after[path] != before.get(path)}
    assert changed == {ROLES.format("root")}  # management's OAAR only: the others wait on its apply
    # every OAAR edited, every apply but the last recorded: the switch still waits
    for account in ORDER[1:]:
        require_mfa(root, account)
    for account in ORDER[:-1]:
        record(root, "--applied", account)
    before = snapshot(root)
    cli("fix", str(root), "--guarded", "--target-phase", "p1")
    assert snapshot(root)[MANAGEMENT_BACKEND] == before[MANAGEMENT_BACKEND]
    assert snapshot(root)["build.env"] == before["build.env"]
    record(root, "--applied", ORDER[-1])
    cli("fix", str(root), "--guarded", "--target-phase", "p1")
    assert b'profile = "me-root-oaar"' in (root / MANAGEMENT_BACKEND).read_bytes()
    assert b"MFA_ENABLED=true" in (root / "build.env").read_bytes()  # with the switch, never before


def test_fix_to_writes_one_plan_step_per_run(cli: Runner, tmp_path: Path) -> None:
    root = guide_project(tmp_path / "p1")
    record(root, "--confirm", "management-mfa")
    for account in ORDER:
        require_mfa(root, account)
        record(root, "--applied", account)
    set_profile(root, "root", "me-root-oaar")
    (root / "build.env").write_text((root / "build.env").read_text().replace("=false", "=true"))
    record(root, "--to", "p2", "--confirm", "security-mfa")
    members = ORDER[1:]
    for done, account in enumerate(members, start=1):
        before = snapshot(root)
        code, out, _ = cli("fix", str(root), "--to", "p2", "--guarded", "--format", "plain")
        assert code == 0, out
        after = snapshot(root)
        assert {p for p in after if after[p] != before.get(p)} == {BACKEND.format(account)}, out
        switched = [a for a in members if b"-devops" in (root / BACKEND.format(a)).read_bytes()]
        assert switched == list(members[:done])  # the guide's order: security, shared, apps-devstg


def test_companion_commands_follow_the_guides_order(cli: Runner, tmp_path: Path) -> None:
    root = guide_project(tmp_path / "p1")
    for account in ORDER:
        require_mfa(root, account)
    set_profile(root, "root", "me-root-oaar")
    (root / "build.env").write_text((root / "build.env").read_text().replace("=false", "=true"))
    record(root, "--to", "p2", "--confirm", "security-mfa")
    _code, out, _ = cli("fix", str(root), "--guarded", "--target-phase", "p2", "--format", "plain")
    lines = out.splitlines()
    start = lines.index("A file edit cannot do everything; then run:")
    commands = [line for line in lines[start + 1 :] if line.startswith("  ")]
    named = [next(a for a in ORDER if f" {a}/" in c) for c in commands if any(f" {a}/" in c for a in ORDER)]
    assert named == ["security", "shared", "apps-devstg"], commands  # alphabetical would put apps-devstg first
