"""Writing fixed files: inside the project only, atomically per file, all prepared before any replace."""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from mfa_guard.errors import UserError
from mfa_guard.source import ReadProblem, SourceFile, read_bytes


class WriteError(UserError):
    """A fixed file could not be written; says which, and which files were (not) changed."""


@dataclass(frozen=True)
class Prepared:
    source: SourceFile
    target: Path
    temp: Path
    expected: Optional[bytes] = None  # the bytes the fix was computed from (None: not checked)
    stamp: tuple[int, int] = (0, 0)  # (size, mtime_ns) of the target when the temporary was written


# `.<name>.<random>.mfa-guard.tmp`: what _prepare (and the records writer) name their temporary files.
TEMP_SUFFIX = ".mfa-guard.tmp"
_LEFTOVER_AGE_S = 60  # younger ones may belong to a fix running right now


def safe_target(root: Path, relpath: str) -> Path:
    """The absolute path to write `relpath` to, refusing anything that leaves the project.

    Refused: absolute or `..` paths, a path whose real location is outside the root (a symlinked
    directory or file pointing out of it), a symlink as the file itself, and ~/.aws in any case.
    """
    real_root = root.resolve()
    candidate = root / relpath
    if Path(relpath).is_absolute() or ".." in Path(relpath).parts:
        raise WriteError(f"{relpath}: refusing to write outside the project root")
    if candidate.is_symlink():
        raise WriteError(f"{relpath}: is a symlink; refusing to write through it")
    resolved = candidate.resolve()
    try:
        resolved.relative_to(real_root)
    except ValueError:
        raise WriteError(f"{relpath}: resolves to {resolved}, outside the project root; not written") from None
    aws = (Path.home() / ".aws").resolve()
    if resolved == aws or aws in resolved.parents:
        raise WriteError(f"{relpath}: is under {aws}; mfa-guard never edits it (run the companion command instead)")
    return resolved


def _prepare(root: Path, source: SourceFile, original: Optional[SourceFile] = None) -> Prepared:
    target = safe_target(root, source.path)
    try:
        info = target.stat()
    except OSError as exc:
        raise WriteError(f"{source.path}: cannot write: {exc.strerror}") from None
    expected = original.encode(original.text) if original is not None else None
    if not info.st_mode & stat.S_IWUSR or not os.access(target, os.W_OK):  # mode bits: root ignores access()
        raise WriteError(f"{source.path}: cannot write: the file is read-only (mode {stat.filemode(info.st_mode)})")
    data = source.encode(source.text)
    import tempfile  # writers only: `check` imports this module for safe_target

    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
    temp = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        temp.chmod(stat.S_IMODE(info.st_mode))
    except OSError:
        temp.unlink(missing_ok=True)
        raise
    return Prepared(source, target, temp, expected, (info.st_size, info.st_mtime_ns))


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # not every platform can open a directory; the rename is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_files(
    root: Path,
    files: Sequence[SourceFile],
    originals: Optional[Mapping[str, SourceFile]] = None,
    on_skip: Optional[Callable[[str], None]] = None,
) -> list[str]:
    """Write every file or none: each is fully written and synced to a temporary file beside it
    first; only then are they renamed over the originals. Returns the paths written.

    With `originals` (the texts the fixes were computed from), a file edited since it was read is
    skipped, left untouched, and `on_skip` is told why: a fix never overwrites a concurrent edit.
    """
    prepared: list[Prepared] = []
    try:
        for source in sorted(files, key=lambda s: s.path):
            original = originals.get(source.path) if originals is not None else None
            try:
                prepared.append(_prepare(root, source, original))
            except OSError as exc:
                raise WriteError(f"{source.path}: cannot write: {exc.strerror or exc}; no file was changed") from None
    except WriteError as exc:
        for item in prepared:
            item.temp.unlink(missing_ok=True)
        message = str(exc)
        raise WriteError(message if "no file was changed" in message else f"{message}; no file was changed") from None
    return _replace_all(prepared, on_skip or _say_skipped)


def _say_skipped(message: str) -> None:
    sys.stderr.write(f"mfa-guard: {message}\n")


def changed_since_read(item: Prepared) -> bool:
    """Whether the target is no longer what the fix was computed from: its size and mtime since the
    temporary was written, and its bytes against those read (cheap: project files are small)."""
    if item.expected is None:
        return False
    try:
        info = item.target.stat()
        if (info.st_size, info.st_mtime_ns) != item.stamp or info.st_size != len(item.expected):
            return True
        current = read_bytes(str(item.target), item.source.path)
    except (OSError, ReadProblem):
        return True
    return hashlib.sha256(current).digest() != hashlib.sha256(item.expected).digest()


def _replace_all(prepared: Sequence[Prepared], on_skip: Callable[[str], None]) -> list[str]:
    written: list[str] = []
    for position, item in enumerate(prepared):
        if changed_since_read(item):
            item.temp.unlink(missing_ok=True)
            on_skip(f"{item.source.path}: changed since mfa-guard read it; not written (run fix again)")
            continue
        try:
            item.temp.replace(item.target)
        except OSError as exc:
            for rest in prepared[position:]:
                rest.temp.unlink(missing_ok=True)
            done = ", ".join(written) or "none"
            untouched = ", ".join(p.source.path for p in prepared[position:])
            raise WriteError(
                f"{item.source.path}: cannot replace: {exc.strerror or exc}; written: {done}; unchanged: {untouched}"
            ) from None
        written.append(item.source.path)
        _fsync_dir(item.target.parent)
    return written


def remove_leftovers(directories: Iterable[Path]) -> list[Path]:
    """Temporary files of mfa-guard's own naming left by a killed run (older than a minute, regular
    files, not symlinks) in `directories`; removed, and returned."""
    removed = []
    now = time.time()
    for directory in sorted(set(directories)):
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            if not (entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX)):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and now - info.st_mtime > _LEFTOVER_AGE_S:
                    Path(entry.path).unlink()
                    removed.append(Path(entry.path))
            except OSError:
                continue
    return removed
