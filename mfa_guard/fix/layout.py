"""The layout cells `terraform fmt` aligns: each line's lead, its `=` and its trailing comment.

hclwrite's formatter (format.go) splits every line into a lead, an "assign" cell (from the first
`=` after the first token, when the brackets from there to the line end balance) and a "comment"
cell (a trailing `#` or `//` comment after some code). A heredoc or a `/* */` comment that spans
lines belongs to the line it starts on, as the formatter's newline tokens say. Only offsets are
computed here; deciding what to align is `align.py`'s job.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

_HEREDOC = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n")
_WORD = re.compile(r"[A-Za-z0-9_\-.]+")
_OPEN, _CLOSE = "{[(", "}])"
_TWO_CHAR = ("==", "=>", "!=", "<=", ">=")


@dataclass(frozen=True)
class Line:
    """One formatter line: offsets into the text, -1 where the cell is absent."""

    start: int  # the first character of the line
    end: int  # the newline that ends it (the text length on the last line)
    lead_end: int  # just after the last token before `=`
    eq: int  # the `=` of an assignment
    code_end: int  # just after the last token that is not the trailing comment (start on a blank line)
    comment: int  # a trailing line comment after code


def width(text: str) -> int:
    """Columns `text` occupies: combining marks take none (hclwrite counts grapheme clusters)."""
    if text.isascii():
        return len(text)
    return sum(0 if unicodedata.combining(char) else 1 for char in text)


def column(text: str, offset: int) -> int:
    """The 0-based column of `offset` on its physical line."""
    return width(text[text.rfind("\n", 0, offset) + 1 : offset])


@functools.lru_cache(maxsize=64)
def scan_lines(text: str) -> tuple[Line, ...]:
    """Every formatter line of an HCL text, in order."""
    lines: list[Line] = []
    tokens: list[tuple[str, int, int]] = []
    index, length, start = 0, len(text), 0
    while index < length:
        char = text[index]
        if char == "\n":
            lines.append(_line(start, index, tokens))
            tokens, index, start = [], index + 1, index + 1
        elif char in " \t\r":
            index += 1
        else:
            kind, end = _token(text, index)
            tokens.append((kind, index, end))
            index = end
    lines.append(_line(start, length, tokens))
    return tuple(lines)


def _token(text: str, index: int) -> tuple[str, int]:
    """The kind and end of the token starting at `index`."""
    char = text[index]
    if char == "#" or text.startswith("//", index):
        end = text.find("\n", index)
        end = len(text) if end < 0 else end
        return "comment", end - 1 if text[end - 1] == "\r" else end
    if text.startswith("/*", index):
        end = text.find("*/", index + 2)
        return "other", len(text) if end < 0 else end + 2
    if char == '"':
        return "other", _string_end(text, index)
    heredoc = _HEREDOC.match(text, index) if char == "<" else None
    if heredoc is not None:
        return "other", _heredoc_end(text, heredoc)
    if char in _OPEN:
        return "open", index + 1
    if char in _CLOSE:
        return "close", index + 1
    if text.startswith(_TWO_CHAR, index):
        return "other", index + 2
    if char == "=":
        return "equal", index + 1
    word = _WORD.match(text, index)
    return "other", word.end() if word is not None else index + 1


def _string_end(text: str, index: int) -> int:
    """Just after the quote closing the string opened at `index` (interpolations may nest strings)."""
    depth, index, length = 0, index + 1, len(text)
    while index < length:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if depth == 0:
            if char == '"':
                return index + 1
            if char == "\n":
                return index  # an unterminated string ends at the line end, as the scanner says
            if text.startswith(("${", "%{"), index) and not text.startswith(("$${", "%%{"), index - 1):
                depth, index = 1, index + 2
                continue
        elif char == '"':
            index = _string_end(text, index)
            continue
        else:
            depth += {"{": 1, "}": -1}.get(char, 0)
        index += 1
    return length


def _heredoc_end(text: str, opener: re.Match[str]) -> int:
    """Just after the closing marker of a heredoc (the text end when it never closes)."""
    marker, index = opener.group(1), opener.end()
    while index < len(text):
        end = text.find("\n", index)
        end = len(text) if end < 0 else end
        if text[index:end].strip() == marker:
            return end - 1 if text[end - 1] == "\r" else end
        index = end + 1
    return len(text)


def _line(start: int, end: int, tokens: list[tuple[str, int, int]]) -> Line:
    lead, comment = tokens, -1
    if len(tokens) > 1 and tokens[-1][0] == "comment":
        lead, comment = tokens[:-1], tokens[-1][1]
    lead_end = eq = -1
    for position, (kind, token_start, _end) in enumerate(lead):
        if position > 0 and kind == "equal":
            balance = sum({"open": 1, "close": -1}.get(k, 0) for k, _s, _e in lead[position:])
            if balance == 0:
                eq, lead_end = token_start, lead[position - 1][2]
            break
    code_end = lead[-1][2] if lead else start
    return Line(start, end, lead_end, eq, code_end, comment)
