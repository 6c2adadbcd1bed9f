"""Command line: argparse, dispatch to a command, map errors to exit codes. Nothing else."""

from __future__ import annotations

import sys

from mfa_guard import __version__

TYPE_CHECKING = False  # not typing's: importing typing costs `--version` ~5 ms (mypy knows the name)
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
VERSION = f"mfa-guard {__version__}"


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """Every command is listed; only the one named in argv is imported and fully built."""
    import argparse

    from mfa_guard.commands import COMMANDS, load
    from mfa_guard.commands.arguments import HelpFormatter

    parser = argparse.ArgumentParser(
        prog="mfa-guard",
        formatter_class=HelpFormatter,
        description="Check and fix the MFA post-deployment state of a binbash Leverage project.",
    )
    parser.add_argument("--version", action="version", version=VERSION)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = next((arg for arg in argv if arg in COMMANDS), None)
    for name, (_, help_text) in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text, formatter_class=HelpFormatter)
        if name != chosen:
            continue
        command = load(name)
        sub.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
        sub.add_argument("-q", "--quiet", action="store_true", help="only errors in the log")
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


def _configure_logging(verbose: int, quiet: bool) -> None:
    from mfa_guard import log

    log.configure(log.ERROR if quiet else (log.DEBUG if verbose > 1 else log.INFO if verbose else log.WARNING))


def _tolerate_undecodable_names() -> None:
    """A file name that is not UTF-8 reaches Python as lone surrogates; printing one must show it
    escaped, not end the run with UnicodeEncodeError."""
    import contextlib

    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a closed or detached stream: leave it alone
                reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments == ["--version"]:  # the one answer that needs no parser, logging or command module
        print(VERSION)
        return EXIT_OK
    from mfa_guard.errors import UserError

    parser = build_parser(arguments)
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 for --help/--version
        return int(exc.code or 0)
    if getattr(args, "run", None) is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    _configure_logging(args.verbose, args.quiet)
    _tolerate_undecodable_names()
    try:
        return int(args.run(args))
    except UserError as exc:
        print(f"mfa-guard: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("mfa-guard: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:  # a bug in mfa-guard: keep the exit-code contract (2, never 1 or a bare traceback)
        from mfa_guard import log

        log.get_logger(__name__).debug("internal error", exc_info=True)
        print(
            f"mfa-guard: internal error: {type(exc).__name__}: {exc} (run with -vv for the traceback; please report it)",
            file=sys.stderr,
        )
        return EXIT_ERROR
