"""`mfa-guard explain ID|NAME`: one rule's documentation (the page of docs/rules/), rendered on a terminal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional, TextIO

from mfa_guard.commands.arguments import add_rule_files_argument
from mfa_guard.config import load_config
from mfa_guard.discover import find_root
from mfa_guard.errors import UserError
from mfa_guard.report.rule_docs import render_rule
from mfa_guard.rules import find_rule, load_rules


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rule", metavar="ID|NAME")
    parser.add_argument(
        "--raw", action="store_true", help="print the Markdown source even on a terminal (it is the default elsewhere)"
    )
    parser.add_argument(
        "--leverage-cli",
        type=int,
        choices=(2, 3),
        help="only what the Leverage CLI 2 (Docker) or 3 (dockerless) does (default: `leverage_cli` of "
        ".mfa-guard.yaml, else both generations, labelled)",
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
    show(render_rule(rule.for_cli(_generation(args))), sys.stdout, rendered=not args.raw and sys.stdout.isatty())
    return 0


def _generation(args: argparse.Namespace) -> Optional[int]:
    """--leverage-cli, else the configured one; never inferred (that needs the whole project)."""
    if args.leverage_cli:
        return int(args.leverage_cli)
    try:
        config = load_config(find_root(Path.cwd()))
    except UserError:
        return None  # a broken config is `check`'s to report; explain still explains
    return config.leverage_cli
