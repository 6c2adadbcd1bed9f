"""Errors that end a run with exit code 2 and a one-line message (never a traceback)."""

from __future__ import annotations

import re
from typing import Any


class UserError(Exception):
    """Bad usage, configuration, rule files or an internal failure worth a clear message."""


_PLAIN = re.compile(r"[A-Za-z0-9_.*!/-]{1,40}")


def shown(value: Any) -> str:
    """A short plain word or number as written; anything else (a URL with a token, a long line of
    a file named by mistake) is not echoed."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    return repr(value) if isinstance(value, str) and _PLAIN.fullmatch(value) else "a value that is not shown"
