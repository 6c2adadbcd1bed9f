"""`mfa-guard rules`: list the rules with id, name, severity and fix class."""

from __future__ import annotations

import argparse
import json
import sys

from mfa_guard.commands.arguments import add_rule_files_argument
from mfa_guard.rules import load_rules


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_rule_files_argument(parser)


def run(args: argparse.Namespace) -> int:
    rules = load_rules(args.rule_files)
    if args.format == "json":
        rows = [{"id": r.id, "name": r.name, "severity": r.severity, "fix": r.fix, "summary": r.summary} for r in rules]
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    for r in rules:
        sys.stdout.write(f"{r.id}  {r.name:<36} {r.severity:<8} {r.fix:<8} {r.summary}\n")
    return 0
