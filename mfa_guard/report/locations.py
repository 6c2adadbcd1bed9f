"""Where findings are shown from: CI tools want paths relative to the repository, not the project."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from mfa_guard.report import Report


def repository_root(directory: Path) -> Optional[Path]:
    """The git work tree holding `directory` (a `.git` directory or file), if any."""
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def source_root(report: Report, cwd: Optional[Path] = None) -> Path:
    """The directory URIs are relative to: the repository's root, as GitHub resolves them.

    GitHub resolves annotation and SARIF paths from the repository checkout, while spans are
    relative to the Leverage project root, which may be a sub-directory (`path: infra`). Without a
    repository: the working directory when the project lies inside it, else the project root.
    """
    base = (cwd or Path.cwd()).resolve()
    if report.project is None:
        return base
    root = report.project.root.resolve()
    repository = repository_root(root)
    if repository is not None:
        return repository
    return base if root == base or base in root.parents else root


def prefix(report: Report, cwd: Optional[Path] = None) -> str:
    """The project root relative to source_root(), POSIX, '' when they are the same directory."""
    if report.project is None:
        return ""
    root = report.project.root.resolve()
    relative = os.path.relpath(root, source_root(report, cwd))
    return "" if relative == "." else Path(relative).as_posix()


def repo_path(path: str, project_prefix: str) -> str:
    return f"{project_prefix}/{path}" if project_prefix else path
