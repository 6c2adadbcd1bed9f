"""Arguments shared by commands that do not analyse a project (kept light to import)."""

from __future__ import annotations

import argparse
from pathlib import Path


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
    shutil for the terminal width: importing shutil (with zlib, bz2 and lzma) is ~3 ms of a
    `check` answered from the results cache. Same rule as shutil: $COLUMNS, the terminal, 80.
    """

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None):
        super().__init__(prog, indent_increment, max_help_position, _terminal_columns() - 2 if width is None else width)


def _terminal_columns() -> int:
    import os
    import sys

    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80
