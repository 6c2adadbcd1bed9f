"""Find the Leverage project root and list its files, deciding from names alone what matters."""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from mfa_guard.errors import UserError

SKIPPED_DIRS = frozenset({".git", ".terraform", "node_modules", "__pycache__", ".venv"})
ROOT_MARKERS = ("build.env", "project.yaml", "config/common.tfvars", "config/common.tfvars.example")


class DiscoveryError(UserError):
    """The path given is not (inside) a Leverage project; exit code 2."""


@dataclass(frozen=True)
class WalkProblem:
    path: str
    message: str


@dataclass(frozen=True)
class FileIndex:
    """Every regular file below the root that a rule may look at, relative and POSIX."""

    root: Path
    files: tuple[str, ...]
    disabled_layers: tuple[str, ...]
    problems: tuple[WalkProblem, ...]
    aliases: dict[str, str]  # symlinked path -> the in-root path it points at

    def exists(self, relpath: str) -> bool:
        return relpath in self._set  # type: ignore[attr-defined]

    def real(self, relpath: str) -> str:
        """The path to read for `relpath`: the target of an in-root symlink, else itself."""
        return self.aliases.get(relpath, relpath)

    def children(self, directory: str) -> tuple[str, ...]:
        """The files directly inside `directory` (repo-relative; "" for the root), in order."""
        return self._children.get(directory, ())  # type: ignore[attr-defined,no-any-return]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_set", frozenset(self.files))
        by_directory: dict[str, list[str]] = {}
        for relpath in self.files:
            by_directory.setdefault(relpath.rpartition("/")[0], []).append(relpath)
        object.__setattr__(self, "_children", {d: tuple(f) for d, f in by_directory.items()})


def is_disabled_layer(name: str) -> bool:
    """Leverage marks disabled layers with `--` at the end of the name (` --`, `--`, `-- `)."""
    return name.rstrip().endswith("--")


def _probe(path: Path, test: Callable[[Path], bool]) -> bool:
    """A cheap existence test that reads an unreadable path (EACCES, ELOOP, ...) as absent."""
    try:
        return test(path)
    except OSError:
        return False


def git_top(start: Path) -> Optional[Path]:
    for directory in (start, *start.parents):
        if _probe(directory / ".git", Path.exists):
            return directory
    return None


def _looks_like_root(directory: Path) -> bool:
    if _probe(directory / "config" / "backend.tfvars", Path.is_file):
        return False  # an account directory, not the project root
    return any(_probe(directory / marker, Path.is_file) for marker in ROOT_MARKERS)


def find_root(start: Path) -> Path:
    """The outermost directory that looks like a Leverage root, bounded by the git top level."""
    try:
        start = start.resolve()
        if start.is_file():
            start = start.parent
        with os.scandir(start):
            pass  # an unreadable start would otherwise read as "not a Leverage project"
    except (OSError, RuntimeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise DiscoveryError(f"{start}: cannot read: {reason}") from None
    top = git_top(start)
    chain = [start, *start.parents]
    if top is not None:
        chain = chain[: chain.index(top) + 1]
    candidates = [directory for directory in chain if _looks_like_root(directory)]
    if not candidates:
        where = f" (searched up to {top})" if top is not None else ""
        raise DiscoveryError(
            f"{start}: not inside a Leverage project: no build.env, project.yaml or config/common.tfvars found{where}"
            + _monorepo_hint(start)
        )
    return candidates[-1]


def _monorepo_hint(start: Path) -> str:
    """A Leverage project one or two levels below (a monorepo): say how to point mfa-guard at it."""
    import shlex

    found = []
    try:
        for child in sorted(start.iterdir()):
            if child.is_dir() and not child.name.startswith(".") and _looks_like_root(child):
                found.append(child.name)
    except OSError:
        return ""
    if not found:
        return ""
    name = shlex.quote(found[0])
    return f"; a project is in {', '.join(found)}: run `mfa-guard check {name}` (pre-commit: `args: [{name}]`)"


def walk(root: Path, excluded: Callable[[str], bool] = lambda _path: False) -> FileIndex:
    files: list[str] = []
    disabled: list[str] = []
    problems: list[WalkProblem] = []
    aliases: dict[str, str] = {}
    real_root = root.resolve()
    base = os.fspath(root)  # plain strings below: pathlib costs ~15 us a path, a lot at 10,000 files
    links: list[str] = []
    stack = [""]
    while stack:
        relative_dir = stack.pop()
        try:
            with os.scandir(os.path.join(base, relative_dir)) as entries:
                listing = sorted(entries, key=lambda e: e.name)
        except OSError as exc:
            problems.append(WalkProblem(relative_dir or ".", f"cannot list directory: {exc.strerror}"))
            continue
        for entry in listing:
            relpath = f"{relative_dir}/{entry.name}" if relative_dir else entry.name
            if excluded(relpath):
                continue
            if entry.is_symlink():
                links.append(relpath)  # resolved once the regular files are known
            elif entry.is_dir(follow_symlinks=False):
                if entry.name in SKIPPED_DIRS or entry.name.startswith("."):
                    continue
                if is_disabled_layer(entry.name):
                    disabled.append(relpath)
                    continue
                stack.append(relpath)
            elif entry.is_file(follow_symlinks=False):
                files.append(relpath)
    regular = frozenset(files)
    for relpath in links:
        quick = _plain_link_target(base, relpath, regular)
        if quick is not None:
            aliases[relpath] = quick
            files.append(relpath)
        else:
            _symlink(root, real_root, relpath, files, aliases, problems)
    return FileIndex(root, tuple(sorted(files)), tuple(sorted(disabled)), tuple(problems), aliases)


def _plain_link_target(base: str, relpath: str, regular: frozenset[str]) -> Optional[str]:
    """The common case in a few syscalls: a relative link to a file the walk found (so inside).

    The lexical target must be a regular file of the walk and the very file the OS resolves to
    (same inode); anything else (loops, links to links or out of the root) takes the full path.
    """
    link = os.path.join(base, relpath)
    try:
        resolved = os.stat(link)
        target = os.readlink(link)
    except OSError:
        return None
    if os.path.isabs(target):
        return None
    candidate = posixpath.normpath(posixpath.join(posixpath.dirname(relpath), target.replace(os.sep, "/")))
    if candidate not in regular:
        return None
    try:
        found = os.stat(os.path.join(base, candidate))
    except OSError:
        return None
    return candidate if (found.st_ino, found.st_dev) == (resolved.st_ino, resolved.st_dev) else None


def _symlink(
    root: Path,
    real_root: Path,
    relpath: str,
    files: list[str],
    aliases: dict[str, str],
    problems: list[WalkProblem],
) -> None:
    """Symlinked files inside the root are read once, through their target; nothing else is."""
    try:
        target = (root / relpath).resolve(strict=True)
    except (OSError, RuntimeError):
        problems.append(WalkProblem(relpath, "broken or looping symlink; not followed"))
        return
    try:
        inside = target.relative_to(real_root).as_posix()
    except ValueError:
        problems.append(WalkProblem(relpath, "symlink points outside the project; not followed"))
        return
    if target.is_file():
        aliases[relpath] = inside
        files.append(relpath)
    # Symlinked directories are never descended: the real directory is walked once already.
