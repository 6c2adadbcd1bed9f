"""What the plan cannot read from the code: applies a person recorded, and initialised backends."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

from mfa_guard.errors import UserError
from mfa_guard.fix.plan import Facts
from mfa_guard.fix.write import safe_target
from mfa_guard.model import Project
from mfa_guard.user_files import read_user_file

# One line per apply a person confirmed: `<layer> <digest of the OAAR code that was applied>`.
# `leverage tf apply` leaves no trace in the files, so this is the only way the plan can know.
MARKER = ".mfa-guard-applied"
_HEADER = (
    "# Layers where `leverage tf apply` ran with the OrganizationAccountAccessRole code shown by the digest.\n"
    "# Written by `mfa-guard plan --applied LAYER`; a layer whose OAAR code changed since must be applied again.\n"
)


def read_applied(root: Path) -> dict[str, str]:
    try:
        # Committed, so hostile at worst: a regular file inside the project, size-capped.
        text = read_user_file(root / MARKER, UserError, root)
    except UserError:
        return {}
    applied = {}
    for line in text.splitlines():
        parts = line.split("#", 1)[0].rsplit(None, 1)
        if len(parts) == 2:
            applied[parts[0]] = parts[1]
    return applied


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
    return Facts(read_applied(project.root), initialised)


def record_applied(root: Path, layer: str, digest: str) -> None:
    """Add or update `layer` in the marker file, atomically, under a lock: two `plan --applied`
    at once must not both read the old file and each drop the other's record."""
    target = safe_target(root, MARKER)  # never through a symlink, never outside the project
    with _locked(target.parent):
        applied = read_applied(root)
        applied[layer] = digest
        body = _HEADER + "".join(f"{name} {value}\n" for name, value in sorted(applied.items()))
        handle, name = tempfile.mkstemp(prefix=f"{MARKER}.", suffix=".mfa-guard.tmp", dir=target.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(body)
                stream.flush()
                os.fsync(stream.fileno())
            Path(name).replace(target)
        except OSError as exc:
            Path(name).unlink(missing_ok=True)
            raise UserError(f"{MARKER}: cannot write: {exc.strerror or exc}") from None


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
