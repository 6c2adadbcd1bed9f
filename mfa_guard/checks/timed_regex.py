"""Team-rule regexes with a time limit: `^(\\w+\\s?)*$` on a 37-character value backtracks for
minutes with `re`. The `regex` package (installed with python-hcl2) stops a match after a timeout;
the check then reports that the value was not evaluated instead of hanging the run."""

from __future__ import annotations

import functools
from typing import Any

# Per match. Real patterns on real values take microseconds; a catastrophic one is cut short.
REGEX_TIMEOUT_S = 0.5


class PatternProblem(Exception):
    """A pattern that took too long on a value (or that `regex` cannot compile); the message says which."""


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> Any:
    import regex  # type: ignore[import-untyped]

    try:
        return regex.compile(pattern)
    except (regex.error, ValueError, TypeError) as exc:
        raise PatternProblem(f"the rule's pattern {pattern!r} is not a valid regex ({exc})") from None


def search(pattern: str, text: str) -> bool:
    return _run(pattern, text, full=False)


def fullmatch(pattern: str, text: str) -> bool:
    return _run(pattern, text, full=True)


def _run(pattern: str, text: str, full: bool) -> bool:
    compiled = _compiled(pattern)
    try:
        found = (compiled.fullmatch if full else compiled.search)(text, timeout=REGEX_TIMEOUT_S)
    except TimeoutError:
        raise PatternProblem(
            f"the rule's pattern {pattern!r} took longer than {REGEX_TIMEOUT_S} s on this value (catastrophic "
            "backtracking?); not evaluated, simplify the pattern"
        ) from None
    return found is not None
