"""The Leverage CLI generation of a project, and what MFA_ENABLED means to each generation."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

import pytest

from mfa_guard.analysis import analyse
from mfa_guard.generation import UNKNOWN, CliGeneration, from_build_env, from_local_config, mfa_on
from mfa_guard.prepare import Options
from mfa_guard.project_info import project_info

V2, V3 = CliGeneration(2, "test"), CliGeneration(3, "test")

# (MFA_ENABLED as read, None = absent) -> (2.x on?, 3.x on?): leverage-cli-3.md §2.2 and 2.x `== "true"`
PREDICATE = [
    ("true", True, True),
    ("false", False, True),
    ("True", False, True),
    ("False", False, True),
    ("0", False, True),
    ("no", False, True),
    (None, False, True),
    ("", False, False),
]


@pytest.mark.parametrize(("value", "docker", "dockerless"), PREDICATE)
def test_mfa_predicate_per_generation(value: Optional[str], docker: bool, dockerless: bool) -> None:
    assert mfa_on(value, V2) is docker
    assert mfa_on(value, V3) is dockerless
    assert mfa_on(value, UNKNOWN) is docker  # unknown keeps the 2.x verdicts (and says so)


def test_tf_binary_wins_over_an_image_tag() -> None:
    keys = [("build.env", "TERRAFORM_IMAGE_TAG", 8), ("build.env", "TF_BINARY", 9)]
    found = from_build_env(keys)
    assert found.number == 3
    assert "TF_BINARY in build.env line 9" in found.reason
    assert from_build_env([("build.env", "TF_IMAGE_TAG", 2)]).number == 2
    assert from_build_env([("build.env", "PROJECT", 1)]) == UNKNOWN


def test_local_profiles_tell_the_generation() -> None:
    assert from_local_config(["default", "me-shared-oaar-mfa"], []) == CliGeneration(
        3, "[profile me-shared-oaar-mfa] in the local config (3.x names role profiles X-mfa)"
    )
    found = from_local_config(["default", "me-shared-oaar"], ["me-shared-oaar"])
    assert found is not None and found.number == 2
    assert from_local_config(["default"], []) is None


def _without_image_tag(root: Path) -> Path:
    env = root / "build.env"
    env.write_text(env.read_text().replace("TERRAFORM_IMAGE_TAG=1.6.0-0.2.0\n", ""))
    return root


def test_project_generation_inferred_configured_and_overridden(project: Callable[[str], Path]) -> None:
    root = project("p1")
    info = project_info(analyse(Options(path=root)).project)
    assert (info.leverage_cli, info.leverage_cli_reason.split(" (")[0]) == (
        2,
        "TERRAFORM_IMAGE_TAG in build.env line 8",
    )
    _without_image_tag(root)
    assert analyse(Options(path=root)).project.state.cli == UNKNOWN
    (root / ".mfa-guard.yaml").write_text("leverage_cli: 3\n")
    state = analyse(Options(path=root)).project.state
    assert (state.cli.number, state.cli.reason) == (3, f"leverage_cli: 3 in {root / '.mfa-guard.yaml'}")
    state = analyse(Options(path=root, leverage_cli=2)).project.state
    assert (state.cli.number, state.cli.reason) == (2, "leverage_cli: 2 in --leverage-cli")


def test_mfa_state_follows_the_generation(project: Callable[[str], Path]) -> None:
    root = project("p0")  # MFA_ENABLED=false
    assert analyse(Options(path=root)).project.state.mfa_enabled is False
    assert analyse(Options(path=root, leverage_cli=3)).project.state.mfa_enabled is True


def test_local_sections_decide_when_the_repository_cannot(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = _without_image_tag(project("p1"))
    aws = tmp_path / "aws"
    aws.mkdir()
    (aws / "credentials").write_text("[me-management]\naws_access_key_id = AKIAFAKE\naws_secret_access_key = x\n")
    (aws / "config").write_text("[profile me-management-oaar-mfa]\nrole_arn = arn:aws:iam::000123456789:role/X\n")
    state = analyse(Options(path=root, local=True, aws_dir=aws)).project.state
    assert state.cli.number == 3
    assert "me-management-oaar-mfa" in state.cli.reason
    assert analyse(Options(path=root)).project.state.cli == UNKNOWN  # repo only: still unknown


def test_an_unknown_generation_is_said_where_the_verdict_depends_on_it(project: Callable[[str], Path]) -> None:
    root = project("p1")
    env = root / "build.env"
    env.write_text(env.read_text().replace("MFA_ENABLED=true", "MFA_ENABLED=false"))
    known = {f.rule: f.message for f in analyse(Options(path=root)).findings}
    assert "MFA001" in known and "assumes the Docker-based" not in known["MFA001"]
    _without_image_tag(root)
    unknown = {f.rule: f.message for f in analyse(Options(path=root)).findings}
    assert (
        "(this assumes the Docker-based Leverage CLI 2.x; 3.x reads MFA_ENABLED differently: "
        "set `leverage_cli: 2|3` in .mfa-guard.yaml or pass --leverage-cli)" in unknown["MFA001"]
    )
    assert "MFA001" not in {f.rule for f in analyse(Options(path=root, leverage_cli=3)).findings}  # 3.x: on
