"""Trailing comments that an edit may have made false: `sensitive = true # temporarily, to read it`.

An edit that changes a value inside one line keeps that line's trailing comment. When the comment
mentions the old value, or reads like a note about a temporary state, the fix says so (line and
the words that matched, never the whole comment), so the person reviewing the change rewrites it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from mfa_guard.findings import TextEdit
from mfa_guard.fix.layout import scan_lines

# Words of a comment that describes a state meant to be undone.
_TEMPORARY = re.compile(
    r"\b(temporar\w*|for now|until|todo|fixme|hack\w*|debug\w*|revert\w*|workaround|testing|disabl\w*|"
    r"turned off|switched off|to read|to see|to show|to print)\b",
    re.IGNORECASE,
)
_VALUE_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def stale_comments(text: str, edits: Sequence[TextEdit]) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(line number, matched words) for each trailing comment on a line whose value an edit changes."""
    lines = scan_lines(text)
    starts = [line.start for line in lines]
    for edit in sorted(set(edits), key=lambda e: e.start):
        old = text[edit.start : edit.end]
        if "\n" in old or "\n" in edit.text or not old.strip():
            continue  # only a value changed within one line has a comment of its own
        number = _line_number(starts, edit.start)
        line = lines[number - 1]
        if line.comment < 0 or edit.end > line.comment:
            continue
        comment = text[line.comment : line.end]
        words = _words(comment, old, edit.text)
        if words:
            yield text.count("\n", 0, line.start) + 1, words


def note(text: str, edits: Sequence[TextEdit]) -> str:
    """What to append to a fix's description, or "" when no comment looks stale."""
    found = list(stale_comments(text, edits))
    if not found:
        return ""
    parts = [f"line {number} mentions {', '.join(repr(w) for w in words)}" for number, words in found]
    return f" (review the trailing comment: {'; '.join(parts)}; it may describe the old value)"


def _line_number(starts: Sequence[int], offset: int) -> int:
    """1-based index into the formatter lines of the line holding `offset`."""
    low, high = 0, len(starts)
    while low < high:
        middle = (low + high) // 2
        if starts[middle] <= offset:
            low = middle + 1
        else:
            high = middle
    return low


def _words(comment: str, old: str, new: str) -> tuple[str, ...]:
    found: list[str] = []
    new_words = {w.lower() for w in _VALUE_WORD.findall(new)}
    for word in _VALUE_WORD.findall(old):
        if word.lower() not in new_words and re.search(rf"\b{re.escape(word)}\b", comment, re.IGNORECASE):
            found.append(word)
    found += [match.group(0) for match in _TEMPORARY.finditer(comment)]
    return tuple(dict.fromkeys(found))
