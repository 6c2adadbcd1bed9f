"""Options shared by the commands that analyse a project (check, fix, ...)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from mfa_guard.analysis import Options
from mfa_guard.errors import UserError
from mfa_guard.findings import SEVERITIES, Finding, severity_rank
from mfa_guard.report import FORMATS, Report, renderer

PHASE_CHOICES = ("p0", "p1", "p2", "sso")


def comma_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def add_analysis_arguments(parser: argparse.ArgumentParser) -> None:
    # Rules are cross-file, so a run always covers a whole project: PATH only locates it.
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=Path(),
        metavar="PATH",
        help="a directory or file inside the project (default: .)",
    )
    parser.add_argument(
        "--select",
        type=comma_list,
        action="extend",
        default=[],
        metavar="RULES",
        help="only these rules (ids, id prefixes such as ENV, or names); comma-separated",
    )
    parser.add_argument(
        "--ignore",
        type=comma_list,
        action="extend",
        default=[],
        metavar="RULES",
        help="skip these rules; comma-separated",
    )
    parser.add_argument(
        "--target-phase", choices=PHASE_CHOICES, help="the phase of the guide to check against (default: inferred)"
    )
    parser.add_argument(
        "--management-account", metavar="DIR", help="the management account directory (default: inferred)"
    )
    parser.add_argument(
        "--ci", action="store_true", help="CI mode: machine users run with MFA off, so MFA001 is not reported"
    )


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="console", help="report format on standard output")
    parser.add_argument(
        "--report", action="append", default=[], metavar="FORMAT:FILE", help="also write a report to FILE (repeatable)"
    )
    parser.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        default="warning",
        help="lowest severity that makes the exit code 1 (default: warning)",
    )
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    parser.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto", help="colour the console report"
    )


def analysis_options(args: argparse.Namespace) -> Options:
    return Options(
        path=args.path,
        select=args.select,
        ignore=args.ignore,
        target_phase=args.target_phase,
        management_account=args.management_account,
        ci=args.ci,
    )


def use_color(choice: str, stream: TextIO) -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or stream.isatty()


def emit(report: Report, args: argparse.Namespace) -> None:
    """Print the report on stdout and write every --report FORMAT:FILE."""
    targets = []
    for spec in args.report:
        fmt, sep, path = spec.partition(":")
        if not sep or not path or fmt not in FORMATS:
            raise UserError(f"--report {spec!r}: expected FORMAT:FILE with FORMAT one of {', '.join(FORMATS)}")
        targets.append((fmt, Path(path)))
    renderer(args.format)(report, sys.stdout, use_color(args.color, sys.stdout))
    for fmt, path in targets:
        try:
            with path.open("w", encoding="utf-8") as stream:
                renderer(fmt)(report, stream, False)
        except OSError as exc:
            raise UserError(f"--report {fmt}:{path}: cannot write: {exc.strerror}") from None


def exit_code(findings: list[Finding], args: argparse.Namespace) -> int:
    if args.exit_zero:
        return 0
    threshold = severity_rank(args.fail_on)
    return 1 if any(severity_rank(f.severity) >= threshold for f in findings) else 0
