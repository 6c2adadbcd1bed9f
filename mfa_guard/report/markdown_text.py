"""Markdown that shows text as text: a file or directory name can never become a link, image, HTML or a new row."""

from __future__ import annotations

import re

from mfa_guard.report.text import printable

# What can start emphasis, a link or image, an HTML tag or entity, a table cell, strike-through;
# `://` and `www.` are broken so no autolink is made.
# `_` inside a word never emphasises (CommonMark), so MFA_ENABLED stays readable.
_PUNCTUATION = re.compile(r"([\\`*\[\]()!|~#]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|:(?=//)|(?<=www)\.)")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_BACKTICK_RUN = re.compile("`+")


def _plain(text: str) -> str:
    text = "".join(_ENTITIES.get(c, c) for c in text)
    return _PUNCTUATION.sub(r"\\\1", text)


def md_text(text: str) -> str:
    """Inline text (a table cell too): every Markdown character escaped, `code spans` of the tool kept.

    A newline becomes `<br>` (a line break inside the cell, never a new row). Only a balanced set of backticks is read as code spans; code span content is literal in
    Markdown, so it needs no escaping but `|`, which GitHub's tables split on even there.
    """
    text = printable(text, keep_newlines=True).replace("\r\n", "\n").replace("\r", "\n")
    parts = text.split("`")
    if len(parts) % 2 == 0:  # unbalanced: no code spans at all
        parts = [text]
    for i, part in enumerate(parts):
        parts[i] = _plain(part) if i % 2 == 0 else part.replace("|", "\\|")
    return "`".join(parts).replace("\n", "<br>")


def md_code(text: str, in_table: bool = False) -> str:
    """`text` as one code span, whatever backticks it holds (CommonMark: a longer fence)."""
    text = printable(text)
    longest = max((len(run) for run in _BACKTICK_RUN.findall(text)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    if in_table:
        padded = padded.replace("|", "\\|")
    return f"{fence}{padded}{fence}"
