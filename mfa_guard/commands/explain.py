"""`mfa-guard explain ID|NAME`: one rule's documentation."""

from __future__ import annotations

import argparse
import sys

from mfa_guard.commands.arguments import add_rule_files_argument
from mfa_guard.errors import UserError
from mfa_guard.rules import Rule, find_rule, load_rules


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rule", metavar="ID|NAME")
    add_rule_files_argument(parser)


def render_rule(rule: Rule) -> str:
    """Markdown documentation of a rule (also used for the rule docs)."""
    lines = [f"# {rule.id} `{rule.name}`", "", rule.summary, "", f"- Severity: {rule.severity}", f"- Fix: {rule.fix}"]
    if not rule.ignorable:
        lines.append("- Cannot be suppressed")
    lines += ["", "## Why", "", rule.why]
    if rule.rationale:
        lines += ["", rule.rationale]
    lines += ["", "## Target state", "", rule.target]
    if rule.companion:
        lines += ["", "## Companion command", "", f"    {rule.companion}"]
    for label in ("bad", "good"):
        if label in rule.examples:
            lines += ["", f"## Example ({label})", "", "```", rule.examples[label].rstrip("\n"), "```"]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    rule = find_rule(load_rules(args.rule_files), args.rule)
    if rule is None:
        raise UserError(f"no rule {args.rule!r} (see `mfa-guard rules`)")
    sys.stdout.write(render_rule(rule))
    return 0
