"""The results cache: a `check` whose inputs are all unchanged is answered with the findings of
the run that recorded them, without parsing, modelling or evaluating anything.

Rules are cross-file, so one entry covers the whole project. Its key is every input of an
analysis: the tool and parser versions (the store's header), the effective options with today's
date (suppressions expire), the config, every rule, the baseline's bytes and the file listing
(names, symlinks, disabled layers). Which files an analysis reads depends on their contents, so
the entry lists the files the recorded run read with a digest of each one's bytes; a lookup
re-reads exactly those files. A change to any of them, or to the listing, is a miss and a full analysis.

A file that had not changed for a while when the recording analysis began is also recorded with its
stat signature (size, mtime, ctime, inode, device), and a lookup that finds the same signature does
not read it again, as git's index does. Rewriting a file, renaming another over it or setting its
mtime back all give it a new ctime, which no tool can set; a file changed within SETTLED_NS of the
analysis is only ever compared by content (the racy case of a timestamp's granularity).
"""

from __future__ import annotations

import dataclasses
import os
import stat
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from mfa_guard.cache import DataStore
from mfa_guard.errors import UserError
from mfa_guard.findings import Finding
from mfa_guard.hashing import digest, file_digest, hex_digest
from mfa_guard.log import get_logger
from mfa_guard.prepare import Prepared
from mfa_guard.project_info import ProjectInfo, project_info
from mfa_guard.source import ReadProblem, SourceFile, read_bytes
from mfa_guard.user_files import read_user_bytes

if TYPE_CHECKING:
    from mfa_guard.analysis import Analysis

log = get_logger(__name__)

SETTLED_NS = 2_000_000_000  # coarser than any file system's timestamps (FAT's are 2 s)
Signature = tuple[int, int, int, int, int]  # st_size, st_mtime_ns, st_ctime_ns, st_ino, st_dev
Recorded = dict[str, tuple[bytes, Optional[Signature]]]  # relpath -> (digest, signature if settled)


@dataclass(frozen=True)
class Outcome:
    """What `check` reports of one analysis."""

    findings: tuple[Finding, ...]
    project: ProjectInfo
    baselined: int  # findings the baseline hid


def outcome(prepared: Prepared) -> Outcome:
    """From the cache when every input is unchanged, else from a full analysis (then recorded)."""
    key = settings_key(prepared)
    store = None
    if key is not None and prepared.cache_dir is not None:
        store = _store(prepared.cache_dir, prepared.root)
        hit = _lookup(store, key, str(prepared.root))
        if hit is not None:
            log.info("results cache: every input unchanged, findings taken from %s", store.path)
            return hit
    from mfa_guard.analysis import analyse_prepared  # the parsers, model and checks: only on a miss

    started = time.time_ns()
    analysis = analyse_prepared(prepared)
    result = Outcome(tuple(analysis.findings), project_info(analysis.project, analysis.local), analysis.baselined)
    if store is not None and key is not None and _recordable(analysis):
        store.put(key, (analysed(analysis.project.sources, str(prepared.root), started), result))
        store.save()
    return result


def settings_key(prepared: Prepared) -> Optional[str]:
    """Everything but file contents; None when the run must not be cached (no cache, local checks,
    an unreadable baseline: the full run reports that)."""
    options = prepared.options
    if prepared.cache_dir is None or options.local:
        return None
    baseline = ""
    if options.baseline is not None:
        try:
            baseline = hex_digest(read_user_bytes(options.baseline, UserError))
        except UserError:
            return None
    records = _records_digest(prepared.root)
    index = prepared.index
    listing = (index.files, sorted(index.aliases.items()), index.disabled_layers, index.problems)
    # `path` only located the root, and `no_cache` is known to be off: neither changes findings.
    settings = dataclasses.replace(options, path=Path(), no_cache=False)
    return digest(
        repr(settings),
        repr(prepared.config),
        # The rules are a function of their files (and the code, in the header); the enabled ones
        # of those and the options above. Their digest is ~2 ms cheaper than their repr.
        prepared.rules_key or repr((prepared.all_rules, prepared.rules)),
        repr(listing),
        baseline,
        records,
    )


