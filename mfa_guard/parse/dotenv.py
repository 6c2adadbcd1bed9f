"""build.env parsing with the Leverage CLI's semantics (yaenv 1.5.3.post1, leverage-domain.md §2.4).

Quotes are stripped, an unquoted `#` starts a comment even without a space, trailing blanks
and CR are dropped, and a line starting with `export ` makes yaenv raise "Invalid key" (every
leverage command crashes). Values follow yaenv's own two steps (checked against it, see
tests/fixtures/yaenv/cases.yaml): a dict keeps the last value of each key, then every
*interpolatable* entry (not blank, not single-quoted) is written again in file order with its
`${...}` replaced from the values so far. So a later blank or single-quoted value never beats an
earlier interpolatable one, and a reference sees the value at its own line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Callable, Optional

from mfa_guard.source import SourceFile
from mfa_guard.span import Span

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_LINE = re.compile(r"^(?P<indent>[ \t]*)(?P<export>export[ \t]+)?(?P<key>[^=#\s]+)[ \t]*=[ \t]*(?P<rest>.*)$")
BOM_MESSAGE = "UTF-8 byte-order mark: yaenv reads it as part of the first key and rejects the file"
# yaenv substitutes with the greedy pattern r"\$\{([^}].*)?\}": `${A}${B}` is ONE reference to
# the name `A}${B`. references() finds the same matches in linear time (the regex is quadratic on
# a line of many `${` and no `}`).
YAENV_REFERENCE = r"\$\{([^}].*)?\}"
# A name a shell can export: when it is not in the file, its value comes from the environment.
_ENVIRONMENT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

# Bounds on interpolation (issue 16): real build.env files have a few short values and at most a
# couple of levels of `${X}`. Past a bound the value is unresolved (never guessed) and the line is
# reported (PAR001); the values that use it are unresolved too.
MAX_VALUE_CHARS = 64 * 1024  # one expanded value
MAX_EXPANDED_CHARS = 1024 * 1024  # all expanded values of one file together
MAX_INTERPOLATION_DEPTH = 32  # references through references
LIMIT_MESSAGE = (
    "build.env interpolation past mfa-guard's limit ({what}; limits: {value} characters per value, "
    "{total} per file, {depth} nested references): this value and the values using it are not checked"
)


@dataclass(frozen=True)
class EnvEntry:
    key: str
    key_span: Span
    value: Optional[str]  # after unquoting and interpolation at this line; None when it cannot be resolved
    raw_value: str  # as written, without the inline comment
    value_span: Span  # the raw value (empty span right after `=` when the value is empty)
    line_span: Span  # the whole line without its newline
    quote: str  # '"', "'" or ""
    exported: bool  # `export KEY=...`: yaenv rejects the whole file

    @property
    def interpolatable(self) -> bool:
        """yaenv's test for "written again in file order": not blank and not single-quoted."""
        return self.raw_value != "" and self.quote != "'"


@dataclass(frozen=True)
class EnvProblem:
    message: str
    span: Span


@dataclass(frozen=True)
class EnvFile:
    path: str
    directory: str  # repo-relative directory holding the file ("" for the root)
    entries: tuple[EnvEntry, ...]
    problems: tuple[EnvProblem, ...]

    def effective(self, key: str) -> Optional[EnvEntry]:
        """The assignment yaenv takes the value from: the last interpolatable one, else the last one."""
        found: Optional[EnvEntry] = None
        for entry in self.entries:
            if entry.key == key and (entry.interpolatable or found is None or not found.interpolatable):
                found = entry
        return found

    def all(self, key: str) -> tuple[EnvEntry, ...]:
        return tuple(entry for entry in self.entries if entry.key == key)

    def values(self) -> dict[str, Optional[str]]:
        """Every key with the value yaenv yields for it (None: unresolved), in first-seen order."""
        chosen: dict[str, EnvEntry] = {}
        for entry in self.entries:
            earlier = chosen.get(entry.key)
            if entry.interpolatable or earlier is None or not earlier.interpolatable:
                chosen[entry.key] = entry
        return {key: entry.value for key, entry in chosen.items()}


def parse_env(source: SourceFile, directory: str, *, environment: Optional[Callable[[str], str]] = None) -> EnvFile:
    """`environment` gives names that are not in the file (yaenv falls back to os.environ); without
    it their values are unresolved (None), never guessed."""
    entries: list[EnvEntry] = []
    problems: list[EnvProblem] = []
    if source.bom:
        # yaenv opens the file as plain UTF-8, so U+FEFF becomes part of the first key: "Invalid key".
        problems.append(EnvProblem(BOM_MESSAGE, source.index.span(source.path, 0, 0)))
    offset = 0
    for line in source.text.split("\n"):
        line_start, offset = offset, offset + len(line) + 1
        content = line[:-1] if line.endswith("\r") else line
        stripped = content.strip()
        if not stripped or stripped.startswith("#"):
            continue
        line_span = source.index.span(source.path, line_start, line_start + len(content))
        match = _LINE.match(content)
        if match is None or not _KEY.fullmatch(match.group("key")):
            problems.append(EnvProblem("not a KEY=value line; yaenv rejects the file", line_span))
            continue
        entries.append(_entry(source, match, line_start, line_span))
    interpolated, limit = _interpolate_all(entries, environment)
    if limit is not None:
        problems.append(limit)
    return EnvFile(source.path, directory, tuple(interpolated), tuple(problems))


