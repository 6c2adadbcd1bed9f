"""What the plan cannot read from the code: applies a person recorded, and initialised backends."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Optional

from mfa_guard.errors import UserError
from mfa_guard.fix.plan import Facts
from mfa_guard.fix.write import safe_target
from mfa_guard.model import Project

# One line per apply a person confirmed: `<layer> <digest of the OAAR code that was applied>`.
# `leverage tf apply` leaves no trace in the files, so this is the only way the plan can know.
MARKER = ".mfa-guard-applied"
_HEADER = (
    "# Layers where `leverage tf apply` ran with the OrganizationAccountAccessRole code shown by the digest.\n"
    "# Written by `mfa-guard plan --applied LAYER`; a layer whose OAAR code changed since must be applied again.\n"
)


def read_applied(root: Path) -> dict[str, str]:
    try:
        text = (root / MARKER).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    applied = {}
    for line in text.splitlines():
        parts = line.split("#", 1)[0].rsplit(None, 1)
        if len(parts) == 2:
            applied[parts[0]] = parts[1]
    return applied


def _backend_profile(layer_dir: Path) -> Optional[str]:
    """The profile `terraform init` stored in .terraform/terraform.tfstate (LOC008 reads the same)."""
    try:
        data = json.loads((layer_dir / ".terraform" / "terraform.tfstate").read_text(encoding="utf-8"))
        profile = data["backend"]["config"]["profile"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return profile if isinstance(profile, str) else None


def load_facts(project: Project) -> Facts:
    initialised = {}
    for account in project.accounts:
        for layer in account.layers:
            directory = project.root / layer
            if (directory / ".terraform").is_dir() and not (directory / ".terraform").is_symlink():
                initialised[layer] = _backend_profile(directory)
    return Facts(read_applied(project.root), initialised)


def record_applied(root: Path, layer: str, digest: str) -> None:
    """Add or update `layer` in the marker file, atomically."""
    applied = read_applied(root)
    applied[layer] = digest
    body = _HEADER + "".join(f"{name} {value}\n" for name, value in sorted(applied.items()))
    target = safe_target(root, MARKER)
    handle, name = tempfile.mkstemp(prefix=f"{MARKER}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(body)
            stream.flush()
            os.fsync(stream.fileno())
        Path(name).replace(target)
    except OSError as exc:
        Path(name).unlink(missing_ok=True)
        raise UserError(f"{MARKER}: cannot write: {exc.strerror or exc}") from None
