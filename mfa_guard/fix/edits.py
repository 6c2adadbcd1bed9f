"""Building TextEdits that change only the targeted tokens of a file."""

from __future__ import annotations

import re

from mfa_guard.findings import TextEdit
from mfa_guard.fix.placement import insertion_line
from mfa_guard.parse.hcl_types import Attribute, Block
from mfa_guard.source import SourceFile
from mfa_guard.span import Span

_INDENT = re.compile(r"[ \t]*")


def replace_span(span: Span, text: str) -> TextEdit:
    return TextEdit(span.path, span.start, span.end, text)


def replace_string_value(span: Span, source: SourceFile, value: str) -> TextEdit:
    """Replace a quoted string's content, keeping its quotes."""
    quoted = source.text[span.start : span.end]
    if len(quoted) >= 2 and quoted[0] == quoted[-1] and quoted[0] in "\"'":
        return TextEdit(span.path, span.start + 1, span.end - 1, value)
    return TextEdit(span.path, span.start, span.end, f'"{value}"')


def delete_line(span: Span, source: SourceFile) -> TextEdit:
    """Delete the whole line(s) holding `span`, including the line's newline."""
    start = source.index.line_start(span.line)
    end = source.text.find("\n", span.end)
    end = len(source.text) if end < 0 else end + 1
    if end == len(source.text) and start > 0 and not source.text.endswith("\n"):
        start -= 1  # last line without a final newline: take the newline before it instead
        if start > 0 and source.text[start - 1] == "\r":
            start -= 1
    return TextEdit(span.path, start, end, "")


def line_indent(source: SourceFile, line: int) -> str:
    start = source.index.line_start(line)
    match = _INDENT.match(source.text, start)
    return match.group(0) if match else ""


def insert_attribute(block: Block, source: SourceFile, name: str, value: str) -> TextEdit:
    """Add `name = value` to `block` where it belongs (fix/placement.py), in the block's own style.

    The fix loop realigns the new line's group afterwards (fix/align.py), as `terraform fmt` would."""
    text, newline = source.text, source.newline
    attributes = block.body.attributes
    closing_line = source.index.position(block.close_brace_start)[0]
    opening_line = source.index.position(block.open_brace_end)[0]
    outer = line_indent(source, block.span.line)
    indent = outer + ("\t" if "\t" in outer else "  ")
    if attributes:
        last = attributes[-1]
        if opening_line == closing_line:  # `output "x" { value = y }`: HCL allows one argument only
            body = text[block.open_brace_end : block.close_brace_start].strip()
            return TextEdit(
                block.span.path,
                block.open_brace_end,
                block.close_brace_start,
                f"{newline}{indent}{body}{newline}{indent}{name} = {value}{newline}{outer}",
            )
        if last.span.end_line == closing_line:  # `value = x }`: the new line goes before the brace
            indent = line_indent(source, last.span.line)
            gap = text[last.span.end : block.close_brace_start]
            start = last.span.end if not gap.strip() else block.close_brace_start
            return TextEdit(
                block.span.path, start, block.close_brace_start, f"{newline}{indent}{name} = {value}{newline}{outer}"
            )
        placed = insertion_line(block, source, name)
        if placed is not None and placed[0] <= closing_line:
            position = source.index.line_start(placed[0])
            return TextEdit(
                block.span.path, position, position, f"{line_indent(source, placed[1])}{name} = {value}{newline}"
            )
        indent = line_indent(source, last.span.line)
        eol = text.find("\n", last.span.end)
        position = eol + 1  # the closing brace is on a later line, so a newline follows
        return TextEdit(block.span.path, position, position, f"{indent}{name} = {value}{newline}")
    if closing_line == opening_line:  # `output "x" {}` on one line
        return TextEdit(
            block.span.path,
            block.open_brace_end,
            block.close_brace_start,
            f"{newline}{indent}{name} = {value}{newline}{outer}",
        )
    position = source.index.line_start(closing_line)
    return TextEdit(block.span.path, position, position, f"{indent}{name} = {value}{newline}")


def set_attribute(attribute: Attribute, value: str) -> TextEdit:
    """Replace an attribute's value expression, leaving name, spacing and comments alone."""
    return replace_span(attribute.value.span, value)
