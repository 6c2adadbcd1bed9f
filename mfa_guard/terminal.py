"""The terminal's width, found as shutil.get_terminal_size finds it ($COLUMNS, then the terminal
on standard output, then 80) without importing shutil (with zlib, bz2 and lzma, ~3 ms of a run)."""

from __future__ import annotations

import os
import sys
from typing import Optional, TextIO


def columns() -> int:
    try:
        found = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        found = 0
    if found <= 0:
        try:
            found = os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 0
        except (AttributeError, ValueError, OSError):
            found = 0
    return found if found > 0 else 80


def terminal_width(stream: TextIO) -> Optional[int]:
    """The width to wrap `stream` at: the terminal's when it is one, else None."""
    try:
        return columns() if stream.isatty() else None
    except (AttributeError, ValueError, OSError):
        return None
