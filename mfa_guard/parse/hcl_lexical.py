"""One small HCL lexical scanner: quoted strings and `#`, `//`, `/* */` comments, by offset.

Used where the full parser is too much or has already failed: blanking comments in an
expression, finding a line's comment for suppressions, locating a quote left open.
Quoted strings cannot span lines in HCL, so a string still open at a newline ends there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple, Optional


class Comment(NamedTuple):
    start: int  # the marker
    body: int  # just after the marker
    end: int  # the end of the comment (before the newline of a line comment)


def _scan(text: str) -> Iterator[tuple[str, int, int, int]]:
    """Yield ("comment", start, body, end) and ("open", quote, 0, 0) for a string left open at a line end."""
    index, length, quote = 0, len(text), -1
    while index < length:
        char = text[index]
        if quote >= 0:
            if char == "\\":
                index += 1
            elif char == '"':
                quote = -1
            elif char == "\n":
                yield "open", quote, 0, 0
                quote = -1
        elif char == '"':
            quote = index
        elif char == "#" or text.startswith("//", index):
            end = text.find("\n", index)
            end = length if end < 0 else end
            yield "comment", index, index + (1 if char == "#" else 2), end
            index = end - 1
        elif text.startswith("/*", index):
            end = text.find("*/", index + 2)
            end = length if end < 0 else end + 2
            yield "comment", index, index + 2, end
            index = end - 1
        index += 1
    if quote >= 0:
        yield "open", quote, 0, 0


def comments(text: str) -> Iterator[Comment]:
    for kind, start, body, end in _scan(text):
        if kind == "comment":
            yield Comment(start, body, end)


def without_comments(text: str) -> str:
    """`text` with every comment outside strings blanked: same length, same line breaks."""
    if "#" not in text and "/" not in text:
        return text  # the common case: nothing to blank
    chars = list(text)
    for comment in comments(text):
        chars[comment.start : comment.end] = ["\n" if c == "\n" else " " for c in text[comment.start : comment.end]]
    return "".join(chars)


def unterminated_string(text: str) -> Optional[tuple[int, int]]:
    """(line, column) of the first quote left open at the end of its line, or None."""
    for kind, start, _body, _end in _scan(text):
        if kind == "open":
            line = text.count("\n", 0, start) + 1
            return line, start - (text.rfind("\n", 0, start) + 1) + 1
    return None
