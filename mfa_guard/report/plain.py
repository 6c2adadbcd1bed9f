"""`path:line:col: ID [name] message`, one finding per line, for editors and grep."""

from __future__ import annotations

from typing import TextIO

from mfa_guard.report import Report


def render(report: Report, stream: TextIO, color: bool = False) -> None:
    for f in report.findings:
        stream.write(f"{f.span.path}:{f.span.line}:{f.span.column}: {f.rule} [{f.name}] {f.message}\n")
