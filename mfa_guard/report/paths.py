"""Paths as the user types them: relative to the working directory, not to the project root.

Spans hold paths relative to the Leverage project root; someone who ran `mfa-guard check infra`
from the repository root must be able to open (and `cd` to) every path that is printed.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path, PurePosixPath
from typing import Optional

# `cd DIR` at the start of a command or after `&&`, `;` or `then `: DIR single-, double- or unquoted.
_CD = re.compile(r"""(^|\(|&&\s*|;\s*|\bthen\s+)cd\s+('[^']*'|"(?:[^"\\]|\\.)*"|[^\s;&]+)""")


def from_cwd(root: Path, relative: str, cwd: Optional[Path] = None, always_relative: bool = False) -> str:
    """`relative` (POSIX, under `root`) as a path from `cwd` (default: the working directory).

    Inside the working directory it is a plain relative path (`infra/build.env`); elsewhere a
    relative path with `..` while that is short, else absolute (unless `always_relative`: a
    patch's paths must stay relative).
    """
    base = (cwd or Path.cwd()).resolve()
    target = root.resolve() / PurePosixPath(relative)
    shown = os.path.relpath(target, base)
    if not always_relative and shown.startswith(os.pardir) and shown.count(os.pardir) > 2:
        shown = str(target)
    return Path(shown).as_posix() if os.sep != "/" else shown


def project_label(root: Path, cwd: Optional[Path] = None) -> str:
    """The project root as the user would type it: `.` when it is the working directory."""
    return from_cwd(root, ".", cwd)


def unquote(word: str) -> str:
    parts = shlex.split(word)
    return parts[0] if parts else word


def rebase_cd(command: str, root: Path, cwd: Optional[Path] = None) -> str:
    """Rewrite every `cd DIR` of a companion command (DIR relative to the project root) from `cwd`.

    The directory is shell-quoted again, so a hostile name stays one word.
    """

    def repl(match: re.Match[str]) -> str:
        directory = from_cwd(root, unquote(match.group(2)), cwd)
        return f"{match.group(1)}cd {shlex.quote(directory)}"

    return _CD.sub(repl, command)
