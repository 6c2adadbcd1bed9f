"""The LALR parser for python-hcl2's grammar, ready to use, with bounds on the work one file may cost.

The tables ship with the package (`hcl2_standalone.py`, generated from python-hcl2's grammar by
`standalone_gen.py`), so no run builds them (~3.5 s) and none loads a table file from a cache
directory. Only when the installed python-hcl2's grammar differs from the one the tables were made
from (a forced install of another version) is the parser built with lark, its tables cached (lark's
cache is a pickle) only in the cache directory handed in, and only if this user owns it and no one
else can write to it.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from mfa_guard.log import get_logger
from mfa_guard.parse.standalone_gen import grammar_digest, hcl2_dir

log = get_logger(__name__)

# Bounds on one file (README "Limits"). A real configuration file has a few thousand tokens and
# nests a handful of brackets; 100,000 tokens parse in about 3 s on a slow machine.
MAX_TOKENS = 100_000
MAX_SECONDS = 20.0  # a backstop: the token bound stops hostile files first on any idle machine
MAX_NESTING = 100
_CHECK_CLOCK_EVERY = 1024
_OPENING = frozenset({"LBRACE", "LSQB", "LPAR", "INTERP_START", "DIRECTIVE_START", "FULL_SPLAT_START"})
_CLOSING = frozenset({"RBRACE", "RSQB", "RPAR"})


class BoundExceeded(Exception):
    """A file would cost more than a bound allows; located at the token where it was reached."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


@dataclass(frozen=True)
class HclParser:
    """A parser with the exception classes of the lark it was built by (standalone or installed)."""

    lark: Any
    unexpected_input: type[Exception]
    lark_error: type[Exception]
    standalone: bool

    def parse(self, text: str) -> Any:
        return self.lark.parse(text)


class _BoundedPostLexer:
    """python-hcl2's postlexer, counting tokens, bracket depth and time as they stream past."""

    always_accept = ()

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def process(self, stream: Iterator[Any]) -> Iterator[Any]:
        started = time.monotonic()
        depth = 0
        for count, token in enumerate(self.inner.process(stream), 1):
            kind = token.type
            if kind in _OPENING:
                depth += 1
                if depth > MAX_NESTING:
                    raise _exceeded(f"HCL syntax error: nested more than {MAX_NESTING} levels deep", token)
            elif kind in _CLOSING:
                depth -= 1
            if count > MAX_TOKENS:
                raise _exceeded(f"file too large to check: more than {MAX_TOKENS:,} HCL tokens", token)
            if count % _CHECK_CLOCK_EVERY == 0 and time.monotonic() - started > MAX_SECONDS:
                raise _exceeded(f"file too slow to check: parsing took more than {MAX_SECONDS:g} s", token)
            yield token


def _exceeded(message: str, token: Any) -> BoundExceeded:
    return BoundExceeded(message, getattr(token, "line", None) or 1, getattr(token, "column", None) or 1)


def hcl_parser(cache_dir: Optional[Path] = None) -> HclParser:
    """The shipped parser when it matches the installed python-hcl2, else lark's (see module doc)."""
    directory, digest = installed_grammar()
    return _parser(directory, digest, cache_dir)


@functools.cache
def installed_grammar() -> tuple[Optional[str], str]:
    """(python-hcl2's directory, its grammar's digest), read once per process (~0.2 ms)."""
    directory = hcl2_dir()
    return directory, grammar_digest(directory) if directory else ""


@functools.cache
def _parser(directory: Optional[str], digest: str, cache_dir: Optional[Path]) -> HclParser:
    from mfa_guard.parse import hcl2_standalone as shipped

    if digest == shipped.GRAMMAR_SHA256 or directory is None:
        return HclParser(
            shipped.Lark_StandAlone(postlex=_BoundedPostLexer(shipped.PostLexer())),
            shipped.UnexpectedInput,
            shipped.LarkError,
            standalone=True,
        )
    log.info(
        "the installed python-hcl2's grammar differs from the one mfa-guard's parser was made from "
        "(python-hcl2 %s): building the parser with lark",
        shipped.HCL2_VERSION,
    )
    return _built(directory, digest, cache_dir)


def _built(directory: str, digest: str, cache_dir: Optional[Path]) -> HclParser:
    from hcl2.postlexer import PostLexer
    from lark import Lark
    from lark.exceptions import LarkError, UnexpectedInput

    cache: Any = False
    if cache_dir is not None and private_dir(cache_dir):
        cache = str(cache_dir / f"hcl2-{digest[:16]}-lalr.bin")
    elif cache_dir is not None:
        log.info("not caching parser tables in %s: another user owns it or can write to it", cache_dir)
    lark = Lark.open(
        os.path.join(directory, "hcl2.lark"),
        parser="lalr",
        lexer="contextual",
        cache=cache,
        propagate_positions=True,
        postlex=_BoundedPostLexer(PostLexer()),
    )
    return HclParser(lark, UnexpectedInput, LarkError, standalone=False)


def private_dir(path: Path) -> bool:
    """A directory this user owns and neither group nor others can write: a pickle there is ours."""
    if sys.platform == "win32":
        return True  # no POSIX modes; the per-user profile directory is private
    try:
        stat = os.stat(path)
    except OSError:
        return False
    return stat.st_uid == os.getuid() and not stat.st_mode & 0o022
