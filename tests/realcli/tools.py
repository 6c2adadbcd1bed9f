"""The real tools of the real-CLI tests: their virtual environments and the shared moto server.

Three venvs, because their pins clash: `leverage==3.1.0` (boto3 1.33.2, python-hcl2 7.3.1),
the AWS CLI (a newer botocore), and `moto[server]`. They are cached between local runs under
MFA_GUARD_REALCLI_VENVS (default `~/.cache/mfa-guard/realcli-venvs`); CI starts clean and installs
them once per run, under a file lock so that pytest-xdist workers never install twice.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

HERE = Path(__file__).resolve().parent
VENVS = {
    "leverage": ("leverage==3.1.0",),
    "aws": ("awscli",),
    "moto": ("moto[server]",),
}
RUN_DIR = "MFA_GUARD_REALCLI_RUN"  # set by the controlling pytest process (conftest.py)
MOTO_STATE = "MFA_GUARD_MOTO_STATE"  # a seeded server started outside pytest (its state file)


def venv_root() -> Path:
    configured = os.environ.get("MFA_GUARD_REALCLI_VENVS")
    return Path(configured) if configured else Path.home() / ".cache" / "mfa-guard" / "realcli-venvs"


@contextmanager
def locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_venv(name: str) -> Path:
    """The venv's bin directory, installed first if missing (seconds it took go to `install.log`)."""
    root = venv_root()
    target = root / name
    done = target / ".complete"
    with locked(root / f"{name}.lock"):
        if not done.is_file():
            started = time.monotonic()
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(target)], check=True)
            pip = [str(target / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
            subprocess.run([*pip, *VENVS[name]], check=True)
            seconds = time.monotonic() - started
            with (root / "install.log").open("a", encoding="utf-8") as log:
                log.write(f"{name} {' '.join(VENVS[name])} installed in {seconds:.1f} s\n")
            done.write_text(" ".join(VENVS[name]), encoding="utf-8")
    return target / "bin"


@dataclass(frozen=True)
class Moto:
    endpoint: str
    accounts: dict[str, str]
    users: dict[str, dict[str, str]]
    portal: str  # the fake IAM Identity Center (tests/realcli/fake_portal.py)


def _read_state(path: Path) -> Moto:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for key in ("endpoint", "portal"):
        if not data[key].startswith("http://127.0.0.1:"):
            raise AssertionError(f"{path}: the {key} must listen on 127.0.0.1 only")
    return Moto(data["endpoint"], data["accounts"], data["users"], data["portal"])


def shared_moto() -> Moto:
    """One seeded moto server per pytest run, whichever process asks first starts it.

    It is stopped by its PID in `stop_moto` (the controlling process's pytest_unconfigure), and it
    also exits by itself once that process is gone (`--owner`).
    """
    outside = os.environ.get(MOTO_STATE)
    if outside:
        return _read_state(Path(outside))
    run = Path(os.environ[RUN_DIR])
    state = run / "moto.json"
    with locked(run / "moto.lock"):
        if not state.is_file():
            python = ensure_venv("moto") / "python"
            owner = os.environ.get("MFA_GUARD_REALCLI_OWNER", str(os.getpid()))
            log = (run / "moto.log").open("w", encoding="utf-8")
            process = subprocess.Popen(
                [str(python), str(HERE / "moto_launcher.py"), str(state), "--owner", owner],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            (run / "moto.pid").write_text(str(process.pid), encoding="utf-8")
            deadline = time.monotonic() + 120
            while not state.is_file():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"the moto launcher did not start:\n{(run / 'moto.log').read_text()}")
                time.sleep(0.2)
    return _read_state(state)


def stop_moto(run: Path) -> Optional[int]:
    """Stop the server this run started (by its PID, never by name); the PID, or None."""
    pid_file = run / "moto.pid"
    if not pid_file.is_file():
        return None
    pid = int(pid_file.read_text(encoding="utf-8"))
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return pid
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.kill(pid, signal.SIGKILL)
    return pid
