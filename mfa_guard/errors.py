"""Errors that end a run with exit code 2 and a one-line message (never a traceback)."""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """Bad usage, configuration, rule files or an internal failure worth a clear message."""


def read_user_file(path: Path, error: type[UserError]) -> str:
    """The text of a file the user named (config, baseline, ...), or `error` as `file: $: reason`."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{path}: $: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise error(f"{path}: $: not valid UTF-8") from None
