"""Where an inserted attribute goes: beside the attributes it belongs with, as a reviewer expects.

- `sensitive` right after `value`;
- `role_requires_mfa` first in the MFA inputs (above `mfa_age` / `max_session_duration`, below a
  `# MFA setup` heading), or under a `# MFA setup` comment when those inputs are absent;
- anything else after the last attribute that precedes the block's nested blocks, but above a
  closing `tags` attribute (Leverage modules keep `tags` last).

Never after a nested block: the new line always sits among the block's own attributes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from mfa_guard.parse.hcl_types import Attribute, Block
from mfa_guard.source import SourceFile


@dataclass(frozen=True)
class Placement:
    after: tuple[str, ...] = ()  # right after the first of these that the block has
    before: tuple[str, ...] = ()  # else right above the first of these (and the comment lines above it)
    heading: Optional[re.Pattern[str]] = None  # else below a comment matching this; it also stays above `before`


_MFA_HEADING = re.compile(r"\bMFA setup\b", re.IGNORECASE)
PLACEMENTS = {
    "sensitive": Placement(after=("value",)),
    "role_requires_mfa": Placement(before=("mfa_age", "max_session_duration"), heading=_MFA_HEADING),
}
LAST = "tags"


def insertion_line(block: Block, source: SourceFile, name: str) -> Optional[tuple[int, int]]:
    """(line number the new attribute goes above, line number whose indent it takes), or None
    for the end of the block. Lines are 1-based and lie inside the block's braces."""
    placement = PLACEMENTS.get(name, Placement())
    attributes = _own_attributes(block)
    for anchor in _first(block.body.attributes, placement.after):
        return anchor.span.end_line + 1, anchor.span.line
    for anchor in _first(block.body.attributes, placement.before):
        return _above_comments(source, anchor.span.line, placement.heading), anchor.span.line
    if placement.heading is not None:
        heading = _heading_line(block, source, placement.heading)
        if heading is not None:
            return heading
    if attributes and attributes[-1].name == LAST and len(attributes) > 1:
        return _above_comments(source, attributes[-1].span.line, None), attributes[-1].span.line
    if attributes and len(attributes) < len(block.body.attributes):
        return attributes[-1].span.end_line + 1, attributes[-1].span.line
    return None


def _own_attributes(block: Block) -> tuple[Attribute, ...]:
    """The attributes before the first nested block (all of them when there is none)."""
    if not block.body.blocks:
        return block.body.attributes
    first_block = min(nested.span.start for nested in block.body.blocks)
    return tuple(a for a in block.body.attributes if a.span.start < first_block)


def _first(attributes: tuple[Attribute, ...], names: tuple[str, ...]) -> list[Attribute]:
    found = [a for a in attributes if a.name in names]
    return [min(found, key=lambda a: a.span.start)] if found else []


def _comment_line(source: SourceFile, number: int) -> Optional[str]:
    """The text of line `number` when it holds only a `#` or `//` comment, else None."""
    if number < 1:
        return None
    start = source.index.line_start(number)
    end = source.text.find("\n", start)
    line = source.text[start : len(source.text) if end < 0 else end].strip()
    return line if line.startswith(("#", "//")) else None


def _above_comments(source: SourceFile, number: int, heading: Optional[re.Pattern[str]]) -> int:
    """The first of the comment lines right above line `number` (they describe it), unless they
    hold the heading: then the line itself, so the new line stays under the heading."""
    first = number
    while _comment_line(source, first - 1) is not None:
        first -= 1
    if heading is not None and any(heading.search(_comment_line(source, n) or "") for n in range(first, number)):
        return number
    return first


def _heading_line(block: Block, source: SourceFile, heading: re.Pattern[str]) -> Optional[tuple[int, int]]:
    """Below the comment lines that hold the heading, inside the block and outside nested blocks."""
    first_line = source.index.position(block.open_brace_end)[0] + 1
    last_line = source.index.position(block.close_brace_start)[0] - 1
    nested = [(n.span.line, n.span.end_line) for n in block.body.blocks]
    for number in range(first_line, last_line + 1):
        text = _comment_line(source, number)
        if text is None or not heading.search(text) or any(a <= number <= b for a, b in nested):
            continue
        below = number + 1
        while below <= last_line and _comment_line(source, below) is not None:
            below += 1
        return below, number
    return None
