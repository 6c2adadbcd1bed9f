"""Where mfa-guard may keep caches: the user's cache directory, if it is safely the user's own.

A cache directory another local user can write to (created by someone else, mode 777, or restored
from a shared CI cache) could feed this run planted files, so it is ignored (a `-v` note says why).
A relative XDG_CACHE_HOME is ignored, as the XDG Base Directory spec says: it would put the cache
inside whatever directory the tool runs in (a project).
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Optional

from mfa_guard.log import get_logger

log = get_logger(__name__)


def user_cache_dir() -> Optional[Path]:
    """$MFA_GUARD_CACHE_DIR, else the platform's user cache dir; None when none is safely usable."""
    override = os.environ.get("MFA_GUARD_CACHE_DIR")
    if override is not None:
        base = Path(override) if override else None
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches" / "mfa-guard"
    else:
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        if xdg and not Path(xdg).is_absolute():
            log.info("ignoring XDG_CACHE_HOME=%r: not an absolute path (the XDG spec says to ignore it)", xdg)
            xdg = ""
        base = (Path(xdg) if xdg else Path.home() / ".cache") / "mfa-guard"
    if base is None:
        return None
    try:
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    problem = unsafe(base)
    if problem is not None:
        log.info("not using the cache directory %s: %s", base, problem)
        return None
    return base if os.access(base, os.W_OK) else None


def unsafe(directory: Path) -> Optional[str]:
    """Why `directory` must not hold caches, or None: it must be a directory owned by this user
    that neither group nor others can write to."""
    try:
        info = directory.stat()
    except OSError as exc:
        return f"cannot stat it ({exc.strerror})"
    if not stat.S_ISDIR(info.st_mode):
        return "not a directory"
    geteuid = getattr(os, "geteuid", None)
    if geteuid is None:  # Windows: no POSIX ownership to check
        return None
    if info.st_uid != geteuid():
        return f"owned by uid {info.st_uid}, not by this user (uid {geteuid()})"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"group- or world-writable (mode {stat.filemode(info.st_mode)}); make it 0700"
    return None
