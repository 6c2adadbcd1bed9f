"""Content-addressed caches in the user's cache directory: parse results and validated rules.

Each cache is one pickle file with a header naming the tool and parser versions; a file that is
corrupt, truncated, foreign or from another version is ignored and rebuilt. Writes go to a
temporary file in the same directory and are renamed into place, so two processes at once can
only race to write equally valid files.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any, Optional

from mfa_guard import __version__

log = logging.getLogger(__name__)
FORMAT = 2  # 2: the header names the code fingerprint
PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


@functools.cache
def parser_version() -> str:
    """python-hcl2's installed version, found as the import system would find the package.

    importlib.metadata costs ~10 ms to import, most of a warm run's budget, so the dist-info
    directory beside the package is read directly; the stat of the package's transformer (how
    trees become values) is added, so an edited or oddly installed hcl2 still changes the key.
    """
    for entry in sys.path:
        base = entry or os.curdir
        transformer = os.path.join(base, "hcl2", "transformer.py")
        try:
            stat = os.stat(transformer)
        except OSError:
            continue
        try:
            names = os.listdir(base)
        except OSError:
            names = []
        dist = next((n for n in names if n.startswith("python_hcl2-") and n.endswith(".dist-info")), "")
        return f"{dist[len('python_hcl2-') : -len('.dist-info')]}:{stat.st_size}:{stat.st_mtime_ns}"
    return "unknown"


@functools.cache
def code_fingerprint(package: str = PACKAGE_DIR) -> str:
    """The tool's own modules by name, size and modification time (~1 ms). The version alone is not
    enough: a development checkout whose checks changed without a version bump must not reuse
    findings or parses made by other code."""
    entries = []
    for directory, subdirectories, files in os.walk(package):
        subdirectories[:] = sorted(d for d in subdirectories if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                entries.append(f"{os.path.relpath(path, package)}:{stat.st_size}:{stat.st_mtime_ns}")
    return digest(*entries)


class PickleStore:
    """A dict persisted as one pickle file, valid only for this tool's code and parser version."""

    def __init__(self, path: Optional[Path], scope: str) -> None:
        self.path = path
        self.header = (FORMAT, __version__, code_fingerprint(), parser_version(), scope)
        self.entries: dict[str, Any] = self._load()
        self.used: set[str] = set()
        self.dirty = False

    def _load(self) -> dict[str, Any]:
        if self.path is None:
            return {}
        try:
            with self.path.open("rb") as stream:
                header, entries = pickle.load(stream)
        except FileNotFoundError:
            return {}
        except Exception as exc:  # corrupt or foreign cache: ignore and rebuild
            log.info("ignoring unreadable cache %s: %s", self.path, type(exc).__name__)
            return {}
        if header != self.header or not isinstance(entries, dict):
            return {}
        return entries

    def get(self, key: str) -> Any:
        value = self.entries.get(key)
        if value is not None:
            self.used.add(key)
        return value

    def put(self, key: str, value: Any) -> None:
        self.entries[key] = value
        self.used.add(key)
        self.dirty = True

    def save(self) -> None:
        """Write what this run used (stale entries are dropped), atomically; never fail the run."""
        if self.path is None or not (self.dirty or len(self.used) != len(self.entries)):
            return
        kept = {key: self.entries[key] for key in self.used}
        temporary: Optional[Path] = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
            temporary = Path(name)
            with os.fdopen(fd, "wb") as stream:
                pickle.dump((self.header, kept), stream, protocol=pickle.HIGHEST_PROTOCOL)
            temporary.replace(self.path)
        except (OSError, RecursionError, pickle.PicklingError) as exc:
            log.info("cannot write cache %s: %s", self.path, exc)
            if temporary is not None:
                with contextlib.suppress(OSError):
                    temporary.unlink()


def project_store(cache_dir: Optional[Path], root: Path) -> PickleStore:
    """The parse cache of one project root."""
    if cache_dir is None:
        return PickleStore(None, "parse")
    name = digest(str(root.resolve()))[:24]
    return PickleStore(cache_dir / "projects" / f"{name}.pickle", "parse")


def rules_store(cache_dir: Optional[Path]) -> PickleStore:
    return PickleStore(cache_dir / "rules.pickle" if cache_dir is not None else None, "rules")
