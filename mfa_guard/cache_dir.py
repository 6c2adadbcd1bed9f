"""Where mfa-guard may keep caches: the user's cache directory, if it can be written."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional


def user_cache_dir() -> Optional[Path]:
    """$MFA_GUARD_CACHE_DIR, else the platform's user cache dir; None when none is writable."""
    override = os.environ.get("MFA_GUARD_CACHE_DIR")
    if override is not None:
        base = Path(override) if override else None
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches" / "mfa-guard"
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = (Path(xdg) if xdg else Path.home() / ".cache") / "mfa-guard"
    if base is None:
        return None
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return base if os.access(base, os.W_OK) else None
