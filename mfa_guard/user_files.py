"""Files the tool reads or writes beside the project tree: config, baseline, team rules, apply
records, reports. The project is the boundary: a path that came from a committed file must resolve
inside it; every read is of a regular file with a size cap (no FIFO, device or /dev/zero), and
every write refuses a symlink. Messages name the file and the problem, never its contents.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import Optional

from mfa_guard.errors import UserError
from mfa_guard.source import MAX_FILE_BYTES, ReadProblem, decode, read_bytes


def inside(path: Path, boundary: Path) -> bool:
    """Whether `path`, every symlink on the way followed, ends inside `boundary` (also resolved)."""
    try:
        path.resolve().relative_to(boundary.resolve())
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop on Python < 3.13
        return False
    return True


def require_inside(path: Path, boundary: Optional[Path], error: type[UserError], where: str = "$") -> None:
    """`error` unless `path` resolves inside `boundary` (None: a command-line path, not bounded)."""
    if boundary is not None and not inside(path, boundary):
        raise error(f"{path}: {where}: resolves outside {boundary} (a symlink or `..` leading out); not read")


def read_user_bytes(
    path: Path, error: type[UserError], boundary: Optional[Path] = None, limit: int = MAX_FILE_BYTES
) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, inside `boundary` when one is given."""
    require_inside(path, boundary, error)
    try:
        return read_bytes(str(path), str(path), limit)
    except OSError as exc:
        raise error(f"{path}: $: cannot read: {exc.strerror or type(exc).__name__}") from None
    except ReadProblem as exc:
        raise error(f"{path}: $: {str(exc).removeprefix(f'{path}: ')}") from None


def read_user_file(path: Path, error: type[UserError], boundary: Optional[Path] = None) -> str:
    """The UTF-8 text of a file the user (or the project) named, or `error` as `file: $: reason`."""
    data = read_user_bytes(path, error, boundary)
    try:
        text, _ = decode(data, str(path))
    except ReadProblem as exc:
        raise error(f"{path}: $: {str(exc).removeprefix(f'{path}: ')}") from None
    return text


def write_user_file(path: Path, text: str, error: type[UserError], label: str = "") -> None:
    """Write `text` to `path` atomically (a temporary file beside it, then a rename), never through
    a symlink: a committed `report.sarif -> ~/.bashrc` must not redirect the write."""
    name = label or str(path)
    if path.is_symlink():
        raise error(f"{name}: is a symlink; refusing to write through it")
    with contextlib.suppress(OSError):
        if path.exists() and not stat.S_ISREG(path.stat().st_mode):
            raise error(f"{name}: is not a regular file; refusing to write it")
    directory = path.parent
    temporary: Optional[str] = None
    try:
        import tempfile  # writers only: reading a user file must not pay for it

        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".mfa-guard.tmp", dir=directory)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).chmod(0o666 & ~_umask())
        Path(temporary).replace(path)
        temporary = None
    except OSError as exc:
        raise error(f"{name}: cannot write: {exc.strerror or exc}") from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                Path(temporary).unlink()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
