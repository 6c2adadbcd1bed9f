"""Issue 16: the project is the boundary, reads are bounded, writes never go through a symlink,
fix never loses a concurrent edit, apply records are written under a lock, caches live only in a
directory that is safely the user's own."""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mfa_guard.cache_dir import user_cache_dir
from mfa_guard.cli import main
from mfa_guard.fix.facts import MARKER, load_facts, read_applied, record_applied
from mfa_guard.fix.write import remove_leftovers, write_files
from mfa_guard.load.project import LoadOptions, load_project
from mfa_guard.local.load import default_aws_dir, load_inits
from mfa_guard.source import SourceFile, read_source
from tests.conftest import run_cli

TOKEN = "https://x-access-token:ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    """A credentials file outside the project, as `~/.git-credentials` would be."""
    path = tmp_path / "outside" / "credentials"
    path.parent.mkdir()
    path.write_text(TOKEN + "\n", encoding="utf-8")
    return path


# --- item 2: paths from a committed config stay inside the project --------------------------------


@pytest.mark.parametrize("form", ["relative", "absolute", "symlink"])
def test_config_rule_paths_outside_the_project_are_refused_without_echoing_them(
    project, secret_file: Path, capsys, form: str
) -> None:
    root = project("p0")
    if form == "symlink":
        (root / "team.yaml").symlink_to(secret_file)
        value = "team.yaml"
    else:
        value = str(secret_file) if form == "absolute" else os.path.relpath(secret_file, root)
    (root / ".mfa-guard.yaml").write_text(f"rule_paths: [{json.dumps(value)}]\n", encoding="utf-8")
    code, out, err = run(capsys, "check", str(root))
    assert code == 2
    assert "ghp_" not in out + err and "x-access-token" not in out + err
    assert ".mfa-guard.yaml: $.rule_paths[0]:" in err and "outside" in err


def test_a_rule_file_named_on_the_command_line_may_live_anywhere(project, tmp_path: Path, capsys) -> None:
    root = project("p0")
    team = tmp_path / "elsewhere" / "team.yaml"
    team.parent.mkdir()
    team.write_text(
        "id: TEAM001\nname: team-x\nseverity: note\nsummary: s.\nwhy: w.\ntarget: t.\nfix: manual\n"
        "check: env_key_must_match\nparams: {key: MFA_ENABLED, pattern: 'true|false'}\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "check", str(root), "--rules", str(team), "--format", "json", "--select", "TEAM001")
    assert code == 0, err
    assert json.loads(out)["summary"]["total"] == 0


def test_a_config_that_is_a_symlink_out_of_the_project_is_refused(project, secret_file: Path, capsys) -> None:
    root = project("p0")
    secret_file.write_text(f"severity: {{ENV001: {TOKEN}}}\n", encoding="utf-8")
    (root / ".mfa-guard.yaml").symlink_to(secret_file)
    code, out, err = run(capsys, "check", str(root))
    assert code == 2 and "ghp_" not in out + err
    assert ".mfa-guard.yaml: $: resolves outside" in err


def test_a_config_baseline_outside_the_project_is_refused(project, secret_file: Path, capsys) -> None:
    root = project("p0")
    (root / ".mfa-guard.yaml").write_text(f"baseline: {json.dumps(str(secret_file))}\n", encoding="utf-8")
    code, out, err = run(capsys, "check", str(root))
    assert code == 2 and "ghp_" not in out + err
    assert "$.baseline:" in err and "outside" in err


def test_a_config_named_on_the_command_line_is_not_echoed(project, secret_file: Path, capsys) -> None:
    root = project("p0")
    code, out, err = run(capsys, "check", str(root), "--config", str(secret_file))
    assert code == 2 and "ghp_" not in out + err
    assert "credentials: $: expected a mapping, got a string (a value that is not shown)" in err
    code, out, err = run(capsys, "check", str(root), "--rules", str(secret_file))
    assert code == 2 and "ghp_" not in out + err and "credentials: $: a value that is not shown is not of type" in err


def test_yaml_errors_do_not_echo_the_files_text(project, capsys) -> None:
    root = project("p0")
    (root / ".mfa-guard.yaml").write_text("select: *ghp_aliasnamesecret\n", encoding="utf-8")
    code, out, err = run(capsys, "check", str(root))
    assert code == 2 and "ghp_aliasnamesecret" not in out + err
    assert "aliases (*name) are not allowed here" in err and "line 1" in err
    (root / ".mfa-guard.yaml").write_text("select: [ENV001\nx: !!python/name:ghp_tagsecret\n", encoding="utf-8")
    code, out, err = run(capsys, "check", str(root))
    assert code == 2 and "ghp_tagsecret" not in out + err


# --- item 11: bounded reads: no /dev/zero, no FIFO, no state file followed out of the project ------


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_baseline_or_records_file_that_is_dev_zero_is_refused_quickly(project, capsys) -> None:
    root = project("p1")
    (root / "zero.json").symlink_to("/dev/zero")
    started = time.monotonic()
    code, _, err = run(capsys, "check", str(root), "--baseline", str(root / "zero.json"))
    assert code == 2 and "not a regular file (a device)" in err
    (root / MARKER).symlink_to("/dev/zero")
    assert read_applied(root) == {}
    code, _, err = run(capsys, "plan", str(root), "--to", "p2")
    assert code in (0, 1) and "internal error" not in err
    assert time.monotonic() - started < 30


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifos_never_hang_a_run(project) -> None:
    root = project("p1")
    os.mkfifo(root / MARKER)
    os.mkfifo(root / "baseline.json")
    (root / "management" / "config" / "backend.tfvars").unlink()
    os.mkfifo(root / "management" / "config" / "backend.tfvars")
    os.mkfifo(root / "cfg.yaml")
    os.mkfifo(root / "team.yaml")
    commands = [
        ("plan", str(root), "--to", "p2"),
        ("check", str(root), "--baseline", str(root / "baseline.json")),
        ("check", str(root), "--config", str(root / "cfg.yaml")),
        ("check", str(root), "--rules", str(root / "team.yaml")),
        ("validate-rules", str(root / "team.yaml")),
        ("check", str(root), "--format", "plain"),
    ]
    for command in commands:
        result = subprocess.run(
            [sys.executable, "-m", "mfa_guard", *command], capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode in (0, 1, 2) and "internal error" not in result.stderr, (command, result.stderr)
    for command in commands[1:5]:
        assert "not a regular file (a FIFO)" in run_cli(*command).stderr, command
    assert "no config/backend.tfvars" in run_cli(*commands[-1]).stdout  # discovery lists regular files only


def test_a_project_file_that_is_a_fifo_is_a_located_read_problem(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "x.tf")
    with pytest.raises(Exception, match=r"x\.tf: not a regular file \(a FIFO\); not read"):
        read_source(str(tmp_path), "x.tf")


def test_the_backend_state_is_not_followed_out_of_the_project(project, tmp_path: Path) -> None:
    root = project("p1")
    model = load_project(root, LoadOptions())
    layer = model.accounts[0].layers[0]
    outside = tmp_path / "outside-state.json"
    outside.write_text(json.dumps({"backend": {"type": "s3", "config": {"profile": "stolen"}}}), encoding="utf-8")
    (root / layer / ".terraform").mkdir()
    (root / layer / ".terraform" / "terraform.tfstate").symlink_to(outside)
    inits, problems = load_inits(model)
    assert inits == () and any("outside the project" in p for p in problems)
    assert load_facts(model).initialised.get(layer) is None


# --- item 13: never written through a symlink ---------------------------------------------------


def test_write_baseline_and_report_refuse_a_symlink(project, tmp_path: Path, capsys) -> None:
    root = project("p1")
    victim = tmp_path / "victim"
    victim.write_text("precious\n", encoding="utf-8")
    (root / "baseline.json").symlink_to(victim)
    (root / "mfa-guard.sarif").symlink_to(victim)
    code, _, err = run(capsys, "check", str(root), "--write-baseline", str(root / "baseline.json"))
    assert code == 2 and "is a symlink; refusing to write through it" in err
    code, _, err = run(capsys, "check", str(root), "--report", f"sarif:{root / 'mfa-guard.sarif'}")
    assert code == 2 and "is a symlink; refusing to write through it" in err
    assert victim.read_text(encoding="utf-8") == "precious\n"


def test_records_are_not_written_through_a_symlink(project, tmp_path: Path, capsys) -> None:
    root = project("p0")
    victim = tmp_path / "victim"
    victim.write_text("precious\n", encoding="utf-8")
    (root / MARKER).symlink_to(victim)
    code, _, err = run(capsys, "plan", str(root), "--to", "p1", "--applied", "management")
    assert code == 2 and "symlink" in err
    assert victim.read_text(encoding="utf-8") == "precious\n"


# --- item 6: fix never loses an edit ------------------------------------------------------------


def test_a_file_edited_after_it_was_read_is_skipped_and_left_untouched(tmp_path: Path, monkeypatch) -> None:
    import mfa_guard.fix.write as write

    for name in ("a.tf", "b.tf"):
        (tmp_path / name).write_text('x = "old"\n', encoding="utf-8")
    originals = {name: read_source(str(tmp_path), name) for name in ("a.tf", "b.tf")}
    fixed = [SourceFile(name, str(tmp_path / name), 'x = "fixed"\n') for name in ("a.tf", "b.tf")]
    real_prepare = write._prepare

    def prepare_then_edit(root, source, original=None):  # type: ignore[no-untyped-def]
        prepared = real_prepare(root, source, original)
        if source.path == "a.tf":  # someone saves the file in an editor right now
            (tmp_path / "a.tf").write_text('x = "mine"\n', encoding="utf-8")
        return prepared

    monkeypatch.setattr(write, "_prepare", prepare_then_edit)
    skipped: list[str] = []
    assert write_files(tmp_path, fixed, originals, skipped.append) == ["b.tf"]
    assert (tmp_path / "a.tf").read_text(encoding="utf-8") == 'x = "mine"\n'
    assert (tmp_path / "b.tf").read_text(encoding="utf-8") == 'x = "fixed"\n'
    assert skipped == ["a.tf: changed since mfa-guard read it; not written (run fix again)"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".mfa-guard.tmp")]


def test_same_size_edits_before_preparing_are_caught_by_the_hash(tmp_path: Path) -> None:
    (tmp_path / "a.tf").write_text('x = "aaa"\n', encoding="utf-8")
    original = read_source(str(tmp_path), "a.tf")
    (tmp_path / "a.tf").write_text('x = "bbb"\n', encoding="utf-8")  # same size, new bytes
    skipped: list[str] = []
    fixed = SourceFile("a.tf", str(tmp_path / "a.tf"), 'x = "ccc"\n')
    assert write_files(tmp_path, [fixed], {"a.tf": original}, skipped.append) == []
    assert (tmp_path / "a.tf").read_text(encoding="utf-8") == 'x = "bbb"\n' and skipped


def test_fix_removes_leftover_temporary_files_of_a_killed_run(project, capsys) -> None:
    root = project("p1")
    directory = root / "management" / "config"
    old = directory / ".backend.tfvars.k3j9.mfa-guard.tmp"
    young = directory / ".backend.tfvars.zz11.mfa-guard.tmp"
    other = directory / ".someone-elses.tmp"
    for path in (old, young, other):
        path.write_text("partial", encoding="utf-8")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    code, _, err = run(capsys, "fix", str(root))
    assert code in (0, 1)
    assert not old.exists() and young.exists() and other.exists()
    assert f"removed {old.name}" in err
    assert remove_leftovers([directory]) == []  # the young one may belong to a fix running now


# --- item 14: records under a lock; the short name is checked before it becomes a path ------------


def _record_many(args: tuple[str, int]) -> None:
    root, worker = args
    for n in range(6):
        record_applied(Path(root), f"layer-{worker}-{n}", f"{worker:02d}{n:02d}")


def test_concurrent_records_are_all_kept(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        pool.map(_record_many, [(str(tmp_path), worker) for worker in range(8)])
    applied = read_applied(tmp_path)
    assert len(applied) == 48 and applied["layer-7-5"] == "0705"
    assert not [p for p in tmp_path.iterdir() if p.name != MARKER]


@pytest.mark.parametrize("name", ["../../.ssh", "a/b", "..", "me\nx", "\x1b[31m", "$(id)", ""])
def test_a_hostile_short_name_never_becomes_a_path(name: str) -> None:
    with pytest.raises(Exception, match="short name") as caught:
        default_aws_dir(name)
    assert "\x1b" not in str(caught.value) and "\n" not in str(caught.value)


def test_a_hostile_short_name_in_build_env_is_a_clear_error(project, capsys) -> None:
    root = project("p1")
    env = root / "build.env"
    env.write_text(env.read_text(encoding="utf-8").replace("PROJECT=me", "PROJECT=../../tmp"), encoding="utf-8")
    common = root / "config" / "common.tfvars"
    common.write_text(common.read_text(encoding="utf-8").replace('"me"', '"../../tmp"', 1), encoding="utf-8")
    code, _, err = run(capsys, "check", str(root), "--local")
    assert code == 2 and "is not a plain name" in err and "internal error" not in err


# --- the user cache directory -------------------------------------------------------------------


def test_a_cache_dir_others_can_write_is_ignored_with_a_note(tmp_path: Path, monkeypatch, caplog) -> None:
    shared = tmp_path / "shared-cache"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("MFA_GUARD_CACHE_DIR", str(shared))
    with caplog.at_level(logging.INFO, logger="mfa_guard.cache_dir"):
        assert user_cache_dir() is None
    assert "world-writable" in caplog.text
    shared.chmod(0o700)
    assert user_cache_dir() == shared


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
def test_a_cache_dir_owned_by_another_user_is_ignored(tmp_path: Path, monkeypatch) -> None:
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o700)
    os.chown(theirs, 65534, 65534)
    monkeypatch.setenv("MFA_GUARD_CACHE_DIR", str(theirs))
    assert user_cache_dir() is None


def test_the_cache_dir_is_created_private_and_a_relative_xdg_is_ignored(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("MFA_GUARD_CACHE_DIR")
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative-cache")
    found = user_cache_dir()
    assert found == tmp_path / "home" / ".cache" / "mfa-guard"
    assert not (tmp_path / "relative-cache").exists()
    assert found.stat().st_mode & 0o777 == 0o700
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert user_cache_dir() == tmp_path / "xdg" / "mfa-guard"
