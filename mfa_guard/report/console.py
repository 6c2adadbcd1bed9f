"""The report for people: grouped by file, coloured only on a terminal, with a summary line."""

from __future__ import annotations

from itertools import groupby
from typing import TextIO

from mfa_guard.report import Report
from mfa_guard.report.text import printable

_STYLES = {"error": "bold red", "warning": "yellow", "note": "cyan"}


def render(report: Report, stream: TextIO, color: bool = False) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, force_terminal=color, no_color=not color, highlight=False, soft_wrap=True, width=120)
    for path, group in groupby(report.findings, key=lambda f: f.span.path):
        console.print(Text(printable(path), style="bold underline"))
        for f in group:
            line = Text("  ")
            line.append(f"{f.span.line}:{f.span.column}".ljust(8), style="dim")
            line.append(f"{f.severity:<8}", style=_STYLES[f.severity])
            line.append(f"{f.rule} ", style="bold")
            line.append(f"[{f.name}] ", style="dim")
            line.append(printable(f.message))
            if f.fix is not None:
                if f.fix.blocked_by:
                    line.append(f" (guarded fix waits on: {printable(f.fix.blocked_by)})", style="yellow")
                else:
                    line.append(f" ({f.fix.applicability} fix available)", style="green")
            console.print(line)
            if f.companion:
                console.print(Text(f"          then run: {printable(f.companion)}", style="dim"))
        console.print()
    project = report.project
    if project is not None and project.common_path and project.common_path.endswith(".example"):
        console.print(
            Text(f"note: read {printable(project.common_path)} (config/common.tfvars not found)", style="dim")
        )
    for note in report.notes:
        console.print(Text(printable(note), style="dim"))
    console.print(summary_text(report), style="bold" if report.findings else "green")


def summary_text(report: Report) -> str:
    if not report.findings:
        return "No findings."
    counts = report.counts()
    parts = ", ".join(f"{n} {sev}{'s' if n != 1 else ''}" for sev, n in counts.items() if n)
    text = f"Found {len(report.findings)} finding{'s' if len(report.findings) != 1 else ''} ({parts})."
    if report.fixable:
        text += f" {report.fixable} fixable with `{report.fix_command}`"
        text += f" ({report.guarded} more with `{report.fix_command} --guarded`)." if report.guarded else "."
    elif report.guarded:
        text += f" {report.guarded} fixable with `{report.fix_command} --guarded`."
    return text
