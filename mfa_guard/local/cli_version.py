"""`leverage --version` on the workstation, the last hint of the Leverage CLI generation (--local only).

Both generations print click's default version line, `leverage, version X.Y.Z` (2.x
`leverage/leverage.py` and 3.1.0 `leverage/leverage.py`: `@click.version_option(version=__version__)`);
1.x and 2.x are the Docker-based CLI, 3.x the dockerless one. The probe is bounded: no shell, no
input, 2 seconds, 4 KiB of output; anything else (no binary, a failure, a hang, output that is not
a version line) tells nothing, and says why in a -v note.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import subprocess
import time
from typing import Optional

from mfa_guard.generation import CliGeneration
from mfa_guard.log import get_logger

logger = get_logger(__name__)

LEVERAGE = "leverage"
TIMEOUT = 2.0  # seconds; 3.1.0 answers in under one on an idle machine
MAX_OUTPUT = 4096
VERSION_LINE = re.compile(r"leverage, version (\d+)\.(\d+)\.(\d+)(?:[-.+]?[0-9A-Za-z.+-]*)")
GENERATION_OF_MAJOR = {1: 2, 2: 2, 3: 3}  # 1.x was Docker-based like 2.x; 0.0.0 is an unreleased checkout


def generation_from_output(text: str, where: str = LEVERAGE) -> tuple[Optional[CliGeneration], str]:
    """(generation or None, why): from what `leverage --version` printed."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    match = VERSION_LINE.fullmatch(lines[-1]) if lines else None
    if match is None:
        return None, f"`{where} --version` printed no `leverage, version X.Y.Z` line"
    version = ".".join(match.groups())
    number = GENERATION_OF_MAJOR.get(int(match.group(1)))
    if number is None:
        return None, f"`{where} --version` says {version}, which is neither the 2.x nor the 3.x CLI"
    kind = "dockerless" if number == 3 else "Docker-based"
    return CliGeneration(number, f"`{where} --version` says {version} (the {kind} CLI on this workstation)"), ""


def probe(path_env: Optional[str] = None, timeout: float = TIMEOUT) -> Optional[CliGeneration]:
    """The generation of the `leverage` on PATH, or None (with a -v note saying why)."""
    executable = shutil.which(LEVERAGE, path=path_env)
    if executable is None:
        logger.info("CLI generation: no `%s` on PATH to ask for its version", LEVERAGE)
        return None
    output, problem = _run(executable, timeout)
    if problem is None:
        found, problem = generation_from_output(output)
        if found is not None:
            return found
    logger.info("CLI generation: %s", problem)
    return None


def _run(executable: str, timeout: float) -> tuple[str, Optional[str]]:
    """(stdout, None) or ("", what went wrong); the child and its group never outlive the call."""
    try:
        process = subprocess.Popen(
            [executable, "--version"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own group: a wrapper script's children are stopped with it
        )
    except OSError as exc:
        return "", f"`{LEVERAGE} --version` could not start ({exc.strerror or type(exc).__name__})"
    assert process.stdout is not None
    try:
        output, problem = _read(process.stdout.fileno(), timeout)
        if problem is None:
            code = process.wait(max(0.0, timeout))
            if code != 0:
                problem = f"`{LEVERAGE} --version` exited {code}"
        return output, problem
    except subprocess.TimeoutExpired:
        return "", f"`{LEVERAGE} --version` did not finish within {timeout:g} s"
    finally:
        _stop(process)


def _read(fd: int, timeout: float) -> tuple[str, Optional[str]]:
    deadline = time.monotonic() + timeout
    data = b""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            return "", f"`{LEVERAGE} --version` did not finish within {timeout:g} s"
        chunk = os.read(fd, MAX_OUTPUT)
        if not chunk:
            return data.decode("utf-8", "replace"), None
        data += chunk
        if len(data) > MAX_OUTPUT:
            return "", f"`{LEVERAGE} --version` printed more than {MAX_OUTPUT} bytes"


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()
