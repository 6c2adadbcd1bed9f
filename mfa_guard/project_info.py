"""What reports show of a project: where it is and its state, nothing parsed. Small and picklable,
so a run answered from the results cache needs neither the model nor its parsers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from mfa_guard.local.model import LocalState
    from mfa_guard.model import Project


@dataclass(frozen=True)
class AccountInfo:
    directory: str
    name: str
    is_management: bool


@dataclass(frozen=True)
class ProjectInfo:
    root: Path
    short_name: Optional[str]
    mode: str
    phase: str
    target_phase: str
    common_path: Optional[str]  # which common.tfvars was read (the .example when the real one is missing)
    accounts: tuple[AccountInfo, ...]
    leverage_cli: Optional[int] = None  # the CLI generation the verdicts assume: 2 | 3 | None (unknown)
    leverage_cli_reason: str = ""  # why: "TF_BINARY in build.env line 9 (...)"
    # The guide's status table (guide/status.py `status_data`, JSON values): the job summary shows it,
    # also when the run is answered from the results cache (no Project then).
    status: Optional[dict[str, Any]] = None


def project_info(project: Project, local: Optional[LocalState] = None) -> ProjectInfo:
    """`local`: what --local read, for the status table's local-profile column."""
    from mfa_guard.guide.position import position
    from mfa_guard.guide.status import status_data

    state = project.state
    return ProjectInfo(
        root=project.root,
        short_name=project.short_name,
        mode=state.mode,
        phase=state.phase,
        target_phase=state.target_phase,
        common_path=project.common_path,
        accounts=tuple(AccountInfo(a.directory, a.name, a.is_management) for a in project.accounts),
        leverage_cli=state.cli.number,
        leverage_cli_reason=state.cli.reason,
        status=status_data(position(project), local),
    )
