"""Errors that end a run with exit code 2 and a one-line message (never a traceback)."""

from __future__ import annotations


class UserError(Exception):
    """Bad usage, configuration, rule files or an internal failure worth a clear message."""
