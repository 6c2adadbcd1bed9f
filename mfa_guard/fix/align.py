"""Realigning `=` and trailing comments around an edit, the way `terraform fmt` aligns them.

The formatter's rule (hclwrite format.go): consecutive lines that assign (no blank line, comment
line or nested block between them) put their `=` one column after the longest lead; consecutive
lines with a trailing comment put it one column after the longest code. After an edit, every
such group the edit touches is laid out again, but only when it was aligned before:

- a group that was fmt-aligned is made fmt-aligned again (so an fmt-clean file stays fmt-clean);
- a group aligned to a wider column than needed keeps that column (or widens it to fit);
- a group that was not aligned is left as it is; an edited line keeps its comment's column
  when its code still fits before it.

Only whitespace between a lead and `=`, or between code and a comment, changes. Every line of a
realigned group gets an edit (most of them change nothing): two fixes that lay out the same
group then overlap, so the fix loop applies one and recomputes the other on the new text.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Callable, Optional

from mfa_guard.findings import TextEdit
from mfa_guard.fix.apply import apply_edits
from mfa_guard.fix.layout import Line, column, scan_lines

HCL_SUFFIXES = (".tf", ".tfvars", ".hcl", ".tfvars.example")
CANONICAL, WIDE, UNALIGNED = 2, 1, 0  # how a group was aligned before the edit
Cells = Callable[[Line], tuple[int, int]]  # a line's (end of what precedes the cell, the cell's start)


@dataclass(frozen=True)
class _Space:
    """Replace new_text[start:end] (whitespace) with `spaces` spaces."""

    start: int
    end: int
    spaces: int


def is_hcl(path: str) -> bool:
    return path.endswith(HCL_SUFFIXES)


def realign(text: str, edits: Sequence[TextEdit]) -> tuple[TextEdit, ...]:
    """`edits` of one HCL file plus the whitespace edits that keep its alignment, merged where they touch."""
    primary = sorted(set(edits), key=lambda e: (e.start, e.end))
    if not primary:
        return ()
    new_text = apply_edits(text, primary)
    mapper = _Mapper(text, new_text, primary)
    spaces = list(_Layout(mapper).spaces())
    return _merge(primary, spaces, mapper)


class _Mapper:
    """Which lines of the edited text are lines of the original, and where the edits landed."""

    def __init__(self, text: str, new_text: str, primary: Sequence[TextEdit]) -> None:
        self.text, self.new_text, self.primary = text, new_text, primary
        self.old_lines, self.new_lines = scan_lines(text), scan_lines(new_text)
        self.old_starts = [line.start for line in self.old_lines]
        self.landed: list[tuple[int, int, int]] = []  # (new start, new end, shift after it)
        shift = 0
        for edit in primary:
            new_start = edit.start + shift
            shift += len(edit.text) - (edit.end - edit.start)
            self.landed.append((new_start, new_start + len(edit.text), shift))

    def to_old(self, offset: int) -> Optional[int]:
        """The original offset of an edited-text offset outside every edit's new text."""
        shift = 0
        for new_start, new_end, after in self.landed:
            if offset < new_start:
                break
            if offset < new_end:
                return None
            shift = after
        return offset - shift

    def origin(self, line: Line) -> Optional[Line]:
        """The original line this edited line starts as, if its start was not written by an edit."""
        old = self.to_old(line.start)
        if old is None:
            return None
        position = bisect_left(self.old_starts, old)
        if position < len(self.old_starts) and self.old_starts[position] == old:
            return self.old_lines[position]
        return None

    def rewritten_leads(self) -> frozenset[int]:
        """Starts of original lines whose lead or `=` an edit rewrote (PRF014 rewrites a line's start):
        how they were laid out says nothing about how their group was aligned."""
        found = set()
        for line in self.old_lines:
            if line.eq < 0:
                continue
            for edit in self.primary:
                inside = line.start < edit.start < line.eq + 1 if edit.start == edit.end else None
                if inside or (inside is None and edit.start < line.eq + 1 and line.start < edit.end):
                    found.add(line.start)
        return frozenset(found)

    def touched(self, line: Line) -> bool:
        """Does an edit's new text overlap or border this line (its newline included)?"""
        return any(start <= line.end + 1 and line.start <= end for start, end, _ in self.landed)


