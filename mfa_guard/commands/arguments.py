"""Arguments shared by commands that do not analyse a project (kept light to import)."""

from __future__ import annotations

import argparse
from pathlib import Path

from mfa_guard.terminal import columns


def add_rule_files_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules",
        dest="rule_files",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="also load the team rules of FILE (one rule or `rules: [...]`; repeatable)",
    )


class HelpFormatter(argparse.HelpFormatter):
    """argparse's, with the terminal width found without shutil.

    argparse builds a formatter for every add_argument (to check its metavar), and each asks
    shutil for the terminal width: importing shutil is ~3 ms of a `check` answered from the
    results cache (terminal.py finds the width the same way).
    """

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None):
        super().__init__(prog, indent_increment, max_help_position, columns() - 2 if width is None else width)