def _entry(source: SourceFile, match: re.Match[str], line_start: int, line_span: Span) -> EnvEntry:
    """The entry with its unquoted value; `${...}` references are resolved afterwards."""
    rest, rest_start = match.group("rest"), line_start + match.start("rest")
    raw, quote = _split_value(rest)
    key_start = line_start + match.start("key")
    index = source.index
    return EnvEntry(
        key=match.group("key"),
        key_span=index.span(source.path, key_start, key_start + len(match.group("key"))),
        value=raw[1:-1] if quote else raw,
        raw_value=raw,
        value_span=index.span(source.path, rest_start, rest_start + len(raw)),
        line_span=line_span,
        quote=quote,
        exported=match.group("export") is not None,
    )


class _Interpolation:
    """yaenv's second step over one file, with mfa-guard's bounds."""

    def __init__(self, entries: list[EnvEntry], environment: Optional[Callable[[str], str]]) -> None:
        self.environment = environment
        self.current: dict[str, Optional[str]] = {entry.key: entry.value for entry in entries}  # dict(): last wins
        self.depth: dict[str, int] = {}
        self.expanded = 0
        self.limit: Optional[EnvProblem] = None

    def rewrite(self, entry: EnvEntry) -> EnvEntry:
        pieces, depth = self._substitute(entry.value or "")
        value: Optional[str] = None
        if pieces is not None:
            what = self._over_limit(sum(map(len, pieces)), depth)  # measured before anything large is built
            if what is None:
                value = "".join(pieces)
            elif self.limit is None:
                self.limit = EnvProblem(self._message(what), entry.line_span)
        self.current[entry.key] = value
        self.depth[entry.key] = depth
        return entry if value == entry.value else _with_value(entry, value)

    def _substitute(self, text: str) -> tuple[Optional[list[str]], int]:
        """(the value's pieces, or None when unresolved; the reference depth)."""
        pieces: list[str] = []
        depth, position = 0, 0
        for start, end, name in references(text):
            if name is None:
                found: Optional[str] = ""  # `${}`
            elif name in self.current:
                found = self.current[name]
                depth = max(depth, self.depth.get(name, 0) + 1)
            elif _ENVIRONMENT_NAME.match(name):
                found = None if self.environment is None else self.environment(name)  # never guessed
            else:
                found = ""  # no shell can export such a name; yaenv then substitutes ''
            if found is None:
                return None, depth
            pieces += (text[position:start], found)
            position = end
        pieces.append(text[position:])
        return pieces, depth

    def _over_limit(self, length: int, depth: int) -> Optional[str]:
        if depth == 0:
            return None  # nothing was substituted
        if depth > MAX_INTERPOLATION_DEPTH:
            return f"{depth} nested references"
        if length > MAX_VALUE_CHARS:
            return f"a value longer than {MAX_VALUE_CHARS} characters"
        self.expanded += length
        if self.expanded > MAX_EXPANDED_CHARS:
            return f"more than {MAX_EXPANDED_CHARS} expanded characters in the file"
        return None

    @staticmethod
    def _message(what: str) -> str:
        return LIMIT_MESSAGE.format(
            what=what, value=MAX_VALUE_CHARS, total=MAX_EXPANDED_CHARS, depth=MAX_INTERPOLATION_DEPTH
        )


def references(text: str) -> Iterator[tuple[int, int, Optional[str]]]:
    """(start, end, name or None for `${}`) of each match of YAENV_REFERENCE in a one-line value."""
    position = 0
    last_close = text.rfind("}")
    while True:
        start = text.find("${", position)
        if start < 0 or start + 2 >= len(text):
            return
        if text[start + 2] == "}":
            yield start, start + 3, None  # `${}`: the group is optional
            position = start + 3
            continue
        if last_close < start + 3:
            return  # no `}` left: no match here nor later
        yield start, last_close + 1, text[start + 2 : last_close]  # `.*` runs to the last `}`
        return


def _with_value(entry: EnvEntry, value: Optional[str]) -> EnvEntry:
    return EnvEntry(
        entry.key,
        entry.key_span,
        value,
        entry.raw_value,
        entry.value_span,
        entry.line_span,
        entry.quote,
        entry.exported,
    )


def _interpolate_all(
    entries: list[EnvEntry], environment: Optional[Callable[[str], str]]
) -> tuple[list[EnvEntry], Optional[EnvProblem]]:
    """Every interpolatable entry again, in file order, against the values so far (yaenv's loop)."""
    state = _Interpolation(entries, environment)
    result = [state.rewrite(entry) if entry.interpolatable else entry for entry in entries]
    return result, state.limit


def _split_value(rest: str) -> tuple[str, str]:
    """Return (raw value, quote char) with the inline comment and trailing blanks removed."""
    if rest[:1] in ("'", '"'):
        closing = rest.find(rest[0], 1)
        if closing > 0:
            return rest[: closing + 1], rest[0]
    return rest.split("#", 1)[0].rstrip(), ""