class _Layout:
    def __init__(self, mapper: _Mapper) -> None:
        self.m = mapper
        self.shift: dict[int, int] = {}  # line index -> columns its `=` moved (its comment with it)

    def spaces(self) -> Iterator[_Space]:
        lines, m = self.m.new_lines, self.m
        touched = {i for i, line in enumerate(lines) if m.touched(line)}
        for run in _runs(lines, lambda line: line.eq >= 0):
            if touched.intersection(run):
                yield from self._assign(run)
        moved = touched | {i for i, delta in self.shift.items() if delta}
        for run in _runs(lines, lambda line: line.comment >= 0):
            if moved.intersection(run):
                yield from self._comments(run)

    def _assign(self, run: list[int]) -> Iterator[_Space]:
        m, new = self.m, self.m.new_text
        kept = []
        for i in run:
            old = m.origin(m.new_lines[i])
            if old is not None and old.eq >= 0 and _lead(m.text, old) == _lead(new, m.new_lines[i]):
                kept.append(old)
        state, old_column = _alignment(
            m.text, m.old_lines, kept, lambda line: (line.lead_end, line.eq), m.rewritten_leads()
        )
        if state == UNALIGNED:
            return
        needed = max(column(new, m.new_lines[i].lead_end) for i in run) + 1
        target = needed if state == CANONICAL else max(needed, old_column)
        for i in run:
            line = m.new_lines[i]
            spaces = target - column(new, line.lead_end)
            self.shift[i] = spaces - (column(new, line.eq) - column(new, line.lead_end))
            yield _Space(line.lead_end, line.eq, spaces)

    def _comments(self, run: list[int]) -> Iterator[_Space]:
        m, new = self.m, self.m.new_text
        origins = {i: m.origin(m.new_lines[i]) for i in run}
        kept = [old for old in origins.values() if old is not None and old.comment >= 0]
        state, old_column = _alignment(m.text, m.old_lines, kept, lambda line: (line.code_end, line.comment))
        ends = {i: column(new, m.new_lines[i].code_end) + self.shift.get(i, 0) for i in run}
        if state == UNALIGNED:
            for i in run:  # keep an edited line's comment where it was, when the code still fits
                old, line = origins[i], m.new_lines[i]
                if old is None or old.comment < 0 or "\t" in m.text[old.code_end : old.comment]:
                    continue
                if ends[i] != column(m.text, old.code_end):
                    spaces = max(1, column(m.text, old.comment) - ends[i])
                    yield _Space(line.code_end, line.comment, spaces)
            return
        needed = max(ends.values()) + 1
        target = needed if state == CANONICAL else max(needed, old_column)
        for i in run:
            line = m.new_lines[i]
            yield _Space(line.code_end, line.comment, target - ends[i])


def _lead(text: str, line: Line) -> str:
    return text[line.start : line.lead_end]


def _runs(lines: Sequence[Line], member: Callable[[Line], bool]) -> Iterator[list[int]]:
    """Maximal runs of consecutive line indexes whose line has the cell."""
    run: list[int] = []
    for i, line in enumerate(lines):
        if member(line):
            run.append(i)
        elif run:
            yield run
            run = []
    if run:
        yield run


def _alignment(
    text: str, old_lines: Sequence[Line], kept: Sequence[Line], cells: Cells, ignored: frozenset[int] = frozenset()
) -> tuple[int, int]:
    """How the original groups of the kept lines were aligned (all their lines but the `ignored`
    ones, whose start an edit rewrote), and the widest column they used."""
    if not kept:
        return CANONICAL, 0
    index = {line.start: i for i, line in enumerate(old_lines)}
    firsts = set()
    for line in kept:
        i = index[line.start]
        while i > 0 and cells(old_lines[i - 1])[1] >= 0:
            i -= 1
        firsts.add(i)
    state, widest = CANONICAL, 0
    for first in firsts:
        group = []
        i = first
        while i < len(old_lines) and cells(old_lines[i])[1] >= 0:
            before, at = cells(old_lines[i])
            i += 1
            if old_lines[i - 1].start in ignored:
                continue
            if "\t" in text[before:at]:
                return UNALIGNED, 0  # laid out with tabs (fmt would not): tab stops, not columns, align it
            group.append((column(text, before), column(text, at)))
        if not group:
            continue
        columns = {at for _, at in group}
        if len(columns) > 1:
            return UNALIGNED, 0
        at, needed = columns.pop(), max(before for before, _ in group) + 1
        if at < needed:
            return UNALIGNED, 0  # `x=1` or a comment glued to the code: not aligned by anyone
        widest = max(widest, at)
        if at > needed:
            state = WIDE
    return state, widest


def _merge(primary: Sequence[TextEdit], spaces: Sequence[_Space], mapper: _Mapper) -> tuple[TextEdit, ...]:
    """Whitespace edits (edited-text offsets) and the primary edits as original-text edits."""
    path, new_text = primary[0].path, mapper.new_text
    pieces: list[tuple[int, int, int, int, Optional[int]]] = []  # new start, new end, old start, old end, spaces
    for edit, (new_start, new_end, _) in zip(primary, mapper.landed):
        pieces.append((new_start, new_end, edit.start, edit.end, None))
    for space in spaces:
        old_start, old_end = mapper.to_old(space.start), mapper.to_old(space.end)
        if old_start is None or old_end is None:
            pieces.append((space.start, space.end, -1, -1, space.spaces))  # inside an edit's own text
        else:
            pieces.append((space.start, space.end, old_start, old_end, space.spaces))
    pieces.sort(key=lambda p: (p[0], p[1], p[4] is not None))
    merged: list[TextEdit] = []
    group: list[tuple[int, int, int, int, Optional[int]]] = []
    for piece in pieces:
        if group and piece[0] > max(p[1] for p in group):
            merged.append(_joined(group, new_text, path))
            group = []
        group.append(piece)
    merged.append(_joined(group, new_text, path))
    return tuple(merged)


def _joined(group: Sequence[tuple[int, int, int, int, Optional[int]]], new_text: str, path: str) -> TextEdit:
    """One original-text edit for pieces that overlap or touch in the edited text."""
    start, end = group[0][0], max(p[1] for p in group)
    old_start = min(p[2] for p in group if p[2] >= 0)
    old_end = max(p[3] for p in group if p[3] >= 0)
    chunks, position = [], start
    for new_start, new_end, _, _, spaces in sorted((p for p in group if p[4] is not None), key=lambda p: p[0]):
        chunks.append(new_text[position:new_start] + " " * max(spaces or 0, 0))
        position = new_end
    chunks.append(new_text[position:end])
    return TextEdit(path, old_start, old_end, "".join(chunks))
