"""`mfa-guard suppressions`: every inline suppression with rule, location, reason, expiry and use."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from mfa_guard.analysis import analyse
from mfa_guard.commands.options import add_analysis_arguments, analysis_options
from mfa_guard.suppress import Use
from mfa_guard.suppress_parse import shown_target, shown_until


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_analysis_arguments(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")


def row(use: Use) -> dict[str, Any]:
    s = use.suppression
    return {
        "path": s.path,
        "line": s.line,
        "scope": s.scope,
        "rule": use.rule or shown_target(use.target),
        "written": shown_target(use.target),  # free text of a comment is never echoed
        "reason": s.reason,
        "until": shown_until(s.until) if s.until else None,
        "status": use.status,
        "detail": use.detail,
        "hits": use.hits,
    }


def render_text(uses: Sequence[Use]) -> str:
    if not uses:
        return "No suppressions.\n"
    lines = []
    for use in uses:
        r = row(use)
        status = r["status"] + (f" ({r['detail']})" if r["detail"] else "")
        until = f"until {r['until']}" if r["until"] else "no expiry"
        reason = f'reason "{r["reason"]}"' if r["reason"] else "no reason"
        where = f"{r['path']}:{r['line']}"
        lines.append(f"{where}  {r['scope']:<4}  {r['rule'] or '-':<8}  {status}; {until}; {reason}")
    counts: dict[str, int] = {}
    for use in uses:
        counts[use.status] = counts.get(use.status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    return "\n".join(lines) + f"\n\n{len(uses)} suppressed rule{'s' if len(uses) != 1 else ''}: {summary}.\n"


def run(args: argparse.Namespace) -> int:
    analysis = analyse(analysis_options(args))
    uses = analysis.suppressions
    if args.format == "json":
        json.dump({"version": 1, "suppressions": [row(u) for u in uses]}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(uses))
    return 0
