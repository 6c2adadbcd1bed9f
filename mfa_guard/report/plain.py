"""`path:line:col: ID [name] message`, one finding per line, for editors and grep; paths from the working directory."""

from __future__ import annotations

from typing import TextIO

from mfa_guard.report import Report
from mfa_guard.report.text import printable
from mfa_guard.report.view import location


def render(report: Report, stream: TextIO, color: bool = False) -> None:
    for f in report.findings:
        line = f"{location(report, f)}: {f.rule} [{f.name}] {f.message}"
        stream.write(printable(line) + "\n")
