"""Writes `hcl2_standalone.py`: python-hcl2's grammar compiled to LALR tables once, by a developer.

Building the tables takes ~3.5 s; doing it at development time means no run on any machine (a fresh
CI runner, a new laptop, `--no-cache`) ever pays it, and no table file is ever loaded from a cache
directory (lark's cache is a pickle). The generated module is lark's own standalone parser
(`lark.tools.standalone`) for python-hcl2's `hcl2.lark`, plus python-hcl2's `postlexer.py`, so
python-hcl2 stays the grammar's source. `tests/parse/test_standalone.py` regenerates it from the
installed python-hcl2 and compares; at run time `hcl_parser.py` checks the installed grammar's
digest and falls back to lark when it differs.

Regenerate after upgrading python-hcl2 or lark: `python -m mfa_guard.parse.standalone_gen`.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import sys
from pathlib import Path
from typing import Any, Optional

GENERATED = Path(__file__).with_name("hcl2_standalone.py")
GRAMMAR_FILES = ("hcl2.lark", "postlexer.py")


def hcl2_dir() -> Optional[str]:
    """python-hcl2's package directory, found as the import system would, without importing it
    (importing hcl2 imports lark: ~100 ms)."""
    for entry in sys.path:
        candidate = os.path.join(entry or os.curdir, "hcl2")
        if os.path.isfile(os.path.join(candidate, "hcl2.lark")):
            return candidate
    return None


def grammar_digest(directory: str) -> str:
    """sha256 over the files the generated parser is made from (the grammar and the postlexer)."""
    h = hashlib.sha256()
    for name in GRAMMAR_FILES:
        with open(os.path.join(directory, name), "rb") as handle:
            h.update(name.encode() + b"\0" + handle.read() + b"\0")
    return h.hexdigest()


def _embedded_postlexer(directory: str) -> str:
    """python-hcl2's postlexer, using the standalone module's own Token instead of lark's."""
    source = Path(directory, "postlexer.py").read_text(encoding="utf-8")
    lines = [line for line in source.splitlines() if line.strip() != "from lark import Token"]
    if len(lines) == len(source.splitlines()):
        raise RuntimeError("python-hcl2's postlexer.py no longer imports Token from lark: update standalone_gen.py")
    return "\n".join(lines) + "\n"


_REGEX_IMPORT = """try:
    import regex
    _has_regex = True
except ImportError:
    _has_regex = False
"""
# The parser runs with `re` (lark's regex=False, python-hcl2's grammar has no \p{} classes); importing
# the `regex` package anyway would cost ~15 ms a run.
_NO_REGEX = "_has_regex = False  # mfa-guard: the parser uses re; see standalone_gen.py\n"


# lark's Serialize.deserialize builds a namespace dict before it looks for a memo reference; the
# tables hold ~26,000 references (every reduce action names its rule), ~25 ms of every parse run.
# Looking for the reference first returns the same objects.
_DESERIALIZE = """        namespace = getattr(cls, '__serialize_namespace__', [])
        namespace = {c.__name__:c for c in namespace}

        fields = getattr(cls, '__serialize_fields__')

        if '@' in data:
            return memo[data['@']]
"""
_MEMO_FIRST = """        if '@' in data:  # mfa-guard: a memo reference first; see standalone_gen.py
            return memo[data['@']]

        namespace = getattr(cls, '__serialize_namespace__', [])
        namespace = {c.__name__:c for c in namespace}

        fields = getattr(cls, '__serialize_fields__')
"""


# lark's PropagatePositions sets line, column and position, each twice (own and container), at
# every tree node; mfa-guard reads only a tree's start_pos and end_pos (parse/hcl.py), so the
# shipped parser keeps those (with the same container rule) and skips the rest. A rule that passes
# its only child through (`?rule`) leaves that child's positions as they are, so it returns first:
# most reductions of an expression are such pass-throughs.
_PROPAGATE = """            res_meta = res.meta

            first_meta = self._pp_get_meta(children)
            if first_meta is not None:
                if not hasattr(res_meta, 'line'):
                    ##

                    res_meta.line = getattr(first_meta, 'container_line', first_meta.line)
                    res_meta.column = getattr(first_meta, 'container_column', first_meta.column)
                    res_meta.start_pos = getattr(first_meta, 'container_start_pos', first_meta.start_pos)
                    res_meta.empty = False

                res_meta.container_line = getattr(first_meta, 'container_line', first_meta.line)
                res_meta.container_column = getattr(first_meta, 'container_column', first_meta.column)
                res_meta.container_start_pos = getattr(first_meta, 'container_start_pos', first_meta.start_pos)

            last_meta = self._pp_get_meta(reversed(children))
            if last_meta is not None:
                if not hasattr(res_meta, 'end_line'):
                    res_meta.end_line = getattr(last_meta, 'container_end_line', last_meta.end_line)
                    res_meta.end_column = getattr(last_meta, 'container_end_column', last_meta.end_column)
                    res_meta.end_pos = getattr(last_meta, 'container_end_pos', last_meta.end_pos)
                    res_meta.empty = False

                res_meta.container_end_line = getattr(last_meta, 'container_end_line', last_meta.end_line)
                res_meta.container_end_column = getattr(last_meta, 'container_end_column', last_meta.end_column)
                res_meta.container_end_pos = getattr(last_meta, 'container_end_pos', last_meta.end_pos)
"""
_POSITIONS_ONLY = """            if len(children) == 1 and res is children[0]:
                return res  # mfa-guard: a pass-through keeps its positions; see standalone_gen.py
            res_meta = res.meta

            first_meta = self._pp_get_meta(children)
            if first_meta is not None:
                start = getattr(first_meta, 'container_start_pos', first_meta.start_pos)
                if not hasattr(res_meta, 'start_pos'):
                    res_meta.start_pos = start
                    res_meta.empty = False
                res_meta.container_start_pos = start

            last_meta = self._pp_get_meta(reversed(children))
            if last_meta is not None:
                end = getattr(last_meta, 'container_end_pos', last_meta.end_pos)
                if not hasattr(res_meta, 'end_pos'):
                    res_meta.end_pos = end
                    res_meta.empty = False
                res_meta.container_end_pos = end
"""