def _records_digest(root: Path) -> str:
    """The recorded applies and confirmations decide the guide's position, so they are inputs."""
    from mfa_guard.guide.record_files import LEGACY_RECORDS_FILE, RECORDS_FILE

    parts = []
    for name in (RECORDS_FILE, LEGACY_RECORDS_FILE):
        path = root / name
        try:
            if not stat.S_ISREG(os.lstat(path).st_mode):
                parts.append("not a regular file")  # a FIFO would block, a symlink is never followed
                continue
            parts.append(hex_digest(read_bytes(str(path), name)))
        except (OSError, ReadProblem):
            parts.append("-")
    return ",".join(parts)


def unchanged(base: str, recorded: Recorded) -> bool:
    """Whether every recorded file still has the recorded bytes; stops at the first that differs
    (on a miss the analysis reads them all again, so a full pass here would be wasted)."""
    for relpath, (expected, signature) in recorded.items():
        path = os.path.join(base, relpath)
        if signature is not None and _signature(path) == signature:
            continue
        try:
            data = read_bytes(path, relpath)
        except (OSError, ReadProblem):
            return False
        if file_digest(data) != expected:
            return False
    return True


def analysed(sources: Mapping[str, SourceFile], base: str, started_ns: int) -> Recorded:
    """The digest of each file an analysis read, from the text it read (encoding it back gives its
    bytes), so a file changed while the analysis ran is never recorded as analysed; and the stat
    signature of those unchanged since SETTLED_NS before the analysis began (a later change, even
    one made while it ran, gives a later ctime, so no signature is recorded for it)."""
    settled_before = started_ns - SETTLED_NS
    recorded: Recorded = {}
    for relpath, source in sorted(sources.items()):
        signature = _signature(os.path.join(base, relpath))
        if signature is not None and max(signature[1], signature[2]) >= settled_before:
            signature = None
        recorded[relpath] = (file_digest(source.encode(source.text)), signature)
    return recorded


def _signature(path: str) -> Optional[Signature]:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def _store(cache_dir: Path, root: Path) -> DataStore:
    """One file per project root: it holds the latest entry only (save() keeps what was used)."""
    name = digest(str(root))[:24]
    return DataStore(cache_dir / "results" / f"{name}.json", "results", entry_to_data, entry_from_data)


Entry = tuple[Recorded, Outcome]


def entry_to_data(entry: Entry) -> Any:
    from mfa_guard.cache_codec import finding_to_data, project_info_to_data

    recorded, result = entry
    return {
        "files": {relpath: [value.hex(), signature] for relpath, (value, signature) in recorded.items()},
        "findings": [finding_to_data(f) for f in result.findings],
        "project": project_info_to_data(result.project),
        "baselined": result.baselined,
    }


def entry_from_data(data: Any) -> Entry:
    from mfa_guard.cache_codec import finding_from_data, project_info_from_data

    recorded: Recorded = {
        str(relpath): (bytes.fromhex(value), None if signature is None else _signature_from(signature))
        for relpath, (value, signature) in data["files"].items()
    }
    findings = tuple(finding_from_data(f) for f in data["findings"])
    return recorded, Outcome(findings, project_info_from_data(data["project"]), int(data["baselined"]))


def _signature_from(data: Any) -> Signature:
    size, mtime, ctime, inode, device = (int(value) for value in data)
    return (size, mtime, ctime, inode, device)


def _lookup(store: DataStore, key: str, base: str) -> Optional[Outcome]:
    entry = store.get(key)
    if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], dict)):
        return None
    recorded, result = entry
    return result if isinstance(result, Outcome) and unchanged(base, recorded) else None


def _recordable(analysis: Analysis) -> bool:
    """A file that could not be read (or a directory that could not be listed) has no bytes to
    compare next time: such a run is not recorded."""
    return not any(p.kind == "read" for p in analysis.project.problems)
