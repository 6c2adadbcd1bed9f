"""`mfa-guard check`: report every inconsistent or dangerous state of the project."""

from __future__ import annotations

import argparse
import dataclasses

from mfa_guard.analysis import analyse
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
from mfa_guard.commands.profiles import (
    EXIT_UNREADABLE,
    add_aws_dir_argument,
    local_notes,
    refuse_in_ci,
    unreadable,
    warn_notes,
)
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
    analysis = analyse(options)
    notes = list(local_notes(analysis))
    if args.write_baseline is not None:
        analysis, note = write_baseline(analysis, args.write_baseline)
        notes.append(note)
    else:
        notes.extend(baseline_notes(analysis))
    emit(Report(analysis.findings, analysis.rules, analysis.project, notes=notes), args)
    warn_notes(analysis, args.format)
    return EXIT_UNREADABLE if unreadable(analysis) else exit_code(analysis.findings, args, analysis.fail_on)
