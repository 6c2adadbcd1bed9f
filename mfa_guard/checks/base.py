"""What a check function receives and how it is declared."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from mfa_guard.findings import Violation
from mfa_guard.local.model import LocalState
from mfa_guard.model import Project


@dataclass(frozen=True)
class Settings:
    ci: bool = False  # CI runs machine users with MFA off: MFA001 is suppressed there
    local: Optional[LocalState] = None  # ~/.aws/<short> and layer init states; only with --local / `profiles`


@dataclass(frozen=True)
class CheckContext:
    project: Project
    params: Mapping[str, Any]
    settings: Settings = field(default_factory=Settings)


CheckFunction = Callable[[CheckContext], Iterable[Violation]]


@dataclass(frozen=True)
class CheckSpec:
    function: CheckFunction
    description: str
    params: Mapping[str, Any] = field(default_factory=dict)  # JSON Schema properties of params
    required: tuple[str, ...] = ()
    generic: bool = False  # usable from a team's own rule files
    dependent_required: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # param -> params it needs
    # What besides the repository decides its findings: "machine" (~/.aws, .terraform) or "ci"
    # (silenced by --ci). A suppression or baseline entry of such a rule is never called unused.
    depends_on: Optional[str] = None
