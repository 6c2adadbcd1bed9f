"""Options shared by the commands that analyse a project (check, fix, ...)."""

from __future__ import annotations

import argparse
import dataclasses
import io
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional, TextIO

from mfa_guard.commands.arguments import add_rule_files_argument
from mfa_guard.errors import UserError
from mfa_guard.findings import SEVERITIES, Finding, severity_rank
from mfa_guard.prepare import Options
from mfa_guard.report import FORMATS, Report, renderer

if TYPE_CHECKING:
    from mfa_guard.analysis import Analysis

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
    add_rule_files_argument(parser)
    parser.add_argument(
        "--target-phase", choices=PHASE_CHOICES, help="the phase of the guide to check against (default: inferred)"
    )
    parser.add_argument(
        "--management-account", metavar="DIR", help="the management account directory (default: inferred)"
    )
    parser.add_argument(
        "--leverage-cli",
        type=int,
        choices=(2, 3),
        help="the Leverage CLI generation: 2 (Docker) or 3 (dockerless) (default: `leverage_cli`, else inferred)",
    )
    parser.add_argument(
        "--ci", action="store_true", help="CI mode: machine users run with MFA off, so MFA001 is not reported"
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="do not read or write the caches (parse results, rules, check results)"
    )
    add_policy_arguments(parser)


def add_policy_arguments(parser: argparse.ArgumentParser) -> None:
    """The team policy controls: config file, inline suppressions, baseline."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--config", type=Path, metavar="FILE", help="use FILE instead of the .mfa-guard.yaml found upward"
    )
    group.add_argument("--no-config", action="store_true", help="ignore every .mfa-guard.yaml")
    parser.add_argument(
        "--no-suppressions",
        action="store_true",
        help="audit: ignore inline suppressions and the baseline, report every finding",
    )
    baseline = parser.add_mutually_exclusive_group()
    baseline.add_argument(
        "--baseline", type=Path, metavar="FILE", help="hide the findings recorded in FILE (overrides `baseline:`)"
    )
    baseline.add_argument("--no-baseline", action="store_true", help="ignore the configured baseline")


def add_write_baseline_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="record the current findings in FILE (keyed by rule, path and address) and hide them",
    )


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="console", help="report format on standard output")
    parser.add_argument(
        "--report", action="append", default=[], metavar="FORMAT:FILE", help="also write a report to FILE (repeatable)"
    )
    parser.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        default=None,
        help="lowest severity that makes the exit code 1 (default: `fail_on` of the config, else warning)",
    )
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    parser.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto", help="colour the console report"
    )
    parser.add_argument(
        "--output-format",
        choices=("concise", "full"),
        default="concise",
        help="console: one line per finding (concise), or with the source line, the fix, the commands to run "
        "after it and each rule's rationale (full)",
    )
    parser.add_argument(
        "--show-source", dest="output_format", action="store_const", const="full", help="same as --output-format full"
    )
    parser.add_argument(
        "--statistics", action="store_true", help="console: the number of findings per rule instead of the findings"
    )


def analysis_options(args: argparse.Namespace) -> Options:
    return Options(
        path=args.path,
        select=args.select,
        ignore=args.ignore,
        rule_files=args.rule_files,
        target_phase=args.target_phase,
        management_account=args.management_account,
        leverage_cli=args.leverage_cli,
        ci=args.ci,
        no_cache=args.no_cache,
        config=args.config,
        no_config=args.no_config,
        fail_on=getattr(args, "fail_on", None),
        baseline=args.baseline,
        no_baseline=args.no_baseline or getattr(args, "write_baseline", None) is not None,
        no_suppressions=args.no_suppressions,
    )


def write_baseline(analysis: Analysis, path: Path) -> tuple[Analysis, str]:
    """Record the findings (before any baseline) in `path`, then hide them as the baseline would."""
    from mfa_guard.baseline import apply_baseline, dump, parse, write

    text = dump(analysis.project, analysis.unbaselined, analysis.all_rules)
    write(path, text)
    baseline = parse(path, text)
    ci = analysis.config.ci  # CI mode only changes which stale entries are judged; none are stale here
    result = apply_baseline(analysis.unbaselined, analysis.project, baseline, analysis.all_rules, analysis.rules, ci)
    count = len(baseline.entries)
    note = f"Wrote {count} baseline entr{'y' if count == 1 else 'ies'} to {path}."
    return dataclasses.replace(analysis, findings=result.findings, baselined=result.hidden), note


def baseline_notes(n: int) -> list[str]:
    """`n`: the findings the baseline hid."""
    return [f"{n} known finding{'s' if n != 1 else ''} hidden by the baseline."] if n else []


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
    report = dataclasses.replace(
        report,
        output_format=getattr(args, "output_format", "concise"),
        statistics=getattr(args, "statistics", False),
    )
    renderer(args.format)(report, sys.stdout, use_color(args.color, sys.stdout))
    for fmt, path in targets:
        # Never through a symlink: a pull request can commit `mfa-guard.sarif -> ~/.bashrc`.
        from mfa_guard.user_files import write_user_file

        stream = io.StringIO()
        renderer(fmt)(report, stream, False)
        write_user_file(path, stream.getvalue(), UserError, f"--report {fmt}:{path}")


def exit_code(findings: list[Finding], args: argparse.Namespace, fail_on: Optional[str] = None) -> int:
    """`fail_on`: the analysis's resolved value (config included); --fail-on wins over it."""
    if args.exit_zero:
        return 0
    threshold = severity_rank(getattr(args, "fail_on", None) or fail_on or "warning")
    return 1 if any(severity_rank(f.severity) >= threshold for f in findings) else 0
