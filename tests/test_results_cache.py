"""The results cache of `check`: a hit reports exactly what a full run reports, and every input of
an analysis (file contents, listing, options, date, config, rules, baseline, versions) is a miss."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import pickle
from pathlib import Path

import pytest

import mfa_guard.analysis as analysis_module
from mfa_guard import cache as cache_module
from mfa_guard.analysis import analyse
from mfa_guard.cli import main
from mfa_guard.prepare import Options, prepare
from mfa_guard.results_cache import Outcome, entry_from_data, outcome
from tests.conftest import deny_open, run_cli
from tests.fixture_tree import all_cases, build_case
from tests.test_cache import TEAM_RULE

CASES = all_cases()


@pytest.fixture
def full_runs(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The roots of every full analysis (a results-cache miss) made from now on."""
    runs: list[Path] = []
    original = analysis_module.analyse_prepared

    def counting(prepared, overlay=None):  # type: ignore[no-untyped-def]
        runs.append(prepared.root)
        return original(prepared, overlay)

    monkeypatch.setattr(analysis_module, "analyse_prepared", counting)
    return runs


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "user cache"
    monkeypatch.setenv("MFA_GUARD_CACHE_DIR", str(directory))
    return directory


def check(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    """`mfa-guard check` through its entry point, in this process (so misses can be counted)."""
    code = main(["check", str(root), "--format", "json", *extra])
    return code, capsys.readouterr().out


def uncached(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    return check(root, capsys, "--no-cache", *extra)


@pytest.mark.parametrize("base", ["p0", "p1", "p2", "sso"])
@pytest.mark.parametrize("fmt", ["json", "sarif", "plain", "summary"])
def test_a_hit_reports_exactly_what_a_full_run_reports(project, cache_dir, full_runs, capsys, base, fmt) -> None:
    root = project(base)
    expected = main(["check", str(root), "--no-cache", "--format", fmt]), capsys.readouterr().out
    first = main(["check", str(root), "--format", fmt]), capsys.readouterr().out
    second = main(["check", str(root), "--format", fmt]), capsys.readouterr().out
    assert first == second == expected
    assert full_runs == [root, root], "the uncached run and the first cached run analyse; the second is a hit"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_case_gives_the_same_findings_from_the_cache(case, tmp_path, cache_dir, full_runs) -> None:
    root = build_case(case, tmp_path / "project dir")
    expected = analyse(Options(path=root, no_cache=True, **case.options)).findings
    prepared = prepare(Options(path=root, **case.options))
    recorded, replayed = outcome(prepared), outcome(prepare(Options(path=root, **case.options)))
    assert list(recorded.findings) == list(replayed.findings) == expected
    # The local checks (they read ~/.aws) and projects with an unreadable file always analyse.
    never_cached = case.options.get("local") or any(f.rule == "PAR002" for f in expected)
    assert len(full_runs) == (3 if never_cached else 2)


def test_a_changed_file_that_was_read_is_a_miss(project, cache_dir, full_runs, capsys) -> None:
    root = project("p1")
    check(root, capsys)
    backend = root / "security" / "config" / "backend.tfvars"
    backend.write_text(backend.read_text().replace("me-security-oaar", "me-security-bootstrap"))
    assert check(root, capsys) == uncached(root, capsys)
    assert len(full_runs) == 3


def test_same_size_edit_is_a_miss(project, cache_dir, full_runs, capsys) -> None:
    """Contents are compared, not sizes or times: a one-byte edit of the same length counts."""
    root = project("p1")
    check(root, capsys)
    env = root / "build.env"
    text = env.read_text()
    env.write_text(text.replace("MFA_ENABLED=true", "MFA_ENABLED=TRUE"))
    os.utime(env, ns=(0, 0))
    assert check(root, capsys) == uncached(root, capsys)
    assert len(full_runs) == 3


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """The recording analysis starts a minute from now: every file of the fixture counts as
    unchanged for a while, so it is recorded with its stat signature."""
    import mfa_guard.results_cache as results_module

    real = results_module.time.time_ns
    monkeypatch.setattr(results_module.time, "time_ns", lambda: real() + 60 * 10**9)


def test_a_settled_file_is_not_read_again_on_a_hit(project, cache_dir, full_runs, capsys, settled, monkeypatch) -> None:
    root = project("p1")
    first = check(root, capsys)
    deny_open(monkeypatch, "security/config/backend.tfvars")  # read by every analysis
    assert check(root, capsys) == first
    assert len(full_runs) == 1, "a hit, answered by the stat signature without opening the file"


def test_a_settled_file_edited_with_its_mtime_put_back_is_a_miss(
    project, cache_dir, full_runs, capsys, settled
) -> None:
    """Same size, same mtime: the ctime (which no tool can set back) still tells."""
    root = project("p1")
    check(root, capsys)
    env = root / "build.env"
    before = env.stat()
    env.write_text(env.read_text().replace("MFA_ENABLED=true", "MFA_ENABLED=TRUE"))
    os.utime(env, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert env.stat().st_size == before.st_size and env.stat().st_mtime_ns == before.st_mtime_ns
    assert check(root, capsys) == uncached(root, capsys)
    assert len(full_runs) == 3


def test_a_file_changed_just_before_the_analysis_is_compared_by_content(project, cache_dir, capsys) -> None:
    """Within SETTLED_NS of the analysis a timestamp may not have moved yet: no signature is kept."""
    root = project("p1")
    check(root, capsys)
    _header, _, body = results_file(cache_dir).read_bytes().partition(b"\n")
    ((recorded, _stored),) = [entry_from_data(data) for data in json.loads(body).values()]
    assert recorded and all(signature is None for _digest, signature in recorded.values())


@pytest.mark.parametrize("change", ["add", "remove", "rename"])
def test_a_changed_listing_is_a_miss(project, cache_dir, full_runs, capsys, change) -> None:
    root = project("p1")
    before = check(root, capsys)
    layer = root / "security" / "us-east-1" / "security-base"
    if change == "add":
        (layer / "build.env").write_text("export MFA_ENABLED=false\n")
    elif change == "remove":
        (root / "security" / "config" / "backend.tfvars").unlink()
    else:
        layer.rename(layer.with_name("security-base --"))
    after = check(root, capsys)
    assert after == uncached(root, capsys)
    assert len(full_runs) == 3
    if change != "rename":  # disabling a clean layer changes nothing reported, but is still a miss
        assert after != before


def test_a_file_the_analysis_never_reads_keeps_the_hit(project, cache_dir, full_runs, capsys) -> None:
    root = project("p1")
    first = check(root, capsys)
    network = root / "shared" / "us-east-1" / "base-network" / "network.tf"
    network.write_text(network.read_text() + '\nresource "null_resource" "x" {}\n')
    assert check(root, capsys) == first == uncached(root, capsys)
    assert len(full_runs) == 2, "only the first and the uncached run analyse"


def test_a_retargeted_symlink_is_a_miss(project, cache_dir, full_runs, capsys) -> None:
    root = project("p1")
    config = root / "security" / "us-east-1" / "security-base" / "config.tf"
    (config.parent / "bootstrap.tf").write_text('provider "aws" {\n  profile = "me-bootstrap"\n}\n')
    (config.parent / "devops.tf").write_text(config.read_text())
    config.unlink()
    config.symlink_to("devops.tf")
    check(root, capsys)
    config.unlink()
    config.symlink_to("bootstrap.tf")
    assert check(root, capsys) == uncached(root, capsys)
    assert len(full_runs) == 3


@pytest.mark.parametrize(
    "extra", [("--select", "ENV"), ("--ignore", "OUT"), ("--ci",), ("--target-phase", "p2"), ("--no-suppressions",)]
)
def test_other_options_are_a_miss(project, cache_dir, full_runs, capsys, extra) -> None:
    root = project("p1")
    check(root, capsys)
    assert check(root, capsys, *extra) == uncached(root, capsys, *extra)
    assert len(full_runs) == 3


def test_the_date_is_part_of_the_key(project, cache_dir, full_runs) -> None:
    """Suppressions expire: the same files on another day may report more."""
    root = project("p1")
    env = root / "build.env"
    env.write_text(env.read_text() + 'export A=1  # mfa-guard: ignore[ENV001] reason="legacy" until=2026-12-31\n')
    before = outcome(prepare(Options(path=root, today=dt.date(2026, 12, 1))))
    after = outcome(prepare(Options(path=root, today=dt.date(2027, 1, 1))))
    assert len(full_runs) == 2
    assert list(after.findings) == analyse(Options(path=root, today=dt.date(2027, 1, 1), no_cache=True)).findings
    assert {f.rule for f in after.findings} - {f.rule for f in before.findings}, "the expired suppression shows"


def test_config_rules_and_baseline_changes_are_misses(project, cache_dir, full_runs, capsys, tmp_path) -> None:
    root = project("p1")
    config = root / ".mfa-guard.yaml"
    config.write_text("fail_on: error\n")
    check(root, capsys)
    config.write_text("fail_on: error\nseverity:\n  ENV002: error\n")
    assert check(root, capsys) == uncached(root, capsys)
    team = tmp_path / "team.yaml"
    team.write_text(TEAM_RULE)
    check(root, capsys, "--rules", str(team))
    team.write_text(TEAM_RULE.replace("[0-9.]+-[0-9.]+", "never-matches"))
    assert check(root, capsys, "--rules", str(team)) == uncached(root, capsys, "--rules", str(team))
    baseline = tmp_path / "baseline.yaml"
    main(["check", str(root), "--write-baseline", str(baseline), "--format", "json"])
    capsys.readouterr()
    check(root, capsys, "--baseline", str(baseline))
    baseline.write_text("entries: []\n")
    assert check(root, capsys, "--baseline", str(baseline)) == uncached(root, capsys, "--baseline", str(baseline))
    assert len(full_runs) == 10  # 7 cached runs, all misses (a changed input each), 3 uncached


def test_another_tool_version_is_a_miss(project, cache_dir, full_runs, capsys, monkeypatch) -> None:
    root = project("p1")
    check(root, capsys)
    monkeypatch.setattr(cache_module, "__version__", "999.0")
    check(root, capsys)
    assert len(full_runs) == 2


def test_other_code_of_the_same_version_is_a_miss(project, cache_dir, full_runs, capsys, monkeypatch) -> None:
    """A development checkout whose checks changed without a version bump gets no stale findings."""
    root = project("p1")
    check(root, capsys)
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: "edited checks")
    check(root, capsys)
    check(root, capsys)
    assert len(full_runs) == 2, "one miss for the new code, then a hit"


def results_file(cache_dir: Path) -> Path:
    (path,) = (cache_dir / "results").iterdir()
    return path


@pytest.mark.parametrize("garbage", [b"", b"\x80\x05junk", pickle.dumps(("x", {"k": ("a", "b", "c")}))])
def test_a_corrupt_results_file_is_ignored_and_rebuilt(project, cache_dir, full_runs, capsys, garbage) -> None:
    root = project("p1")
    expected = check(root, capsys)
    results_file(cache_dir).write_bytes(garbage)
    assert check(root, capsys) == expected
    assert check(root, capsys) == expected
    assert len(full_runs) == 2, "the corrupt file costs one full run, then the rebuilt one answers"


def test_an_entry_of_the_wrong_shape_is_a_miss(project, cache_dir, full_runs, capsys) -> None:
    root = project("p1")
    expected = check(root, capsys)
    path = results_file(cache_dir)
    header, _, body = path.read_bytes().partition(b"\n")  # the JSON data format (issue 16)
    entries = json.loads(body)
    path.write_bytes(header + b"\n" + json.dumps({key: {"files": {}, "findings": 7} for key in entries}).encode())
    assert check(root, capsys) == expected
    assert len(full_runs) == 2


def test_unreadable_files_are_never_recorded(project, cache_dir, full_runs, capsys, monkeypatch) -> None:
    root = project("p1")
    deny_open(monkeypatch, "management/config/backend.tfvars")
    first = check(root, capsys)
    assert "PAR002" in first[1]
    assert check(root, capsys) == first
    assert len(full_runs) == 2
    assert not (cache_dir / "results").exists()


def test_no_cache_local_and_write_baseline_never_use_it(project, cache_dir, full_runs, capsys, tmp_path) -> None:
    root = project("p1")
    uncached(root, capsys)
    assert not (cache_dir / "results").exists()
    check(root, capsys)
    check(root, capsys, "--local", "--aws-dir", str(tmp_path / "no aws"))
    main(["check", str(root), "--write-baseline", str(tmp_path / "b.yaml")])
    assert len(full_runs) == 4


def _check_in_process(args: tuple[str, str]) -> str:
    root, cache = args
    result = run_cli("check", root, "--format", "json", env={"MFA_GUARD_CACHE_DIR": cache})
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


@pytest.mark.slow
def test_concurrent_runs_share_the_results_cache_safely(project, tmp_path) -> None:
    root = project("p2")
    cache = tmp_path / "shared cache"
    expected = run_cli("check", str(root), "--format", "json", "--no-cache").stdout
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        outputs = pool.map(_check_in_process, [(str(root), str(cache))] * 8)
    assert outputs == [expected] * 8
    assert [p.name for p in (cache / "results").iterdir() if p.suffix == ".tmp"] == []


def test_a_second_cli_run_says_it_used_the_cache(project, tmp_path) -> None:
    root = project("p1")
    env = {"MFA_GUARD_CACHE_DIR": str(tmp_path / "cache")}
    first = run_cli("check", str(root), "--format", "json", "-v", env=env)
    second = run_cli("check", str(root), "--format", "json", "-v", env=env)
    assert "results cache" not in first.stderr
    assert "results cache: every input unchanged" in second.stderr
    assert (second.returncode, json.loads(second.stdout)) == (first.returncode, json.loads(first.stdout))


def test_outcome_is_what_is_stored(project, cache_dir) -> None:
    root = project("p0")
    result = outcome(prepare(Options(path=root)))
    _header, _, body = results_file(cache_dir).read_bytes().partition(b"\n")
    ((recorded, stored),) = [entry_from_data(data) for data in json.loads(body).values()]
    assert isinstance(stored, Outcome) and stored == result
    assert "build.env" in recorded and "management/config/backend.tfvars" in recorded
    assert "management/us-east-1/base-tf-backend/main.tf" not in recorded, "never read, so not an input"


def test_a_hit_keeps_the_guide_status_and_the_cli_generation(project, cache_dir, full_runs, capsys) -> None:
    """The job summary's status table and the header's CLI generation come from the cached
    ProjectInfo on a hit (there is no Project then)."""
    root = project("p1")
    first = main(["check", str(root), "--format", "summary"]), capsys.readouterr().out
    second = main(["check", str(root), "--format", "summary"]), capsys.readouterr().out
    assert full_runs == [root], "the second run is a hit"
    assert first == second
    assert "### Post-deployment guide: where the project stands" in second[1]
    assert "| shared | member | me-shared-oaar | true / apply not recorded | true |" in second[1]
    assert "Leverage CLI 2.x \\(TERRAFORM_IMAGE_TAG in build.env line 8\\)" in second[1]
    plain = main(["check", str(root), "--format", "console", "--color", "never"]), capsys.readouterr().out
    assert full_runs == [root]
    assert "Leverage CLI 2.x (TERRAFORM_IMAGE_TAG in build.env line 8)" in plain[1].splitlines()[0]
