"""The results cache: a `check` whose inputs are all unchanged is answered with the findings of
the run that recorded them, without parsing, modelling or evaluating anything.

Rules are cross-file, so one entry covers the whole project. Its key is every input of an
analysis: the tool and parser versions (the store's header), the effective options with today's
date (suppressions expire), the config, every rule, the baseline's bytes and the file listing
(names, symlinks, disabled layers). Which files an analysis reads depends on their contents, so
the entry lists the files the recorded run read with a digest of each one's bytes; a lookup
re-reads exactly those files. A change to any of them, or to the listing, is a miss and a full analysis.
"""

from __future__ import annotations

import dataclasses
import os
import stat
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

    analysis = analyse_prepared(prepared)
    result = Outcome(tuple(analysis.findings), project_info(analysis.project, analysis.local), analysis.baselined)
    if store is not None and key is not None and _recordable(analysis):
        store.put(key, (analysed(analysis.project.sources), result))
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
        repr(prepared.all_rules),
        repr(prepared.rules),
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


def unchanged(base: str, recorded: Mapping[str, bytes]) -> bool:
    """Whether every recorded file still has the recorded bytes; stops at the first that differs
    (on a miss the analysis reads them all again, so a full pass here would be wasted)."""
    for relpath, expected in recorded.items():
        try:
            data = read_bytes(os.path.join(base, relpath), relpath)
        except (OSError, ReadProblem):
            return False
        if file_digest(data) != expected:
            return False
    return True


def analysed(sources: Mapping[str, SourceFile]) -> dict[str, bytes]:
    """The digest of each file an analysis read, from the text it read (encoding it back gives its
    bytes), so a file changed while the analysis ran is never recorded as analysed."""
    return {relpath: file_digest(source.encode(source.text)) for relpath, source in sorted(sources.items())}


def _store(cache_dir: Path, root: Path) -> DataStore:
    """One file per project root: it holds the latest entry only (save() keeps what was used)."""
    name = digest(str(root))[:24]
    return DataStore(cache_dir / "results" / f"{name}.json", "results", entry_to_data, entry_from_data)


Entry = tuple[dict[str, bytes], Outcome]


def entry_to_data(entry: Entry) -> Any:
    from mfa_guard.cache_codec import finding_to_data, project_info_to_data

    recorded, result = entry
    return {
        "files": {relpath: value.hex() for relpath, value in recorded.items()},
        "findings": [finding_to_data(f) for f in result.findings],
        "project": project_info_to_data(result.project),
        "baselined": result.baselined,
    }


def entry_from_data(data: Any) -> Entry:
    from mfa_guard.cache_codec import finding_from_data, project_info_from_data

    recorded = {str(relpath): bytes.fromhex(value) for relpath, value in data["files"].items()}
    findings = tuple(finding_from_data(f) for f in data["findings"])
    return recorded, Outcome(findings, project_info_from_data(data["project"]), int(data["baselined"]))


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
