"""Writing fixed files: inside the project only, atomically per file, all prepared before any replace."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mfa_guard.errors import UserError
from mfa_guard.source import SourceFile


class WriteError(UserError):
    """A fixed file could not be written; says which, and which files were (not) changed."""


@dataclass(frozen=True)
class Prepared:
    source: SourceFile
    target: Path
    temp: Path


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


def _prepare(root: Path, source: SourceFile) -> Prepared:
    target = safe_target(root, source.path)
    try:
        info = target.stat()
    except OSError as exc:
        raise WriteError(f"{source.path}: cannot write: {exc.strerror}") from None
    if not info.st_mode & stat.S_IWUSR or not os.access(target, os.W_OK):  # mode bits: root ignores access()
        raise WriteError(f"{source.path}: cannot write: the file is read-only (mode {stat.filemode(info.st_mode)})")
    data = source.encode(source.text)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".mfa-guard.tmp", dir=target.parent)
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
    return Prepared(source, target, temp)


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


def write_files(root: Path, files: Sequence[SourceFile]) -> list[str]:
    """Write every file or none: each is fully written and synced to a temporary file beside it
    first; only then are they renamed over the originals. Returns the paths written."""
    prepared: list[Prepared] = []
    try:
        for source in sorted(files, key=lambda s: s.path):
            try:
                prepared.append(_prepare(root, source))
            except OSError as exc:
                raise WriteError(f"{source.path}: cannot write: {exc.strerror or exc}; no file was changed") from None
    except WriteError as exc:
        for item in prepared:
            item.temp.unlink(missing_ok=True)
        message = str(exc)
        raise WriteError(message if "no file was changed" in message else f"{message}; no file was changed") from None
    return _replace_all(prepared)


def _replace_all(prepared: Sequence[Prepared]) -> list[str]:
    written: list[str] = []
    for position, item in enumerate(prepared):
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
