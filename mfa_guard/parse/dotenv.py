"""build.env parsing with the Leverage CLI's semantics (yaenv 1.5.3, leverage-domain.md §2.4).

Quotes are stripped, an unquoted `#` starts a comment even without a space, trailing blanks
and CR are dropped, the last assignment wins, `${X}` interpolates earlier keys, and a line
starting with `export ` makes yaenv raise "Invalid key" (every leverage command crashes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from mfa_guard.source import SourceFile
from mfa_guard.span import Span

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_LINE = re.compile(r"^(?P<indent>[ \t]*)(?P<export>export[ \t]+)?(?P<key>[^=#\s]+)[ \t]*=[ \t]*(?P<rest>.*)$")
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
    known: dict[str, Optional[str]] = {}
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
        entry = _entry(source, match, line_start, line_span, known)
        known[entry.key] = entry.value
        entries.append(entry)
    return EnvFile(source.path, directory, tuple(entries), tuple(problems))


def _entry(
    source: SourceFile,
    match: re.Match[str],
    line_start: int,
    line_span: Span,
    known: dict[str, Optional[str]],
) -> EnvEntry:
    rest, rest_start = match.group("rest"), line_start + match.start("rest")
    raw, quote = _split_value(rest)
    value: Optional[str] = raw[1:-1] if quote else raw
    if quote != "'" and value is not None:
        value = _interpolate(value, known)
    key_start = line_start + match.start("key")
    index = source.index
    return EnvEntry(
        key=match.group("key"),
        key_span=index.span(source.path, key_start, key_start + len(match.group("key"))),
        value=value,
        raw_value=raw,
        value_span=index.span(source.path, rest_start, rest_start + len(raw)),
        line_span=line_span,
        quote=quote,
        exported=match.group("export") is not None,
    )


def _split_value(rest: str) -> tuple[str, str]:
    """Return (raw value, quote char) with the inline comment and trailing blanks removed."""
    if rest[:1] in ("'", '"'):
        closing = rest.find(rest[0], 1)
        if closing > 0:
            return rest[: closing + 1], rest[0]
    return rest.split("#", 1)[0].rstrip(), ""


def _interpolate(value: str, known: dict[str, Optional[str]]) -> Optional[str]:
    unresolved = False

    def replace(match: re.Match[str]) -> str:
        nonlocal unresolved
        found = known.get(match.group(1))
        if found is None:
            unresolved = True
            return ""
        return found

    result = _INTERPOLATION.sub(replace, value)
    return None if unresolved else result