# lark's module-level logger is set to CRITICAL and only ever logs below it; importing logging for
# it is ~6 ms of every run that parses. The shipped parser's logger ignores those calls.
_LOGGER = """import sys, re
import logging
from dataclasses import dataclass
from typing import Generic, AnyStr

logger: logging.Logger = logging.getLogger("lark")
logger.addHandler(logging.StreamHandler())
##

##

logger.setLevel(logging.CRITICAL)
"""
_QUIET_LOGGER = """import sys, re
from dataclasses import dataclass
from typing import Generic, AnyStr


class _QuietLogger:  # mfa-guard: lark's logger at CRITICAL, without logging; see standalone_gen.py
    def _ignore(self, *args, **kwargs):
        pass

    debug = info = warning = exception = _ignore


logger = _QuietLogger()
"""


def generate() -> str:
    """The generated module's text, from the installed python-hcl2 and lark."""
    import lark
    from hcl2.version import version as hcl2_version
    from lark.tools.standalone import gen_standalone

    directory = _installed()
    if "\\p{" in Path(directory, "hcl2.lark").read_text(encoding="utf-8"):
        raise RuntimeError("python-hcl2's grammar uses Unicode classes: the parser needs `regex` now")
    out = io.StringIO()
    gen_standalone(_build(directory), out=out)  # type: ignore[no-untyped-call]
    code = out.getvalue()
    if any(code.count(original) != 1 for original in (_REGEX_IMPORT, _DESERIALIZE, _PROPAGATE, _LOGGER)):
        raise RuntimeError("lark's standalone code is no longer what standalone_gen.py patches: update it")
    header = (
        "# Generated by `python -m mfa_guard.parse.standalone_gen`: do not edit.\n"
        f"# python-hcl2 {hcl2_version}'s hcl2.lark and postlexer.py, compiled by lark {lark.__version__}'s\n"
        "# standalone tool (its generated code is under the Mozilla Public License 2.0, see below).\n"
        f'HCL2_VERSION = "{hcl2_version}"\n'
        f'GRAMMAR_SHA256 = "{grammar_digest(directory)}"\n'
    )
    postlexer = "\n# python-hcl2's postlexer.py\n" + _embedded_postlexer(directory)
    return header + _patched(code) + postlexer


def _patched(code: str) -> str:
    patches = (
        (_REGEX_IMPORT, _NO_REGEX),
        (_DESERIALIZE, _MEMO_FIRST),
        (_PROPAGATE, _POSITIONS_ONLY),
        (_LOGGER, _QUIET_LOGGER),
    )
    for original, replacement in patches:
        code = code.replace(original, replacement)
    return code


def tables() -> tuple[Any, Any]:
    """(DATA, MEMO) as `gen_standalone` writes them, built now from the installed python-hcl2."""
    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    data, memo = _build(_installed()).memo_serialize([TerminalDef, Rule])
    return data, memo


def _installed() -> str:
    directory = hcl2_dir()
    if directory is None:
        raise RuntimeError("python-hcl2 is not installed")
    return directory


@functools.cache
def _build(directory: str) -> Any:
    """The options `hcl_parser` runs with (lark's default lexer for LALR is the contextual one)."""
    from lark import Lark

    grammar = Path(directory, "hcl2.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="contextual", propagate_positions=True)


def canonical(data: Any, memo: Any) -> Any:
    """The tables with lark's arbitrary numbering taken out, for comparing two generations.

    lark numbers tokens and LALR states differently from one run to the next (even with a fixed
    hash seed), so states are renumbered breadth-first from the start state, following actions in
    token-name order; tokens and rules are written out by value.
    """

    def resolve(value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {"@"}:
                return resolve(memo[value["@"]])
            return tuple(sorted((k, resolve(v)) for k, v in value.items()))
        if isinstance(value, (list, tuple)):
            return tuple(resolve(v) for v in value)
        return value

    frontend = data["parser"]
    table = frontend["parser"]
    tokens, states = table["tokens"], table["states"]
    start = table["start_states"]["start"]
    numbers = {start: 0}
    queue: list[Any] = [start]
    rows: list[tuple[tuple[str, str, Any], ...]] = []
    while queue:
        state = queue.pop(0)
        row: list[tuple[str, str, Any]] = []
        for token, (action, argument) in sorted(states[state].items(), key=lambda item: tokens[item[0]]):
            if action == 0:  # shift (or goto): the target state
                if argument not in numbers:
                    numbers[argument] = len(numbers)
                    queue.append(argument)
                row.append((tokens[token], "shift", numbers[argument]))
            else:
                row.append((tokens[token], "reduce", repr(resolve(argument))))
        rows.append(tuple(row))
    lexer = dict(frontend["lexer_conf"])
    terminals = sorted(repr(resolve(t)) for t in lexer.pop("terminals"))
    rules = sorted(repr(resolve(r)) for r in data["rules"])
    return (
        tuple(rows),
        len(numbers) == len(states),
        numbers[table["end_states"]["start"]],
        terminals,
        rules,
        resolve(lexer),
        resolve(data["options"]),
    )


def main() -> None:
    GENERATED.write_text(generate(), encoding="utf-8")
    print(f"wrote {GENERATED}")


if __name__ == "__main__":
    main()
