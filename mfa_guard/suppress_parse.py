"""Finding `# mfa-guard: ignore[...]` comments in the text of HCL files and build.env files."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Optional

from mfa_guard.parse.hcl_lexical import comments
from mfa_guard.source import SourceFile
from mfa_guard.span import Span

HCL_SUFFIXES = (".tf", ".tfvars", ".hcl", ".tfvars.example")
_DIRECTIVE = re.compile(r"\s*mfa-guard:")
_HEAD = re.compile(r"\s*(?P<kind>[A-Za-z-]*)\s*(?:\[(?P<targets>[^\]]*)\])?")
_FIELD = re.compile(r"\s+(?P<key>[A-Za-z_]+)=(?P<value>\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^\s\"']+)")
_TARGET = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
KINDS = {"ignore": "line", "ignore-file": "file"}
# What a message may quote from a suppression comment: text shaped like a rule id or name. The
# rest of a malformed comment is described by position only (it may hold a pasted secret).
_DATE_LIKE = re.compile(r"[0-9./-]{1,12}")
_QUOTABLE = re.compile(r"[A-Z]{2,5}[0-9]{3}|[a-z]{1,20}(?:-[a-z]{1,20}){0,5}")


def quotable(text: str) -> bool:
    return _QUOTABLE.fullmatch(text) is not None


def shown_target(text: str) -> str:
    """A rule list entry for a listing or an address: as written when rule-shaped, else `?`."""
    return text if quotable(text) else "?"


def shown_until(text: str) -> str:
    """An `until=` value for a message: as written when date-shaped, else `...`."""
    return text if _DATE_LIKE.fullmatch(text) else "..."


def quoted_target(text: str) -> str:
    """`text` quoted when it looks like a rule id or name, else only its length."""
    return repr(text) if quotable(text) else f"a {len(text)}-character word (not shown)"


@dataclass(frozen=True)
class Suppression:
    """One `mfa-guard:` comment. `error` is set when it is malformed (it then suppresses nothing)."""

    span: Span  # from `mfa-guard:` to the end of the comment
    comment: Span  # from the comment marker to the end of the comment
    own_line: bool  # nothing but blanks before the comment
    scope: str  # line | file
    targets: tuple[str, ...]  # ids or names as written
    targets_span: Optional[Span]  # the text between the brackets
    reason: Optional[str]
    until: Optional[str]  # as written
    error: Optional[str] = None
    covers: tuple[int, ...] = ()  # lines a line suppression applies to

    @property
    def path(self) -> str:
        return self.span.path

    @property
    def line(self) -> int:
        return self.span.line


def comment_style(path: str) -> Optional[str]:
    name = path.rsplit("/", 1)[-1]
    if name == "build.env":
        return "env"
    return "hcl" if name.endswith(HCL_SUFFIXES) else None


def _hcl_comment(line: str) -> Optional[tuple[int, int]]:
    """(marker start, body start) of the line's `#` or `//` comment, skipping strings and `/* */`."""
    for comment in comments(line):
        if not line.startswith("/*", comment.start):
            return comment.start, comment.body
    return None


def _env_comment(line: str) -> Optional[tuple[int, int]]:
    """yaenv: a whole-line `#`, or an unquoted `#` after the value (quotes only count at its start)."""
    stripped = line.lstrip()
    if stripped.startswith("#"):
        start = len(line) - len(stripped)
        return start, start + 1
    equals = line.find("=")
    if equals < 0:
        return None
    value_start = equals + 1 + (len(line[equals + 1 :]) - len(line[equals + 1 :].lstrip()))
    search_from = value_start
    if line[value_start : value_start + 1] in ("'", '"'):
        closing = line.find(line[value_start], value_start + 1)
        search_from = closing + 1 if closing > 0 else value_start
    hash_at = line.find("#", search_from)
    return None if hash_at < 0 else (hash_at, hash_at + 1)


