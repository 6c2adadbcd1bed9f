"""Text that is safe to print: no control sequence, no bidi override, no undecodable byte reaches an output.

File names are bytes on POSIX; Python decodes the undecodable ones with `surrogateescape`, and such
a lone surrogate makes every UTF-8 writer raise. Names and messages may also hold ESC sequences or
newlines (a directory can be named anything), which a terminal would execute and a line-based
format (plain, GitHub workflow commands) would split into forged lines.
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls, the bidi embedding/override/isolate controls, lone surrogates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the original byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_UNSAFE_BUT_NEWLINES = re.compile(_UNSAFE.pattern.replace("\x00-\x1f", "\x00-\x09\x0b\x0c\x0e-\x1f"))


def printable(text: str, keep_newlines: bool = False) -> str:
    """`text` with every unsafe character written as a visible backslash escape (`\\x1b`, `\\n`, `\\xff`).

    `keep_newlines` leaves CR and LF for a format that escapes them itself (workflow commands).
    """
    return (_UNSAFE_BUT_NEWLINES if keep_newlines else _UNSAFE).sub(_escape, text)


def utf8_bytes(text: str) -> bytes:
    """The bytes a path string stands for (its undecodable bytes restored), for percent-encoding."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no decoder produced: show it escaped
        return printable(text).encode("utf-8")
