"""build.env parsing with the Leverage CLI's semantics (yaenv 1.5.3, leverage-domain.md §2.4).

Quotes are stripped, an unquoted `#` starts a comment even without a space, trailing blanks
and CR are dropped, the last assignment wins, `${X}` interpolates earlier keys, and a line
starting with `export ` makes yaenv raise "Invalid key" (every leverage command crashes).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Callable, Optional

from mfa_guard.source import SourceFile
from mfa_guard.span import Span

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_LINE = re.compile(r"^(?P<indent>[ \t]*)(?P<export>export[ \t]+)?(?P<key>[^=#\s]+)[ \t]*=[ \t]*(?P<rest>.*)$")
BOM_MESSAGE = "UTF-8 byte-order mark: yaenv reads it as part of the first key and rejects the file"
_INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class EnvEntry:
    key: str
    key_span: Span
    value: Optional[str]  # after unquoting and interpolation; None when it cannot be resolved
    raw_value: str  # as written, without the inline comment
    value_span: Span  # the raw value (empty span right after `=` when the value is empty)
    line_span: Span  # the whole line without its newline
    quote: str  # '"', "'" or ""
    exported: bool  # `export KEY=...`: yaenv rejects the whole file


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
        """The assignment yaenv keeps: the last one."""
        found = None
        for entry in self.entries:
            if entry.key == key:
                found = entry
        return found

    def all(self, key: str) -> tuple[EnvEntry, ...]:
        return tuple(entry for entry in self.entries if entry.key == key)


def parse_env(source: SourceFile, directory: str) -> EnvFile:
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
    return EnvFile(source.path, directory, tuple(_interpolate_all(entries)), tuple(problems))


def _entry(source: SourceFile, match: re.Match[str], line_start: int, line_span: Span) -> EnvEntry:
    """The entry with its unquoted value; `${X}` references are resolved afterwards."""
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


def _interpolate_all(entries: list[EnvEntry]) -> list[EnvEntry]:
    """yaenv resolves `${X}` against the whole file (last assignment wins), before or after use."""
    final = {entry.key: entry for entry in entries}
    resolved: dict[str, Optional[str]] = {}

    def lookup(key: str, visiting: frozenset[str]) -> Optional[str]:
        if key in resolved:
            return resolved[key]
        entry = final.get(key)
        if entry is None or key in visiting or entry.value is None:
            return None  # unknown key or a cycle: never guessed
        value = entry.value if entry.quote == "'" else _interpolate(entry.value, lambda k: lookup(k, visiting | {key}))
        resolved[key] = value
        return value

    result = []
    for entry in entries:
        if entry.quote != "'" and entry.value is not None and "${" in entry.value:
            own = frozenset({entry.key})
            entry = dataclasses.replace(entry, value=_interpolate(entry.value, lambda k: lookup(k, own)))  # noqa: B023 - used at once
        result.append(entry)
    return result


def _split_value(rest: str) -> tuple[str, str]:
    """Return (raw value, quote char) with the inline comment and trailing blanks removed."""
    if rest[:1] in ("'", '"'):
        closing = rest.find(rest[0], 1)
        if closing > 0:
            return rest[: closing + 1], rest[0]
    return rest.split("#", 1)[0].rstrip(), ""


def _interpolate(value: str, lookup: Callable[[str], Optional[str]]) -> Optional[str]:
    unresolved = False

    def replace(match: re.Match[str]) -> str:
        nonlocal unresolved
        found = lookup(match.group(1))
        if found is None:
            unresolved = True
            return ""
        return found

    result = _INTERPOLATION.sub(replace, value)
    return None if unresolved else result