def _unquote(value: str) -> str:
    if value[:1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    if value[:1] == "'":
        return value[1:-1]
    return value


def _parse_body(body: str) -> tuple[str, tuple[str, ...], Optional[tuple[int, int]], dict[str, str], Optional[str]]:
    """(kind, targets, targets offsets in body, fields, error) of the text after `mfa-guard:`."""
    head = _HEAD.match(body)
    assert head is not None  # the pattern accepts the empty string
    kind, raw_targets = head.group("kind"), head.group("targets")
    expected = "expected ignore[RULES] or ignore-file[RULES]"
    if kind not in KINDS:
        unknown = f"unknown directive {quoted_target(kind)}: {expected}"
        return kind, (), None, {}, unknown if kind else expected
    if raw_targets is None:
        return kind, (), None, {}, f"no rule list: {expected}"
    targets = tuple(t.strip() for t in raw_targets.split(","))
    bad = [t for t in targets if not _TARGET.fullmatch(t)]
    if bad:
        number = targets.index(bad[0]) + 1
        return (
            kind,
            (),
            None,
            {},
            f"rule {number} of the list is not a rule id or name" if bad[0] else "empty rule in the list",
        )
    fields: dict[str, str] = {}
    rest, position = body[head.end() :].rstrip(), 0
    while position < len(rest):
        match = _FIELD.match(rest, position)
        if match is None:
            tail = rest[position:]
            column = head.end() + position + len(tail) - len(tail.lstrip()) + 1
            return kind, targets, None, fields, f"unexpected text at character {column} after `mfa-guard:` (not shown)"
        key = match.group("key")
        if key not in ("reason", "until") or key in fields:
            problem = "repeated" if key in fields else "unknown"
            return (
                kind,
                targets,
                None,
                fields,
                f'{problem} field {quoted_target(key)} (fields: reason="...", until=YYYY-MM-DD)',
            )
        fields[key] = _unquote(match.group("value"))
        position = match.end()
    return kind, targets, (head.start("targets"), head.end("targets")), fields, None


def _suppression(source: SourceFile, line_start: int, line: str, marker: tuple[int, int]) -> Optional[Suppression]:
    body_start = marker[1]
    directive = _DIRECTIVE.match(line, body_start)
    if directive is None:
        return None  # an ordinary comment
    body = line[directive.end() :]
    kind, targets, target_offsets, fields, error = _parse_body(body)
    end = line_start + len(line.rstrip())
    index, path = source.index, source.path
    span = index.span(path, line_start + directive.end() - len("mfa-guard:"), end)
    targets_span = None
    if target_offsets is not None:
        base = line_start + directive.end()
        targets_span = index.span(path, base + target_offsets[0], base + target_offsets[1])
    return Suppression(
        span=span,
        comment=index.span(path, line_start + marker[0], end),
        own_line=not line[: marker[0]].strip(),
        scope=KINDS.get(kind, "line"),
        targets=targets,
        targets_span=targets_span,
        reason=fields.get("reason") or None,
        until=fields.get("until"),
        error=error,
    )


def scan_source(source: SourceFile) -> list[Suppression]:
    style = comment_style(source.path)
    if style is None or "mfa-guard:" not in source.text:
        return []  # cheap text check before looking at lines
    find = _env_comment if style == "env" else _hcl_comment
    found: list[Suppression] = []
    offset = 0
    for raw in source.text.split("\n"):
        line_start, offset = offset, offset + len(raw) + 1
        line = raw[:-1] if raw.endswith("\r") else raw
        if "mfa-guard:" not in line:
            continue
        marker = find(line)
        suppression = _suppression(source, line_start, line, marker) if marker else None
        if suppression is not None:
            found.append(suppression)
    return _with_coverage(found)


def _with_coverage(found: list[Suppression]) -> list[Suppression]:
    """A trailing comment covers its line; a comment on a line of its own also covers the next
    line that is not itself a suppression comment (so several can be stacked above one line)."""
    own_lines = {s.line for s in found if s.own_line}
    result = []
    for suppression in found:
        covers = [suppression.line]
        if suppression.own_line:
            following = suppression.line + 1
            while following in own_lines:
                following += 1
            covers.append(following)
        result.append(_replace_covers(suppression, tuple(covers)))
    return result


def _replace_covers(suppression: Suppression, covers: tuple[int, ...]) -> Suppression:
    import dataclasses

    return dataclasses.replace(suppression, covers=covers)


def scan_project(sources: Mapping[str, SourceFile]) -> Iterator[Suppression]:
    for path in sorted(sources):
        yield from scan_source(sources[path])
