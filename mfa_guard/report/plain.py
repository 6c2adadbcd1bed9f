"""`path:line:col: ID [name] message`, one finding per line, for editors and grep."""

from __future__ import annotations

from typing import TextIO

from mfa_guard.report import Report
from mfa_guard.report.text import printable


def render(report: Report, stream: TextIO, color: bool = False) -> None:
    for f in report.findings:
        line = f"{f.span.path}:{f.span.line}:{f.span.column}: {f.rule} [{f.name}] {f.message}"
        stream.write(printable(line) + "\n")
