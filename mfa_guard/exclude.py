"""gitignore-style globs for the `exclude` setting: decides, from a path alone, what is never read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mfa_guard.errors import UserError


class GlobError(UserError):
    """An `exclude` glob that cannot be used (a bad `[...]` range); exit code 2."""


# Tokens of a compiled glob. Matching simulates all positions at once (a set of states), so a
# glob with thousands of `*` costs time linear in the path, never exponential backtracking.
_LITERAL, _ONE, _CLASS, _STAR, _ANY, _DIRS = range(6)
Token = tuple[int, Any]  # (kind, argument)


@dataclass(frozen=True)
class Pattern:
    text: str
    tokens: tuple[Token, ...]
    negated: bool
    directory_only: bool

    def matches(self, path: str) -> bool:
        return _matches(self.tokens, path)


def _char_class(pattern: str, start: int, text: str) -> tuple[Token, int]:
    """`[...]` starting at `start` as (negated, ranges); an unclosed `[` is a literal."""
    end = pattern.find("]", start + 2 if pattern[start + 1 : start + 2] in ("!", "^", "]") else start + 1)
    if end < 0:
        return (_LITERAL, "["), start + 1
    body = pattern[start + 1 : end]
    negated = body[:1] in ("!", "^")
    body = body[1:] if negated else body
    ranges: list[tuple[str, str]] = []
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            low, high = body[i], body[i + 2]
            if low > high:
                raise GlobError(f"exclude {text!r}: bad character range {low}-{high} in [{body}]")
            ranges.append((low, high))
            i += 3
        else:
            ranges.append((body[i], body[i]))
            i += 1
    return (_CLASS, (negated, tuple(ranges))), end + 1


def _tokens(glob: str, text: str) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append((_DIRS, None))  # (?:.*/)? : nothing, or anything ending in `/`
            i += 3
        elif glob.startswith("/**", i) and i + 3 == len(glob):
            out += [(_LITERAL, "/"), (_ANY, None)]
            i += 3
        elif glob.startswith("**", i):
            out.append((_ANY, None))
            i += 2
        elif glob[i] == "*":
            out.append((_STAR, None))
            i += 1
        elif glob[i] == "?":
            out.append((_ONE, None))
            i += 1
        elif glob[i] == "[":
            token, i = _char_class(glob, i, text)
            out.append(token)
        elif glob[i] == "\\" and i + 1 < len(glob):
            out.append((_LITERAL, glob[i + 1]))
            i += 2
        else:
            out.append((_LITERAL, glob[i]))
            i += 1
    return out


def _steps(token: Token, char: str) -> bool:
    kind, argument = token
    if kind == _LITERAL:
        return bool(char == argument)
    if kind == _ONE:
        return char != "/"
    negated, ranges = argument
    inside = any(low <= char <= high for low, high in ranges)
    return char != "/" and inside != negated


def _closure(tokens: tuple[Token, ...], states: set[tuple[int, bool]]) -> set[tuple[int, bool]]:
    """Add the states reachable without reading a character: `*`, `**` and `**/` may match nothing."""
    stack = list(states)
    while stack:
        index, inside = stack.pop()
        if index < len(tokens) and not inside and tokens[index][0] in (_STAR, _ANY, _DIRS):
            nxt = (index + 1, False)
            if nxt not in states:
                states.add(nxt)
                stack.append(nxt)
    return states


def _matches(tokens: tuple[Token, ...], path: str) -> bool:
    states = _closure(tokens, {(0, False)})
    for char in path:
        following: set[tuple[int, bool]] = set()
        for index, _inside in states:
            if index == len(tokens):
                continue
            kind = tokens[index][0]
            if kind == _STAR:
                if char != "/":
                    following.add((index, False))
            elif kind == _ANY:
                following.add((index, False))
            elif kind == _DIRS:  # inside: reading the `.*` of `.*/`; a `/` may end it
                following.add((index, True))
                if char == "/":
                    following.add((index + 1, False))
            elif _steps(tokens[index], char):
                following.add((index + 1, False))
        if not following:
            return False
        states = _closure(tokens, following)
    return (len(tokens), False) in states


def compile_pattern(text: str) -> Pattern:
    glob, negated = (text[1:], True) if text.startswith("!") else (text, False)
    directory_only = glob.endswith("/")
    glob = glob.rstrip("/")
    # As in .gitignore: a slash at the start or in the middle anchors the glob at the root;
    # otherwise it matches a file or directory name at any depth.
    anchored = "/" in glob
    tokens = _tokens(glob.lstrip("/"), text)
    prefix: list[Token] = [] if anchored else [(_DIRS, None)]
    return Pattern(text, tuple(prefix + tokens), negated, directory_only)


class Excluder:
    """`excluded(relpath)` for discovery: the last matching pattern wins (`!` re-includes)."""

    def __init__(self, root: Path, patterns: Sequence[str]) -> None:
        self.root = root
        self.patterns = tuple(compile_pattern(p) for p in patterns)

    def __call__(self, relpath: str) -> bool:
        result = False
        for pattern in self.patterns:
            if pattern.matches(relpath) and (not pattern.directory_only or (self.root / relpath).is_dir()):
                result = not pattern.negated
        return result
