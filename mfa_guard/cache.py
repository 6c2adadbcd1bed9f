"""Content-addressed caches in the user's cache directory: parse results and validated rules.

Each cache is one JSON file (data only, never pickle: a planted cache file must not run code) whose
first line names the tool, format, code fingerprint and parser version; it is compared before the
body is decoded. A file that is corrupt, truncated, foreign or from another version is ignored and
rebuilt. Writes go to a
temporary file in the same directory and are renamed into place, so two processes at once can
only race to write equally valid files.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Optional

from mfa_guard import __version__
from mfa_guard.hashing import digest
from mfa_guard.log import get_logger
from mfa_guard.source import ReadProblem, read_bytes

log = get_logger(__name__)
MAGIC = "mfa-guard-cache"
FORMAT = 3  # 2: the header names the code fingerprint; 3: JSON data, no pickle
MAX_CACHE_BYTES = 256 * 1024 * 1024  # a parse cache of a very large project; never /dev/zero
PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


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


class DataStore:
    """A dict persisted as one JSON file, valid only for this tool's code and parser version.

    The file is a header line, then the body. The header line is compared byte for byte with this
    run's before anything else is decoded; entries are decoded (by `decode`, building only the
    cached types) when first asked for. Nothing in a cache file can run code on load.
    """

    def __init__(
        self,
        path: Optional[Path],
        scope: str,
        encode: Callable[[Any], Any] = lambda value: value,
        decode: Callable[[Any], Any] = lambda data: data,
    ) -> None:
        self.path = path
        self.header = (
            json.dumps([MAGIC, FORMAT, __version__, code_fingerprint(), parser_version(), scope]).encode() + b"\n"
        )
        self.encode, self.decode = encode, decode
        self.raw: dict[str, Any] = self._load()  # entries as stored, decoded on first use
        self.entries: dict[str, Any] = {}
        self.used: set[str] = set()
        self.dirty = False

    def _load(self) -> dict[str, Any]:
        if self.path is None:
            return {}
        try:
            data = read_bytes(str(self.path), str(self.path), MAX_CACHE_BYTES)
        except FileNotFoundError:
            return {}
        except (OSError, ReadProblem) as exc:
            log.info("ignoring unreadable cache %s: %s", self.path, exc)
            return {}
        if not data.startswith(self.header):
            return {}  # another version, format, scope or a foreign file: the body is never decoded
        try:
            entries = json.loads(data[len(self.header) :])
        except (ValueError, RecursionError) as exc:  # corrupt or truncated: ignore and rebuild
            log.info("ignoring unreadable cache %s: %s", self.path, type(exc).__name__)
            return {}
        return entries if isinstance(entries, dict) else {}

    def get(self, key: str) -> Any:
        if key in self.entries:
            self.used.add(key)
            return self.entries[key]
        if key not in self.raw:
            return None
        try:
            value = self.decode(self.raw[key])
        except Exception as exc:  # malformed data under a valid header: a miss, rebuilt
            log.info("ignoring a malformed entry of cache %s: %s", self.path, type(exc).__name__)
            del self.raw[key]
            return None
        self.entries[key] = value
        self.used.add(key)
        return value

    def put(self, key: str, value: Any) -> None:
        self.entries[key] = value
        self.raw.pop(key, None)
        self.used.add(key)
        self.dirty = True

    def save(self) -> None:
        """Write what this run used (stale entries are dropped), atomically; never fail the run."""
        if self.path is None or not (self.dirty or len(self.used) != len(self.raw.keys() | self.entries.keys())):
            return
        temporary: Optional[Path] = None
        try:
            kept = {key: self.raw[key] if key in self.raw else self.encode(self.entries[key]) for key in self.used}
            body = json.dumps(kept, separators=(",", ":"), check_circular=False).encode("ascii")
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, name = _create_beside(self.path)
            temporary = Path(name)
            with os.fdopen(fd, "wb") as stream:
                stream.write(self.header)
                stream.write(body)
            temporary.replace(self.path)
        except (OSError, RecursionError, TypeError, ValueError) as exc:  # TypeError: a value JSON cannot hold
            log.info("cannot write cache %s: %s", self.path, exc)
            if temporary is not None:
                with contextlib.suppress(OSError):
                    temporary.unlink()


def _create_beside(path: Path) -> tuple[int, str]:
    """A new file beside `path`, created exclusively, mode 0600, never through a symlink: what
    tempfile.mkstemp does, without importing tempfile (with shutil and random, ~7 ms of every
    run that writes a cache)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _attempt in range(100):
        name = os.path.join(path.parent, f"{path.name}.{os.urandom(8).hex()}.tmp")
        try:
            return os.open(name, flags, 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")


def project_store(cache_dir: Optional[Path], root: Path) -> DataStore:
    """The parse cache of one project root."""
    from mfa_guard.parse_codec import parse_result_from_data, parse_result_to_data

    path = None if cache_dir is None else cache_dir / "projects" / f"{digest(str(root.resolve()))[:24]}.json"
    return DataStore(path, "parse", parse_result_to_data, parse_result_from_data)


def rules_store(cache_dir: Optional[Path]) -> DataStore:
    from mfa_guard.cache_codec import rules_from_data, rules_to_data

    path = cache_dir / "rules.json" if cache_dir is not None else None
    return DataStore(path, "rules", rules_to_data, rules_from_data)
