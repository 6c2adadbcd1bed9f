"""`mfa-guard status`: one row per account in the guide's order, then phase, MFA_ENABLED and the next step."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from mfa_guard.analysis import Analysis, analyse
from mfa_guard.commands.local_options import add_aws_dir_argument, refuse_in_ci
from mfa_guard.commands.options import add_analysis_arguments, analysis_options, use_color
from mfa_guard.commands.tracked import untracked_warnings
from mfa_guard.guide.position import position
from mfa_guard.guide.record_files import RECORDS_FILE
from mfa_guard.guide.status import render_console, render_markdown, render_plain, status_data


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_analysis_arguments(parser)
    parser.add_argument(
        "--format",
        choices=("auto", "console", "plain", "json", "markdown"),
        default="auto",
        help="auto: a table on a terminal, plain text elsewhere",
    )
    parser.add_argument("--local", action="store_true", help="also show each backend profile in ~/.aws/<short>")
    add_aws_dir_argument(parser)
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto", help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    if args.local:
        refuse_in_ci(args.ci)
    options = dataclasses.replace(analysis_options(args), local=args.local, aws_dir=args.aws_dir)
    analysis = analyse(options)
    data = status_data(position(analysis.project), analysis.local)
    fmt = args.format
    if fmt == "auto":
        fmt = "console" if sys.stdout.isatty() else "plain"
    if fmt == "json":
        json.dump(data, sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif fmt == "markdown":
        sys.stdout.write(render_markdown(data))
    elif fmt == "console":
        render_console(data, sys.stdout, use_color(args.color, sys.stdout))
    else:
        sys.stdout.write(render_plain(data))
    for warning in untracked_warnings(analysis.project.root, _team_files(analysis)):
        sys.stderr.write(warning + "\n")
    return 0


def _team_files(analysis: Analysis) -> list[str]:
    """The records, the config and the baseline, when they exist inside the project."""
    root = analysis.project.root
    paths = [root / RECORDS_FILE, analysis.config.path, analysis.config.baseline]
    names = []
    for path in paths:
        if path is None or not path.is_file():
            continue
        try:
            names.append(path.resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            continue  # outside the project: not the team's to commit here
    return names
