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
