"""The parse and rules caches: invalidated by content, tool version and rule changes; survive corruption."""

from __future__ import annotations

import multiprocessing
import os
import pickle
from pathlib import Path

import pytest

from mfa_guard import cache as cache_module
from mfa_guard.cache import PickleStore, digest, project_store
from mfa_guard.load.project import LoadOptions, load_project
from mfa_guard.rules import load_rules


def parse_count(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every real HCL parse (cache misses)."""
    import mfa_guard.parse.hcl as hcl

    parsed: list[str] = []
    original = hcl.parse_hcl

    def counting(source, cache_dir=None):  # type: ignore[no-untyped-def]
        parsed.append(source.path)
        return original(source, cache_dir)

    monkeypatch.setattr(hcl, "parse_hcl", counting)
    return parsed


def test_second_run_parses_nothing_and_gives_the_same_model(project, tmp_path, monkeypatch) -> None:
    root = project("p1")
    options = LoadOptions(cache_dir=tmp_path / "cache")
    parsed = parse_count(monkeypatch)
    first = load_project(root, options)
    assert parsed, "the first run must parse"
    parsed.clear()
    second = load_project(root, options)
    assert parsed == []
    assert second.documents == first.documents
    assert second.state == first.state


def test_changed_content_is_parsed_again(project, tmp_path, monkeypatch) -> None:
    root = project("p1")
    options = LoadOptions(cache_dir=tmp_path / "cache")
    load_project(root, options)
    backend = root / "security" / "config" / "backend.tfvars"
    backend.write_text(backend.read_text().replace("me-security-oaar", "me-security-devops"))
    parsed = parse_count(monkeypatch)
    project_model = load_project(root, options)
    assert parsed == ["security/config/backend.tfvars"]
    security = project_model.account("security")
    assert security is not None and security.backend is not None
    assert security.backend.profile_value == "me-security-devops"


def test_syntax_errors_are_cached_as_errors(project, tmp_path) -> None:
    root = project("p1")
    backend = root / "shared" / "config" / "backend.tfvars"
    backend.write_text('profile = "me-shared-oaar\n')
    options = LoadOptions(cache_dir=tmp_path / "cache")
    first = load_project(root, options).problems
    second = load_project(root, options).problems
    assert first == second and first[0].path == "shared/config/backend.tfvars"


def test_another_tool_version_ignores_the_cache(project, tmp_path, monkeypatch) -> None:
    root = project("p0")
    options = LoadOptions(cache_dir=tmp_path / "cache")
    load_project(root, options)
    monkeypatch.setattr(cache_module, "__version__", "999.0")
    parsed = parse_count(monkeypatch)
    load_project(root, options)
    assert parsed, "a cache written by another version must not be used"


@pytest.mark.parametrize(
    "garbage", [b"", b"not a pickle", pickle.dumps(("foreign", {"x": 1}))[:-3], pickle.dumps([1, 2])]
)
def test_corrupt_cache_is_ignored_and_rebuilt(project, tmp_path, garbage: bytes) -> None:
    root = project("p1")
    cache_dir = tmp_path / "cache"
    expected = load_project(root, LoadOptions(cache_dir=None))
    store_path = project_store(cache_dir, root).path
    assert store_path is not None
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(garbage)
    again = load_project(root, LoadOptions(cache_dir=cache_dir))
    assert again.documents == expected.documents
    assert pickle.loads(store_path.read_bytes())[0] == PickleStore(None, "parse").header


def test_unwritable_cache_dir_does_not_fail_the_run(project, tmp_path) -> None:
    root = project("p1")
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("x")
    model = load_project(root, LoadOptions(cache_dir=blocker))
    assert model.accounts


def _load_in_process(args: tuple[str, str]) -> int:
    root, cache_dir = args
    return len(load_project(Path(root), LoadOptions(cache_dir=Path(cache_dir))).documents)


@pytest.mark.slow
def test_concurrent_processes_share_the_cache_safely(project, tmp_path) -> None:
    root = project("p2")
    cache_dir = tmp_path / "cache"
    expected = len(load_project(root, LoadOptions()).documents)
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        counts = pool.map(_load_in_process, [(str(root), str(cache_dir))] * 8)
    assert counts == [expected] * 8
    assert len(load_project(root, LoadOptions(cache_dir=cache_dir)).documents) == expected
    leftovers = [p for p in (cache_dir / "projects").iterdir() if p.suffix == ".tmp"]
    assert leftovers == []


TEAM_RULE = """\
id: TEAM001
name: team-image-tag-pinned
severity: error
summary: The toolbox image tag is pinned.
why: Unpinned images change under the team's feet.
target: A pinned TERRAFORM_IMAGE_TAG.
fix: manual
check: env_key_must_match
params:
  key: TERRAFORM_IMAGE_TAG
  pattern: "[0-9.]+-[0-9.]+"
"""


def test_rules_cache_follows_rule_file_changes(tmp_path) -> None:
    cache_dir = tmp_path / "cache"
    team = tmp_path / "team.yaml"
    team.write_text(TEAM_RULE)
    first = load_rules([team], cache_dir)
    assert load_rules([team], cache_dir) == first
    team.write_text(TEAM_RULE.replace("severity: error", "severity: note"))
    changed = {r.id: r for r in load_rules([team], cache_dir)}
    assert changed["TEAM001"].severity == "note"


def test_digest_separates_parts() -> None:
    assert digest("ab", "c") != digest("a", "bc")


def test_code_fingerprint_follows_edits_to_the_tools_own_modules(tmp_path) -> None:
    """A development checkout changes code without bumping the version: caches must notice."""
    package = tmp_path / "pkg"
    (package / "checks").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    module = package / "checks" / "roles.py"
    module.write_text("RULE = 1\n")
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "x.py").write_text("ignored")
    first = cache_module.code_fingerprint(str(package))
    assert cache_module.code_fingerprint.__wrapped__(str(package)) == first  # stable
    os.utime(module, ns=(1, 1))
    assert cache_module.code_fingerprint.__wrapped__(str(package)) != first
    (package / "__pycache__" / "x.py").write_text("still ignored")
    second = cache_module.code_fingerprint.__wrapped__(str(package))
    (package / "checks" / "new.py").write_text("")
    assert cache_module.code_fingerprint.__wrapped__(str(package)) != second
