"""`profiles --exec`: run the companion commands in order, terminal attached, stop at a failure."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, TextIO

from mfa_guard.errors import UserError
from mfa_guard.local.plan import Step

LEVERAGE = "leverage"


@dataclass(frozen=True)
class Outcome:
    ran: int  # steps started
    failed: Optional[Step] = None
    returncode: int = 0


def find_leverage() -> str:
    found = shutil.which(LEVERAGE)
    if found is None:
        raise UserError(
            "`leverage` (the Leverage CLI) is not on PATH, so --exec cannot run the commands; "
            "install it (pip install leverage) or run them by hand"
        )
    return found


@dataclass(frozen=True)
class Checks:
    """For the 3.x CLI, whose exit codes say nothing (3.1.0's `credentials configure` exits 1 after
    doing its work): `needs` says what a step needs first (None: nothing), `done` re-reads the files
    and tells whether the step's findings are gone."""

    needs: Callable[[Step], Optional[str]]
    done: Callable[[Step], bool]


def run_steps(
    steps: Sequence[Step],
    root: Path,
    log: TextIO,
    executable: Optional[str] = None,
    stdout: Optional[TextIO] = None,
    checks: Optional[Checks] = None,
) -> Outcome:
    """`stdout`: where the commands' standard output goes (default: inherited). A machine-readable
    report owns mfa-guard's stdout, so the caller sends the CLI's output to stderr then."""
    runnable = [step for step in steps if step.argv is not None]
    leverage = executable or find_leverage()
    for position, step in enumerate(runnable, 1):
        assert step.argv is not None
        needs = checks.needs(step) if checks is not None else None
        if needs is not None:
            log.write(f"==> `{step.command}` would crash on Leverage CLI 3.1.0; it needs first: {needs}\n")
            log.write("==> nothing more was run\n")
            return Outcome(position - 1, step, 1)
        where = f" (in {step.cwd})" if step.cwd else ""
        log.write(f"==> [{position}/{len(runnable)}] {' '.join(step.argv)}{where}\n")
        log.flush()
        try:
            # stdin and stderr are inherited: the user answers the CLI's prompts directly.
            code = subprocess.call([leverage, *step.argv[1:]], cwd=root / step.cwd, stdout=stdout)
        except OSError as exc:
            log.write(f"==> could not start it: {exc.strerror or exc}\n")
            return Outcome(position, step, 127)
        if checks is not None:
            if checks.done(step):
                if code != 0:
                    log.write(f"==> exit code {code}, but the files now hold what this step writes; going on\n")
                continue
            log.write(f"==> exit code {code}, and the files still lack what this step should write; stopping\n")
            return Outcome(position, step, code or 1)
        if code != 0:
            log.write(f"==> failed with exit code {code}; the remaining commands were not run\n")
            return Outcome(position, step, code)
    return Outcome(len(runnable))
