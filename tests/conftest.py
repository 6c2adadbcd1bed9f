"""Shared fixtures: isolated caches, fixture projects, and running the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from tests.fixture_tree import materialise

REPO = Path(__file__).resolve().parent.parent
INTEGRATION = REPO / "tests" / "integration"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slow tests (real pip, pre-commit, many processes) first, in their usual order: pytest-xdist
    hands tests out round-robin, so the long ones start at once on different workers and the quick
    ones fill the gaps, instead of one long test running alone at the end."""
    for item in items:
        if INTEGRATION in item.path.parents:
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MFA_GUARD_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture
def project(tmp_path: Path) -> Callable[[str], Path]:
    """project("p1") -> a fresh copy of that fixture project."""

    def make(base: str) -> Path:
        return materialise(base, tmp_path / f"{base} project")  # a space in the path, on purpose

    return make


def deny_open(monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    """Make every os.open of a path ending in `suffix` (POSIX) fail with EACCES, as an unreadable
    file would, without relying on permissions (root reads everything)."""
    real_open = os.open
    native = suffix.replace("/", os.sep)

    def refusing_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith(native):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed entry point exactly as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mfa_guard", *args], cwd=cwd, env=full_env, capture_output=True, text=True, check=False
    )


def check_json(path: Path, *extra: str) -> dict[str, Any]:
    result = run_cli("check", str(path), "--format", "json", "--exit-zero", *extra)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def pytest_configure(config: pytest.Config) -> None:
    """The controlling process (not an xdist worker) owns the real-CLI tests' moto server: a run
    directory its workers inherit, and the server is stopped by PID when the run ends."""
    from tests.realcli import tools

    if hasattr(config, "workerinput") or os.environ.get(tools.RUN_DIR):
        return
    import tempfile

    os.environ[tools.RUN_DIR] = tempfile.mkdtemp(prefix="mfa-guard-realcli-")
    os.environ["MFA_GUARD_REALCLI_OWNER"] = str(os.getpid())
    config.stash[_REALCLI_RUN] = Path(os.environ[tools.RUN_DIR])


def pytest_unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(_REALCLI_RUN, None)
    if run is not None:
        import shutil

        from tests.realcli import tools

        tools.stop_moto(run)
        shutil.rmtree(run, ignore_errors=True)
        os.environ.pop(tools.RUN_DIR, None)


_REALCLI_RUN = pytest.StashKey[Path]()
