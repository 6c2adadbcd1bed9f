"""The parse and rules caches: invalidated by content, tool version and rule changes; survive corruption."""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
from pathlib import Path

import pytest

from mfa_guard import cache as cache_module
from mfa_guard.cache import DataStore, project_store, rules_store
from mfa_guard.hashing import digest
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
    "garbage",
    [b"", b"not json", pickle.dumps(("foreign", {"x": 1}))[:-3], b"[1, 2]\n{}", b'HEADER\n{"k": [1, 2'],
)
def test_corrupt_cache_is_ignored_and_rebuilt(project, tmp_path, garbage: bytes) -> None:
    root = project("p1")
    cache_dir = tmp_path / "cache"
    expected = load_project(root, LoadOptions(cache_dir=None))
    store_path = project_store(cache_dir, root).path
    assert store_path is not None
    store_path.parent.mkdir(parents=True)
    header = DataStore(None, "parse").header
    store_path.write_bytes(garbage.replace(b"HEADER\n", header))
    again = load_project(root, LoadOptions(cache_dir=cache_dir))
    assert again.documents == expected.documents
    rebuilt = store_path.read_bytes()  # the cache format changed to JSON data (issue 16): no pickle
    assert rebuilt.startswith(header) and isinstance(json.loads(rebuilt[len(header) :]), dict)


class _RunsCode:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.mkdir, (str(self.marker),))


def test_a_planted_pickle_never_runs(project, tmp_path) -> None:
    """Issue 16 item 1: a cache file is data; the old pickle store ran this on load."""
    root = project("p0")
    cache_dir = tmp_path / "cache"
    marker = tmp_path / "ran"
    for store in (project_store(cache_dir, root), rules_store(cache_dir)):
        assert store.path is not None
        store.path.parent.mkdir(parents=True, exist_ok=True)
        payload = pickle.dumps((store.header, _RunsCode(marker)))
        store.path.write_bytes(payload)
        store.path.with_suffix(".pickle").write_bytes(payload)  # the old names too
    load_project(root, LoadOptions(cache_dir=cache_dir))
    load_rules([], cache_dir)
    assert not marker.exists()


def test_the_header_is_checked_before_the_body_is_decoded(tmp_path, monkeypatch) -> None:
    path = tmp_path / "store.json"
    store = DataStore(path, "parse")
    store.put("k", [1, 2])
    store.save()
    assert DataStore(path, "parse").get("k") == [1, 2]
    decoded: list[bytes] = []
    real_loads = json.loads
    monkeypatch.setattr(cache_module.json, "loads", lambda data, **kw: decoded.append(data) or real_loads(data))
    assert DataStore(path, "results").get("k") is None  # another scope: a different header
    monkeypatch.setattr(cache_module, "__version__", "999.0")
    assert DataStore(path, "parse").get("k") is None
    assert decoded == []


def test_a_malformed_entry_under_a_valid_header_is_a_miss(tmp_path) -> None:
    path = tmp_path / "store.json"
    header = project_store(None, tmp_path).header
    path.write_bytes(header + b'{"k": {"path": "a.tf", "body": [[["x"]], []]}}')
    store = project_store(None, tmp_path)
    store.path = path
    store.raw = store._load()
    assert store.get("k") is None


def _fixture_sources() -> list[tuple[str, Path]]:
    from tests.fixture_tree import CASES, PHASES, PROJECTS

    found = []
    for base in (PROJECTS, PHASES, CASES):
        for path in sorted(base.rglob("*")):
            if path.is_file() and path.suffix in (".tf", ".tfvars"):
                found.append((str(path.relative_to(base)), path))
    return found


def _yaml_sources() -> list[tuple[str, str]]:
    """HCL texts embedded in phase and case YAML files (`files: {path: text}`)."""
    import yaml

    from tests.fixture_tree import CASES, PHASES

    found = []
    for path in sorted([*PHASES.rglob("*.yaml"), *CASES.rglob("*.yaml")]):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        stack = [spec]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                for key, value in node.items():
                    if isinstance(value, str) and str(key).endswith((".tf", ".tfvars")):
                        found.append((str(key), value))
                    else:
                        stack.append(value)
            elif isinstance(node, list):
                stack.extend(node)
    return found


def test_every_fixture_document_round_trips_through_the_cache_format(project) -> None:
    from mfa_guard.parse.hcl import parse_hcl
    from mfa_guard.parse.hcl_types import HclDocument, HclSyntaxError
    from mfa_guard.parse_codec import parse_result_from_data, parse_result_to_data
    from mfa_guard.source import SourceFile

    texts = [(name, path.read_text(encoding="utf-8")) for name, path in _fixture_sources()]
    for base in ("p0",):
        root = project(base)
        texts += [(str(p.relative_to(root)), p.read_text(encoding="utf-8")) for p in sorted(root.rglob("*.tf*"))]
    texts += _yaml_sources()
    documents = 0
    for name, text in texts:
        try:
            result: object = parse_hcl(SourceFile(name, name, text))
            documents += 1
        except HclSyntaxError as exc:
            result = (exc.message, exc.line, exc.column)
        data = json.loads(json.dumps(parse_result_to_data(result)))  # type: ignore[arg-type]
        assert parse_result_from_data(data) == result, name
        if isinstance(result, HclDocument):
            assert parse_result_from_data(data).body.blocks == result.body.blocks
    assert documents > 50


def test_rules_and_results_round_trip_through_the_cache_format(tmp_path) -> None:
    from mfa_guard.analysis import analyse
    from mfa_guard.cache_codec import rules_from_data, rules_to_data
    from mfa_guard.prepare import Options
    from mfa_guard.project_info import project_info
    from mfa_guard.results_cache import Outcome, entry_from_data, entry_to_data

    rules = load_rules([])
    assert rules_from_data(json.loads(json.dumps(rules_to_data(rules)))) == rules
    from tests.fixture_tree import CASES, build_case, load_case

    root = build_case(load_case(CASES / "ENV" / "ENV001-export.yaml"), tmp_path / "case")
    analysis = analyse(Options(path=root))
    assert any(f.fix is not None for f in analysis.findings)
    recorded = {"a.tf": (b"\x00\xff" * 8, None), "b.tf": (b"\x01" * 16, (12, 10**18, 10**18 + 1, 42, 7))}
    entry = (recorded, Outcome(tuple(analysis.findings), project_info(analysis.project), 3))
    assert entry_from_data(json.loads(json.dumps(entry_to_data(entry)))) == entry


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
