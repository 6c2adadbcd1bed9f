"""Unified diffs of fixed files, as `git apply` / `patch -p1` read them."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Callable, Optional

from mfa_guard.source import SourceFile

_NO_NEWLINE = "\\ No newline at end of file\n"


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        # difflib would glue the next line onto this one; mark it as `diff` does.
        lines[-1] += "\n" + _NO_NEWLINE
    return lines


def unified_diff(before: SourceFile, after: SourceFile, shown: Optional[Callable[[str], str]] = None) -> str:
    """The diff of one file; CR characters of CRLF files are kept in the lines as they are.

    `shown` maps the project-relative path to the one printed (from the working directory, so
    `git apply` works where the user stands).
    """
    if before.text == after.text:
        return ""
    path = shown(before.path) if shown else before.path
    chunks = difflib.unified_diff(_lines(before.text), _lines(after.text), fromfile=f"a/{path}", tofile=f"b/{path}")
    return "".join(chunks)


def unified_diffs(pairs: Iterable[tuple[SourceFile, SourceFile]], shown: Optional[Callable[[str], str]] = None) -> str:
    return "".join(unified_diff(before, after, shown) for before, after in sorted(pairs, key=lambda p: p[0].path))
