"""mfa-guard's verdict against the real Leverage CLI 3.1.0, state by state.

For each state: the real `leverage credentials configure ...` (temporary HOME, `--credentials-file`
with the users' keys, the configure bugs of 3.1.0 worked around as leverage-cli-3.md §2.7 describes),
then the real `leverage tofu plan` in each layer, feeding MFA codes on stdin. TF_BINARY is
tests/realcli/fake_tofu.py, which emulates only the provider's credential resolution (Terraform
itself is never run). AWS is a moto server on 127.0.0.1, patched by tests/realcli/moto_launcher.py
where moto differs from AWS: `iam list-mfa-devices` defaults to the caller, `sts:AssumeRole` checks
the MFA code (only 123456 is valid) and the trust policy (account and MFA condition). IAM Identity
Center is not faked, so SSO states are not covered here.

Then mfa-guard runs on the same files: `check --local` must flag exactly the layers the CLI
rejected; repo-only `check` must never flag a layer the CLI accepted, and must flag the rejected
ones whose cause is in the repository.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.realcli.states import MANAGEMENT_LAYER as MGMT
from tests.realcli.states import SHARED_LAYER as SHARED
from tests.realcli.states import State, blocking, mfa_guard, run_state
from tests.realcli.tools import Moto

pytestmark = pytest.mark.realcli

P0_ENV = ("build.env", "MFA_ENABLED=false", "MFA_ENABLED=")
PRF2X = """
[profile me-shared-oaar]
role_arn = arn:aws:iam::{shared}:role/OrganizationAccountAccessRole
source_profile = me-management
mfa_serial = {serial}
"""

# (state, layers the CLI accepts, layers whose rejection the repository alone shows)
STATES: list[tuple[State, set[str], set[str]]] = [
    (
        State("p0", "p0", (("BOOTSTRAP", False),), why="the documented P0: MFA_ENABLED=false is on in 3.x"),
        set(),
        {MGMT},  # shared: BOOTSTRAP's -mfa profiles have no mfa_serial (a traceback): only --local sees it
    ),
    (
        State("p0-mfa-empty", "p0", (("BOOTSTRAP", False),), replace=(P0_ENV,), why="3.x off: bootstrap keys"),
        {MGMT},
        set(),  # shared needs [me-shared-oaar] keys, which 3.1.0 never writes: only --local sees it
    ),
    (
        State(
            "p0-management-off",
            "p0",
            (("BOOTSTRAP", False),),
            files={"management/build.env": "MFA_ENABLED=\n"},
            why="the 3.x fix: MFA off only where the bootstrap backend runs",
        ),
        {MGMT},
        set(),  # shared crashes on BOOTSTRAP's -mfa profiles without mfa_serial: only --local sees it
    ),
    (State("p1", "p1", (("MANAGEMENT", True),), why="the documented P1"), {MGMT, SHARED}, set()),
    (
        State("p1-no-fetch", "p1", (("MANAGEMENT", False),), why="-mfa profiles without mfa_serial: traceback"),
        set(),
        set(),
    ),
    (
        State(
            "p1-mfa-false",
            "p1",
            (("MANAGEMENT", True),),
            replace=(("build.env", "MFA_ENABLED=true", "MFA_ENABLED=false"),),
            why="false is on in 3.x",
        ),
        {MGMT, SHARED},
        set(),
    ),
    (
        State(
            "p1-env-missing",
            "p1",
            (("MANAGEMENT", True),),
            replace=(("build.env", "MFA_ENABLED=true\n", ""),),
            why="absent is on in 3.x",
        ),
        {MGMT, SHARED},
        set(),
    ),
    (
        State(
            "p1-true-caps",
            "p1",
            (("MANAGEMENT", True),),
            replace=(("build.env", "MFA_ENABLED=true", "MFA_ENABLED=True"),),
            why="any non-empty value is on in 3.x",
        ),
        {MGMT, SHARED},
        set(),
    ),
    (
        State("p1-2x-leftover", "p1", (("MANAGEMENT", True),), leftover_config=PRF2X, why="a 2.x profile shadows"),
        {MGMT},
        set(),
    ),
    (
        State("p2", "p2", (("MANAGEMENT", True), ("SECURITY", True)), why="the documented P2"),
        {MGMT, SHARED},
        set(),
    ),
    (
        State("p2-security-only", "p2", (("SECURITY", True),), why="SECURITY without management exits 255"),
        set(),
        set(),
    ),
]


@pytest.mark.parametrize(("state", "accepts", "repo_visible"), STATES, ids=[s.name for s, _, _ in STATES])
def test_mfa_guard_agrees_with_the_real_cli(
    state: State,
    accepts: set[str],
    repo_visible: set[str],
    tmp_path: Path,
    moto: Moto,
    realcli_bins: dict[str, Path],
) -> None:
    leftover = state.leftover_config.format(
        shared=moto.accounts["shared"], serial=moto.users["management"].get("mfa_serial", "")
    )
    state = State(**{**state.__dict__, "leftover_config": leftover})
    ran = run_state(state, tmp_path, moto, realcli_bins)
    did = {layer for layer, outcome in ran.layers.items() if outcome.accepted}
    outputs = "\n".join(f"--- {layer}: exit {o.exit_code}\n{o.output[-1500:]}" for layer, o in ran.layers.items())
    assert did == accepts, f"the CLI did not do what leverage-cli-3.md says ({ran.configure_exits}):\n{outputs}"
    with ThreadPoolExecutor(2) as pool:  # both only read the files
        local_run = pool.submit(mfa_guard, ran.root, "--local", "--aws-dir", str(ran.aws_dir))
        repo = mfa_guard(ran.root)
        local = local_run.result()
    for layer in state.layers:
        local_says = blocking(local, layer)
        repo_says = blocking(repo, layer)
        if layer in accepts:
            assert not local_says, f"{layer} works, yet check --local flags it: {local_says}"
            assert not repo_says, f"{layer} works, yet check flags it: {repo_says}"
        else:
            assert local_says, f"{layer} fails ({ran.layers[layer].exit_code}), check --local is silent"
            if layer in repo_visible:
                assert repo_says, f"{layer} fails for a reason in the repository, check is silent"
