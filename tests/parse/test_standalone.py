"""The shipped parser: made from the installed python-hcl2's grammar, never rebuilt at run time."""

from __future__ import annotations

import copy
import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from mfa_guard.parse import hcl2_standalone as shipped
from mfa_guard.parse import hcl_parser, standalone_gen
from mfa_guard.parse.hcl import parse_hcl
from mfa_guard.source import SourceFile

TEXT = 'terraform {\n  backend "s3" {\n    key = "a/b"\n  }\n}\nx = [1, { y = "${var.z}" }]\nn = -2\n'
_TABLE_LINE = re.compile(r"^(DATA|MEMO) = \($\n^.*$\n^\)$", re.MULTILINE)


@pytest.fixture
def fresh_parsers() -> Iterator[None]:
    """Forget the parsers this process built, before and after."""
    grammar = hcl_parser.installed_grammar  # the real one: a test may replace it
    hcl_parser._parser.cache_clear()
    grammar.cache_clear()
    yield
    hcl_parser._parser.cache_clear()
    grammar.cache_clear()


def source(text: str = TEXT) -> SourceFile:
    return SourceFile("main.tf", Path("main.tf"), text)


@pytest.mark.slow  # builds the tables (~4 s)
def test_shipped_tables_are_the_installed_python_hcl2_grammar_compiled_now() -> None:
    directory = standalone_gen.hcl2_dir()
    assert directory is not None
    assert standalone_gen.grammar_digest(directory) == shipped.GRAMMAR_SHA256
    data, memo = standalone_gen.tables()
    assert standalone_gen.canonical(shipped.DATA, shipped.MEMO) == standalone_gen.canonical(data, memo)


@pytest.mark.slow  # builds the tables (~4 s)
def test_shipped_module_is_what_the_generator_writes_apart_from_table_numbering() -> None:
    committed = standalone_gen.GENERATED.read_text(encoding="utf-8")
    regenerated = standalone_gen.generate()
    assert _TABLE_LINE.sub("", committed) == _TABLE_LINE.sub("", regenerated)
    assert len(_TABLE_LINE.findall(committed)) == 2


def test_canonical_form_sees_a_changed_table_entry() -> None:
    data = copy.deepcopy(shipped.DATA)
    states = data["parser"]["parser"]["states"]
    state = next(s for s, actions in states.items() if any(a == 1 for a, _ in actions.values()))
    token, (action, rule) = next((t, v) for t, v in states[state].items() if v[0] == 1)
    other = next(r for r in data["rules"] if r != rule)
    states[state][token] = (action, other)
    assert standalone_gen.canonical(data, shipped.MEMO) != standalone_gen.canonical(shipped.DATA, shipped.MEMO)


def test_parsing_never_builds_tables(fresh_parsers: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """No grammar compiler and no LALR analysis: the shipped tables are used as they are."""
    import lark.load_grammar
    import lark.parsers.lalr_analysis

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("lark built parser tables")

    monkeypatch.setattr(lark.parsers.lalr_analysis.LALR_Analyzer, "__init__", refuse)
    monkeypatch.setattr(lark.load_grammar.GrammarBuilder, "__init__", refuse)
    document = parse_hcl(source(), cache_dir=None)
    assert hcl_parser.hcl_parser().standalone
    assert [b.type for b in document.body.blocks] == ["terraform"]
    backend = document.body.blocks[0].body.blocks[0]
    assert (backend.labels, backend.span.line, backend.span.column) == (("s3",), 2, 3)


@pytest.mark.slow  # builds the tables (~4 s)
def test_other_grammar_falls_back_to_lark_with_the_same_result(
    fresh_parsers: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = parse_hcl(source())
    directory = standalone_gen.hcl2_dir()
    monkeypatch.setattr(hcl_parser, "installed_grammar", lambda: (directory, "f" * 64))
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    parser = hcl_parser.hcl_parser(cache)
    assert not parser.standalone
    assert parse_hcl(source(), cache) == expected
    assert [p.name for p in cache.iterdir()] == ["hcl2-ffffffffffffffff-lalr.bin"]


@pytest.mark.slow  # builds the tables (~4 s)
@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_fallback_never_caches_tables_where_another_user_could_write(
    fresh_parsers: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(hcl_parser, "installed_grammar", lambda: (standalone_gen.hcl2_dir(), "e" * 64))
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    planted = shared / "hcl2-eeeeeeeeeeeeeeee-lalr.bin"
    planted.write_bytes(b"not a table: loading this would be a bug")
    with caplog.at_level(logging.INFO, logger="mfa_guard.parse.hcl_parser"):
        assert parse_hcl(source(), shared).body.blocks[0].type == "terraform"
    assert planted.read_bytes() == b"not a table: loading this would be a bug"
    assert [p.name for p in shared.iterdir()] == [planted.name]
    assert "another user owns it or can write to it" in caplog.text


def test_private_dir_is_owned_by_this_user_and_written_by_no_one_else(tmp_path: Path) -> None:
    tmp_path.chmod(0o700)
    assert hcl_parser.private_dir(tmp_path)
    tmp_path.chmod(0o720)
    assert not hcl_parser.private_dir(tmp_path) or os.name != "posix"
    assert not hcl_parser.private_dir(tmp_path / "missing")
