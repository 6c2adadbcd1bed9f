"""`mfa-guard validate-rules [FILE ...]`: validate built-in and team rule files against the schema."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mfa_guard.rules import builtin_rules_stamped, load_rules


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE")


def run(args: argparse.Namespace) -> int:
    rules = load_rules(args.files, trust_stamp=False)  # validate everything, whatever the stamp says
    sys.stdout.write(f"{len(rules)} rules valid\n")
    if not builtin_rules_stamped():
        sys.stderr.write(
            "mfa-guard: note: the built-in rules differ from rules/validated.sha256, so every run validates "
            "them again; in a checkout, run `python -m mfa_guard.rule_schema` to stamp them\n"
        )
    return 0
