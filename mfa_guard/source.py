"""Reading project files safely: encoding, BOM, newlines, size limits and unreadable files."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field

from mfa_guard.span import LineIndex

# The largest real Leverage files are tens of KiB; HCL parsing costs ~3 s per MiB, so a bigger
# file is refused (a located PAR002 finding) rather than stalling a pre-commit hook.
MAX_FILE_BYTES = 1024 * 1024
BOM = "\ufeff"


class ReadProblem(Exception):
    """A file that exists but cannot be used as text; the message is shown to the user."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.line = line  # where the problem is, when it is at one place (a bad byte)
        self.column = column


@dataclass(frozen=True)
class SourceFile:
    """The decoded text of one project file, with what is needed to write it back unchanged."""

    path: str  # repo-relative, POSIX
    abspath: str  # what was opened (an OS path; a str, as pathlib costs ~15 us a file)
    text: str  # decoded, BOM removed; offsets in spans index this string
    bom: bool = False
    newline: str = "\n"
    index: LineIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", LineIndex(self.text))

    def encode(self, text: str) -> bytes:
        return ((BOM if self.bom else "") + text).encode("utf-8")


def detect_newline(text: str) -> str:
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf >= text.count("\n") - crlf else "\n"


def decode(data: bytes, path: str) -> tuple[str, bool]:
    """Decode UTF-8 text, refusing binary content with a message that names the problem."""
    if b"\x00" in data[:8192]:
        raise ReadProblem(f"{path}: binary content (NUL byte), not a text file")
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if bom else 0)
        line = data.count(b"\n", 0, start) + 1
        line_start = data.rfind(b"\n", 0, start) + 1 or (3 if bom else 0)
        column = start - line_start + 1  # in bytes: the line is not decodable
        raise ReadProblem(
            f"{path}: not valid UTF-8 (byte 0x{data[start]:02x} at line {line}, column {column})", line, column
        ) from None
    return text, bom


def read_source(root: str | os.PathLike[str], relpath: str) -> SourceFile:
    """Read `relpath` below `root`, raising ReadProblem for anything that is not usable text."""
    abspath = os.path.join(root, relpath)
    try:
        data = read_bytes(abspath, relpath)
    except OSError as exc:
        raise ReadProblem(f"{relpath}: cannot read ({os.strerror(exc.errno or 0) or exc})") from None
    text, bom = decode(data, relpath)
    if "\r" in text.rstrip("\r") and "\n" not in text:
        # Python's text mode (the CLI) would split these lines, Terraform would not: never guess.
        raise ReadProblem(f"{relpath}: lines end in a bare CR (classic Mac line endings); use LF or CRLF")
    return SourceFile(relpath, abspath, text, bom, detect_newline(text))


def read_bytes(abspath: str, relpath: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """One open, one fstat, one read; the size limit is checked on the file that is read (ReadProblem).

    O_NONBLOCK and the fstat check: a FIFO or device (a committed symlink to /dev/zero) is refused
    as "not a regular file" instead of hanging the run or filling memory.
    """
    fd = os.open(abspath, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ReadProblem(f"{relpath}: not a regular file ({_kind(info.st_mode)}); not read")
        size = info.st_size
        if size > limit:
            raise ReadProblem(f"{relpath}: {size} bytes is larger than the {limit} byte limit; not read")
        data = os.read(fd, size + 1)
        if len(data) != size:  # grew, shrank or a short read since fstat: read on to EOF, bounded
            chunks = [data]
            while (chunk := os.read(fd, 65536)) and sum(map(len, chunks)) <= limit:
                chunks.append(chunk)
            data = b"".join(chunks)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise ReadProblem(f"{relpath}: {len(data)} bytes is larger than the {limit} byte limit; not read")
    return data


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"
