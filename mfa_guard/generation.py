"""Which Leverage CLI generation a project uses, why we think so, and what MFA_ENABLED means to it.

2.x is the Docker-based CLI (MFA through the toolbox's aws-mfa-entrypoint.sh; `MFA_ENABLED` on only
when it is exactly `true`). 3.x is the dockerless rewrite (3.1.0 on PyPI): the value is never cast,
so any non-empty value, or no value at all (default "false"), turns the MFA step on; only an empty
value turns it off (leverage-cli-3.md §2.2). Pure: the callers hand in what they read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Optional

GENERATIONS = (2, 3)
DOCKER_KEYS = ("TERRAFORM_IMAGE_TAG", "TF_IMAGE_TAG")  # read by 2.x only
DOCKERLESS_KEY = "TF_BINARY"  # read by 3.x only (path.py:175); 2.x ignores it
SET_IT = "set `leverage_cli: 2|3` in .mfa-guard.yaml or pass --leverage-cli"


@dataclass(frozen=True)
class CliGeneration:
    number: Optional[int]  # 2 | 3 | None: cannot be told
    reason: str  # a short fact a user can check: "TF_BINARY in build.env line 9"

    @property
    def known(self) -> bool:
        return self.number is not None

    @property
    def dockerless(self) -> bool:
        """Use the 3.x semantics (only when the project says so: unknown keeps the 2.x verdicts)."""
        return self.number == 3

    @property
    def label(self) -> str:
        return f"{self.number}.x" if self.number is not None else "unknown"


UNKNOWN = CliGeneration(None, f"no TF_BINARY or toolbox image tag in build.env; {SET_IT}")


def configured(number: int, where: str) -> CliGeneration:
    return CliGeneration(number, f"leverage_cli: {number} in {where}")


def from_build_env(keys: Iterable[tuple[str, str, int]]) -> CliGeneration:
    """From (file, key, line) of every build.env assignment. TF_BINARY wins: 3.x ignores the image
    tags (its own `credentials configure` even writes TF_IMAGE_TAG), and 2.x never reads TF_BINARY."""
    docker: Optional[CliGeneration] = None
    for path, key, line in keys:
        if key == DOCKERLESS_KEY:
            return CliGeneration(3, f"{key} in {path} line {line} (read only by the dockerless 3.x CLI)")
        if key in DOCKER_KEYS and docker is None:
            docker = CliGeneration(2, f"{key} in {path} line {line} (the toolbox image of the Docker-based 2.x CLI)")
    return docker or UNKNOWN


def from_local_config(section_names: Iterable[str], role_sections: Iterable[str]) -> Optional[CliGeneration]:
    """`--local`: 3.x writes every role profile as `[profile X-mfa]`, 2.x as `[profile X]`."""
    names = list(section_names)
    mfa = [name for name in names if name.endswith("-mfa")]
    if mfa:
        return CliGeneration(3, f"[profile {mfa[0]}] in the local config (3.x names role profiles X-mfa)")
    roles = list(role_sections)
    if roles:
        return CliGeneration(2, f"[profile {roles[0]}] with role_arn and no -mfa profile in the local config")
    return None


def caveat(generation: CliGeneration) -> str:
    """Said by every finding whose verdict differs between the generations, when it is unknown."""
    if generation.known:
        return ""
    return f" (this assumes the Docker-based Leverage CLI 2.x; 3.x reads MFA_ENABLED differently: {SET_IT})"


def mfa_on(value: Optional[str], generation: CliGeneration) -> bool:
    """Does the CLI run its MFA step? `value` is MFA_ENABLED as read, None when the key is absent.

    3.x: `elif paths.mfa_enabled:` on the uncast string, default "false" (path.py:160, auth.py:133).
    2.x (and unknown, which keeps the 2.x verdicts): `== "true"` (2.x container.py:452-453).
    """
    if generation.dockerless:
        return value is None or value != ""
    return value == "true"


def off_value(generation: CliGeneration) -> str:
    """The MFA_ENABLED value that switches the MFA step off."""
    return "" if generation.dockerless else "false"
