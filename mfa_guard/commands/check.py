"""`mfa-guard check`: report every inconsistent or dangerous state of the project."""

from __future__ import annotations

import argparse

from mfa_guard.analysis import analyse
from mfa_guard.commands.options import add_analysis_arguments, add_output_arguments, analysis_options, emit, exit_code
from mfa_guard.report import Report

HELP = "check a Leverage project and report findings"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_analysis_arguments(parser)
    add_output_arguments(parser)


def run(args: argparse.Namespace) -> int:
    analysis = analyse(analysis_options(args))
    emit(Report(analysis.findings, analysis.rules, analysis.project), args)
    return exit_code(analysis.findings, args)
