"""Options and notes of the local checks (LOC rules), shared by `check --local` and `profiles`.
Kept apart from `profiles` so that `check` imports none of the local-profile machinery."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mfa_guard.errors import UserError

if TYPE_CHECKING:
    from mfa_guard.analysis import Analysis

EXIT_UNREADABLE = 2


def add_aws_dir_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--aws-dir", type=Path, metavar="DIR", help="the Leverage AWS directory to read (default: ~/.aws/<short>)"
    )


def refuse_in_ci(ci: bool) -> None:
    """The local checks read a home directory: never on a CI runner (the action must not)."""
    if ci or os.environ.get("GITHUB_ACTIONS"):
        raise UserError("the local checks read ~/.aws and never run in CI (--ci or GITHUB_ACTIONS is set)")


def local_notes(analysis: Analysis) -> tuple[str, ...]:
    return analysis.local.notes if analysis.local is not None else ()


def warn_notes(analysis: Analysis, fmt: str) -> None:
    """Machine formats have no place for run notes: say on stderr what could not be read."""
    if fmt != "console":
        for note in local_notes(analysis):
            sys.stderr.write(f"mfa-guard: note: {note}\n")


def unreadable(analysis: Analysis) -> bool:
    return analysis.local is not None and not analysis.local.complete
