"""`mfa-guard check`: report every inconsistent or dangerous state of the project."""

from __future__ import annotations

import argparse
import dataclasses

from mfa_guard.commands.local_options import (
    EXIT_UNREADABLE,
    add_aws_dir_argument,
    local_notes,
    refuse_in_ci,
    unreadable,
    warn_notes,
)
from mfa_guard.commands.options import (
    add_analysis_arguments,
    add_output_arguments,
    add_write_baseline_argument,
    analysis_options,
    baseline_notes,
    emit,
    exit_code,
    write_baseline,
)
from mfa_guard.prepare import Prepared, prepare
from mfa_guard.report import Report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_analysis_arguments(parser)
    parser.add_argument(
        "--local", action="store_true", help="also check the local ~/.aws/<short> profiles (LOC rules); never in CI"
    )
    add_aws_dir_argument(parser)
    add_write_baseline_argument(parser)
    add_output_arguments(parser)


def run(args: argparse.Namespace) -> int:
    options = analysis_options(args)
    if args.local:
        refuse_in_ci(args.ci)
        options = dataclasses.replace(options, local=True, aws_dir=args.aws_dir)
    prepared = prepare(options)
    if args.local or args.write_baseline is not None:
        return _run_uncached(prepared, args)
    from mfa_guard.results_cache import outcome

    result = outcome(prepared)
    emit(Report(result.findings, prepared.rules, result.project, notes=baseline_notes(result.baselined)), args)
    return exit_code(list(result.findings), args, prepared.options.fail_on)


def _run_uncached(prepared: Prepared, args: argparse.Namespace) -> int:
    """--local reads a home directory and --write-baseline writes a file: always a full analysis."""
    from mfa_guard.analysis import analyse_prepared
    from mfa_guard.project_info import project_info

    analysis = analyse_prepared(prepared)
    notes = list(local_notes(analysis))
    if args.write_baseline is not None:
        analysis, note = write_baseline(analysis, args.write_baseline)
        notes.append(note)
    else:
        notes.extend(baseline_notes(analysis.baselined))
    emit(Report(analysis.findings, analysis.rules, project_info(analysis.project, analysis.local), notes=notes), args)
    warn_notes(analysis, args.format)
    return EXIT_UNREADABLE if unreadable(analysis) else exit_code(analysis.findings, args, analysis.fail_on)
