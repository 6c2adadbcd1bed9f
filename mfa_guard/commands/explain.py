"""`mfa-guard explain ID|NAME`: one rule's documentation (the page of docs/rules/), rendered on a terminal."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from mfa_guard.commands.arguments import add_rule_files_argument
from mfa_guard.errors import UserError
from mfa_guard.report.rule_docs import render_rule
from mfa_guard.rules import find_rule, load_rules


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rule", metavar="ID|NAME")
    parser.add_argument(
        "--raw", action="store_true", help="print the Markdown source even on a terminal (it is the default elsewhere)"
    )
    add_rule_files_argument(parser)


def show(markdown: str, stream: TextIO, rendered: bool) -> None:
    """Rich's Markdown rendering on a terminal; the Markdown itself in a pipe or file."""
    if not rendered:
        stream.write(markdown)
        return
    from rich.console import Console
    from rich.markdown import Markdown

    Console(file=stream, force_terminal=True).print(Markdown(markdown, code_theme="ansi_dark"))


def run(args: argparse.Namespace) -> int:
    rule = find_rule(load_rules(args.rule_files), args.rule)
    if rule is None:
        raise UserError(f"no rule {args.rule!r} (see `mfa-guard rules`)")
    show(render_rule(rule), sys.stdout, rendered=not args.raw and sys.stdout.isatty())
    return 0
