"""Source locations: every fact in the model and every finding points at one."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Span:
    """A region of one file. Lines and columns are 1-based; offsets index the decoded text."""

    path: str  # repo-relative, POSIX
    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int

    @classmethod
    def whole_file(cls, path: str) -> Span:
        return cls(path, 1, 1, 1, 1, 0, 0)


@dataclass(frozen=True)
class Located(Generic[T]):
    """A value together with where it was written."""

    value: T
    span: Span


class LineIndex:
    """Maps character offsets of one text to (line, column) pairs."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._line_starts: list[int] | None = None

    @property
    def _starts(self) -> list[int]:
        # Built on first use: most files read are only searched, never located.
        if self._line_starts is None:
            starts, find = [0], self._text.find
            position = find("\n")
            while position >= 0:
                starts.append(position + 1)
                position = find("\n", position + 1)
            self._line_starts = starts
        return self._line_starts

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def span(self, path: str, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(path, line, column, end_line, end_column, start, end)

    def line_start(self, line: int) -> int:
        return self._starts[line - 1]
