"""The files a pull request changes, so their annotations come first (GitHub shows only 10 per level)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Optional

from mfa_guard.log import get_logger

log = get_logger(__name__)
GIT_TIMEOUT = 10  # seconds; a slow or absent git only loses the ordering


def _base_revision(environ: Mapping[str, str]) -> Optional[str]:
    """The pull request's base: `pull_request.base.sha` of the event payload, else origin/$GITHUB_BASE_REF."""
    event = environ.get("GITHUB_EVENT_PATH")
    if event:
        try:
            with Path(event).open(encoding="utf-8") as stream:
                payload = json.load(stream)
            sha = payload.get("pull_request", {}).get("base", {}).get("sha")
            if isinstance(sha, str) and sha:
                return sha
        except (OSError, ValueError, AttributeError):
            pass
    base_ref = environ.get("GITHUB_BASE_REF")
    return f"origin/{base_ref}" if base_ref else None


def changed_files(environ: Mapping[str, str], repository: Path) -> frozenset[str]:
    """Paths (relative to `repository`, POSIX) the pull request changes; empty when unknown."""
    base = _base_revision(environ)
    if base is None or base.startswith("-"):
        return frozenset()
    try:
        result = subprocess.run(
            ["git", "diff", "--name-only", "-z", f"{base}...HEAD", "--"],
            cwd=repository,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.info("cannot list the pull request's files: %s", exc)
        return frozenset()
    if result.returncode != 0:
        log.info("cannot list the pull request's files: git diff exited %s", result.returncode)
        return frozenset()
    import os

    return frozenset(os.fsdecode(name) for name in result.stdout.split(b"\0") if name)
