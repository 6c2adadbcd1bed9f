"""Unified diffs of fixed files, as `git apply` / `patch -p1` read them."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from mfa_guard.source import SourceFile

_NO_NEWLINE = "\\ No newline at end of file\n"


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        # difflib would glue the next line onto this one; mark it as `diff` does.
        lines[-1] += "\n" + _NO_NEWLINE
    return lines


def unified_diff(before: SourceFile, after: SourceFile) -> str:
    """The diff of one file; CR characters of CRLF files are kept in the lines as they are."""
    if before.text == after.text:
        return ""
    chunks = difflib.unified_diff(
        _lines(before.text), _lines(after.text), fromfile=f"a/{before.path}", tofile=f"b/{after.path}"
    )
    return "".join(chunks)


def unified_diffs(pairs: Iterable[tuple[SourceFile, SourceFile]]) -> str:
    return "".join(unified_diff(before, after) for before, after in sorted(pairs, key=lambda p: p[0].path))
