"""Log lines on stderr (`-v`, `-vv`, `-q`) without importing `logging` until one is written.

A `check` answered from the results cache writes none at the default level, and importing
logging (with threading, traceback, weakref...) is ~6 ms of that run. Once `logging` is imported
by anyone (a test's log capture, a library), every line goes through it, filtered by its levels.
"""

from __future__ import annotations

import sys
from typing import Any

DEBUG, INFO, WARNING, ERROR = 10, 20, 30, 40
FORMAT = "mfa-guard: %(levelname)s: %(message)s"

_threshold = WARNING  # below it a line is dropped without importing logging
_pending: int | None = None  # the level configure() was given, until logging is set up with it


def configure(level: int) -> None:
    """The command line's verbosity; logging itself is set up with it when first needed."""
    global _threshold, _pending
    _threshold, _pending = level, level
    if "logging" in sys.modules:
        _logging()


def _logging() -> Any:
    global _pending
    import logging

    if _pending is not None:
        logging.basicConfig(level=_pending, format=FORMAT, stream=sys.stderr)
        _pending = None
    return logging


class Log:
    """The subset of `logging.Logger` mfa-guard uses, for one module."""

    def __init__(self, name: str) -> None:
        self.name = name

    def debug(self, message: str, *args: object, exc_info: bool = False) -> None:
        self._write(DEBUG, message, args, exc_info)

    def info(self, message: str, *args: object) -> None:
        self._write(INFO, message, args, False)

    def warning(self, message: str, *args: object) -> None:
        self._write(WARNING, message, args, False)

    def _write(self, level: int, message: str, args: tuple[object, ...], exc_info: bool) -> None:
        if level < _threshold and "logging" not in sys.modules:
            return
        _logging().getLogger(self.name).log(level, message, *args, exc_info=exc_info)


def get_logger(name: str) -> Log:
    return Log(name)
