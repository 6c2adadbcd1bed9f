"""The source line of a finding with a caret under its span, read back from the file (full format only)."""

from __future__ import annotations

import os
import stat
from typing import Optional

from mfa_guard.findings import Finding
from mfa_guard.report import Report

MAX_BYTES = 2 * 1024 * 1024  # a source a finding points into is small; never read a device or a huge file


def _read_line(report: Report, finding: Finding) -> Optional[str]:
    if report.project is None:
        return None
    path = report.project.root / finding.span.path
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return None
        with open(path, "rb") as stream:  # noqa: PTH123 - bytes, capped
            data = stream.read(MAX_BYTES)
    except OSError:
        return None
    lines = data.decode("utf-8", "replace").lstrip("\ufeff").splitlines()
    line = finding.span.line
    return lines[line - 1] if 0 < line <= len(lines) else None


def snippet(report: Report, finding: Finding) -> list[str]:
    """`  5 | text` and `    |   ^^^^`, or nothing when the file or line is not there (whole-file spans)."""
    text = _read_line(report, finding)
    span = finding.span
    if text is None or (span.line == 1 and span.column == 1 and span.end_line == 1 and span.end_column == 1):
        return []
    number = str(span.line)
    start = max(span.column - 1, 0)
    end = span.end_column - 1 if span.end_line == span.line else len(text)
    expanded_before = text[:start].expandtabs(4)
    marked = text[start : max(end, start + 1)].expandtabs(4)
    gutter = " " * len(number)
    return [
        f"{gutter} |",
        f"{number} | {text.expandtabs(4).rstrip(os.linesep)}",
        f"{gutter} | {' ' * len(expanded_before)}{'^' * max(len(marked), 1)}",
    ]
