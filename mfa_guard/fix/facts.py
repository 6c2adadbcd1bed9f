"""What the plan cannot read from the code: applies and confirmations a person recorded, and
initialised backends. The records file is committed with the change (`guide/records.py`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

from mfa_guard.errors import UserError
from mfa_guard.fix.write import safe_target
from mfa_guard.guide.record_files import LEGACY_RECORDS_FILE, RECORDS_FILE
from mfa_guard.guide.records import (
    CONFIRM_PREFIX,
    Record,
    Records,
    format_records,
    parse_records,
)
from mfa_guard.guide.runbook import Facts
from mfa_guard.model import Project
from mfa_guard.user_files import read_user_file

MARKER = RECORDS_FILE


def records_path(root: Path) -> str:
    """The file the records live in: the committable name, else the legacy dot-file if only it exists."""
    if not (root / RECORDS_FILE).exists() and (root / LEGACY_RECORDS_FILE).is_file():
        return LEGACY_RECORDS_FILE
    return RECORDS_FILE


def read_records(root: Path) -> Records:
    name = records_path(root)
    try:
        # Committed, so hostile at worst: a regular file inside the project, size-capped.
        text = read_user_file(root / name, UserError, root)
    except UserError:
        return Records({})
    return Records(parse_records(text), name)


def read_applied(root: Path) -> dict[str, str]:
    """layer -> digest of the OAAR code its recorded apply ran with."""
    return read_records(root).digests


def _backend_profile(layer_dir: Path, root: Path) -> Optional[str]:
    """The profile `terraform init` stored in .terraform/terraform.tfstate (LOC008 reads the same)."""
    try:
        data = json.loads(read_user_file(layer_dir / ".terraform" / "terraform.tfstate", UserError, root))
        profile = data["backend"]["config"]["profile"]
    except (UserError, ValueError, KeyError, TypeError):
        return None
    return profile if isinstance(profile, str) else None


def load_facts(project: Project) -> Facts:
    initialised = {}
    for account in project.accounts:
        for layer in account.layers:
            directory = project.root / layer
            if (directory / ".terraform").is_dir() and not (directory / ".terraform").is_symlink():
                initialised[layer] = _backend_profile(directory, project.root)
    return Facts(project.records.digests, initialised)


def who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "unknown"


def record_applied(
    root: Path, layer: str, digest: str, user: Optional[str] = None, date: Optional[dt.date] = None
) -> None:
    """Add or update `layer` in the records file, atomically, with the date and who recorded it."""
    _record(root, Record(layer, digest, (date or dt.date.today()).isoformat(), user or who()))


def record_confirmed(root: Path, what: str, user: Optional[str] = None, date: Optional[dt.date] = None) -> None:
    _record(root, Record(CONFIRM_PREFIX + what, "-", (date or dt.date.today()).isoformat(), user or who()))


def _record(root: Path, record: Record) -> None:
    """Under a lock: two `plan --applied` at once must not both read the old file and each drop
    the other's record."""
    target = safe_target(root, RECORDS_FILE)  # never through a symlink, never outside the project
    with _locked(target.parent):
        entries = dict(read_records(root).entries)
        entries[record.key] = record
        body = format_records(entries)
        import tempfile  # a writer's: the check path reads the records only

        handle, name = tempfile.mkstemp(prefix=f"{RECORDS_FILE}.", suffix=".mfa-guard.tmp", dir=target.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(body)
                stream.flush()
                os.fsync(stream.fileno())
            Path(name).replace(target)
        except OSError as exc:
            Path(name).unlink(missing_ok=True)
            raise UserError(f"{RECORDS_FILE}: cannot write: {exc.strerror or exc}") from None
        legacy = root / LEGACY_RECORDS_FILE
        if legacy.is_file() and not legacy.is_symlink():
            legacy.unlink(missing_ok=True)  # its entries now live in the committable file


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """An exclusive flock on the project directory itself (no lock file left in the project);
    where flock is missing (Windows) the write is still atomic, only not serialised."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
