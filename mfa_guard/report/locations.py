"""Where findings are shown from: CI tools want paths relative to the repository, not the project."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from mfa_guard.report import Report


def source_root(report: Report, cwd: Optional[Path] = None) -> Path:
    """The directory URIs are relative to: the working directory when the project lies inside it.

    GitHub Actions runs in the repository checkout ($GITHUB_WORKSPACE) and resolves annotation and
    SARIF paths from there, while spans are relative to the Leverage project root, which may be a
    sub-directory (`path: infra`). Outside the working directory the project root is the base.
    """
    base = (cwd or Path.cwd()).resolve()
    if report.project is None:
        return base
    root = report.project.root.resolve()
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
