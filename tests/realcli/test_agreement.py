"""mfa-guard's verdict against the real Leverage CLI 3.1.0, state by state.

For each state: the real `leverage credentials configure ...` (temporary HOME, `--credentials-file`
with the users' keys, the configure bugs of 3.1.0 worked around as leverage-cli-3.md §2.7 describes)
or, for SSO states, the real `leverage aws configure sso` in a layer (it registers a client, starts a
device authorisation, opens the browser and polls for the token; BROWSER is
tests/realcli/fake_browser.py, which approves the user code at once); then the real
`leverage tofu plan` in each layer, feeding MFA codes on stdin. TF_BINARY is
tests/realcli/fake_tofu.py, which emulates only the provider's credential resolution (Terraform
itself is never run). AWS is a moto server on 127.0.0.1, patched by tests/realcli/moto_launcher.py
where moto differs from AWS: `iam list-mfa-devices` defaults to the caller, `sts:AssumeRole` checks
the MFA code (only 123456 is valid) and the trust policy (account and MFA condition). IAM Identity
Center, which moto lacks, is tests/realcli/fake_portal.py in the same launcher process (its own
127.0.0.1 port): sso-oidc RegisterClient/StartDeviceAuthorization/CreateToken and sso
ListAccounts/ListAccountRoles/GetRoleCredentials/Logout, the calls 3.1.0 makes; GetRoleCredentials
hands out moto STS keys of the account's permission-set role.

Then mfa-guard runs on the same files: `check --local` must flag exactly the layers the CLI
rejected; repo-only `check` must never flag a layer the CLI accepted, and must flag the rejected
ones whose cause is in the repository. Two kinds of rejection are no file state at all, and there
agreement means that mfa-guard says nothing, which the test asserts as such (with the CLI's exit
code): a wrong MFA code typed at the prompt (exit 60), and a removed or expired SSO token (exit 1;
mfa-guard reads no SSO token cache: a token lasts hours and `leverage aws sso login` renews it).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pytest

from tests.realcli.states import MANAGEMENT_LAYER as MGMT
from tests.realcli.states import SHARED_LAYER as SHARED
from tests.realcli.states import SSO, WRONG_MFA_CODES, State, blocking, mfa_guard, run_state
from tests.realcli.tools import Moto

pytestmark = pytest.mark.realcli

P0_ENV = ("build.env", "MFA_ENABLED=false", "MFA_ENABLED=")
SSO_LOGIN = ((SSO, False),)
SSO_MGMT = (
    "management/config/backend.tfvars",
    'profile = "me-management-oaar"',
    'profile = "me-management-administrator"',
)
SSO_SHARED_ADMIN = ("shared/config/account.tfvars", 'sso_role    = "DevOps"', 'sso_role    = "Administrator"')
SSO_SHARED_ADMIN_BACKEND = ("shared/config/backend.tfvars", '"me-shared-devops"', '"me-shared-administrator"')
SSO_NO_ROLE = ("shared/config/account.tfvars", 'sso_role    = "DevOps"', "")
PRF2X = """
[profile me-shared-oaar]
role_arn = arn:aws:iam::{shared}:role/OrganizationAccountAccessRole
source_profile = me-management
mfa_serial = {serial}
"""


@dataclass(frozen=True)
class Case:
    """A state, what the real CLI does with it, and so what mfa-guard must say."""

    state: State
    accepts: set[str]  # the layers the CLI accepts
    repo_visible: set[str] = field(default_factory=set)  # rejected layers whose cause the repository shows
    exit_code: Optional[int] = None  # leverage's exit code in every rejected layer, where the state is about it
    says: str = ""  # what leverage prints in every rejected layer
    not_a_file_state: str = ""  # set: the CLI rejects for a reason no file shows, so mfa-guard must be silent


STATES: list[Case] = [
    Case(
        State("p0", "p0", (("BOOTSTRAP", False),), why="the documented P0: MFA_ENABLED=false is on in 3.x"),
        set(),
        {MGMT},  # shared: BOOTSTRAP's -mfa profiles have no mfa_serial (a traceback): only --local sees it
    ),
    Case(
        State("p0-mfa-empty", "p0", (("BOOTSTRAP", False),), replace=(P0_ENV,), why="3.x off: bootstrap keys"),
        {MGMT},
        set(),  # shared needs [me-shared-oaar] keys, which 3.1.0 never writes: only --local sees it
    ),
    Case(
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
    Case(State("p1", "p1", (("MANAGEMENT", True),), why="the documented P1"), {MGMT, SHARED}, set()),
    Case(
        State("p1-no-fetch", "p1", (("MANAGEMENT", False),), why="-mfa profiles without mfa_serial: traceback"),
        set(),
        set(),
    ),
    Case(
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
    Case(
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
    Case(
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
    Case(
        State("p1-2x-leftover", "p1", (("MANAGEMENT", True),), leftover_config=PRF2X, why="a 2.x profile shadows"),
        {MGMT},
        set(),
    ),
    Case(
        State("p2", "p2", (("MANAGEMENT", True), ("SECURITY", True)), why="the documented P2"),
        {MGMT, SHARED},
        set(),
    ),
    Case(
        State("p2-security-only", "p2", (("SECURITY", True),), why="SECURITY without management exits 255"),
        set(),
        set(),
    ),
    Case(
        State("sso", "sso", SSO_LOGIN, replace=(SSO_MGMT,), why="SSO: every backend <s>-<acct>-<lower(sso_role)>"),
        {MGMT, SHARED},
    ),
    Case(
        State("sso-mgmt-oaar", "sso", SSO_LOGIN, why="the documented SSO management backend <s>-<m>-oaar"),
        {SHARED},
        {MGMT},  # PRF009, an error on 3.x: the CLI writes the keys to [me-management-administrator] only
    ),
    Case(
        State("sso-no-role", "sso", SSO_LOGIN, replace=(SSO_MGMT, SSO_NO_ROLE), why="sso_cache / None"),
        {MGMT},
        {SHARED},  # PRF015
        exit_code=1,
        says="TypeError: unsupported operand type(s) for /: 'PosixPath' and 'NoneType'",
    ),
    Case(
        State(
            "sso-no-account-profile",
            "sso",
            SSO_LOGIN,
            replace=(SSO_MGMT,),
            dropped_config=("profile me-sso-shared",),
            why="the portal assigns no role in shared, so configure sso writes no [profile me-sso-shared]",
        ),
        {MGMT},
        set(),  # a local state: only --local sees it (LOC001)
        exit_code=40,
        says="Missing me-sso-shared permission for account shared.",
    ),
    Case(
        State(
            "sso-portal-role",
            "sso",
            SSO_LOGIN,
            replace=(SSO_MGMT, SSO_SHARED_ADMIN, SSO_SHARED_ADMIN_BACKEND),
            why="sso_role Administrator in shared, the portal's role DevOps: the CLI writes [me-shared-devops]",
        ),
        {MGMT},
        set(),  # the portal's role is only in ~/.aws/me/config: only --local sees it (LOC001)
    ),
    Case(
        State("sso-token-removed", "sso", SSO_LOGIN, replace=(SSO_MGMT,), sso_token="removed", why="never logged in"),
        set(),
        exit_code=1,
        says="No AWS SSO token found. Please log in or configure SSO.",
        not_a_file_state="the SSO login session: mfa-guard reads no ~/.aws/<s>/sso/cache, so nobody sees it",
    ),
    Case(
        State("sso-token-expired", "sso", SSO_LOGIN, replace=(SSO_MGMT,), sso_token="expired", why="after 8 hours"),
        set(),
        exit_code=1,
        says="AWS SSO token has expired",
        not_a_file_state="the SSO login session: it expires hours after `leverage aws sso login` and only that renews it",
    ),
    Case(
        State("p1-wrong-code", "p1", (("MANAGEMENT", True),), mfa_codes=WRONG_MFA_CODES, why="3 wrong codes"),
        set(),
        exit_code=60,
        says="Failed to get credentials after 3 attempts.",
        not_a_file_state="the user typed a wrong MFA code: every file is right",
    ),
    Case(
        State(
            "p1-export",
            "p1",
            (("MANAGEMENT", True),),
            later=(("build.env", "MFA_ENABLED=true", "export MFA_ENABLED=true"),),
            why="a working P1, then `export` in build.env: yaenv rejects the file",
        ),
        set(),
        {MGMT, SHARED},  # ENV001
        exit_code=1,
        says="yaenv.core.EnvError: Invalid key in line: export MFA_ENABLED=true",
    ),
]


@pytest.mark.parametrize("case", STATES, ids=[c.state.name for c in STATES])
def test_mfa_guard_agrees_with_the_real_cli(
    case: Case, tmp_path: Path, moto: Moto, realcli_bins: dict[str, Path]
) -> None:
    state = case.state
    leftover = state.leftover_config.format(
        shared=moto.accounts["shared"], serial=moto.users["management"].get("mfa_serial", "")
    )
    state = State(**{**state.__dict__, "leftover_config": leftover})
    ran = run_state(state, tmp_path, moto, realcli_bins)
    did = {layer for layer, outcome in ran.layers.items() if outcome.accepted}
    outputs = "\n".join(f"--- {layer}: exit {o.exit_code}\n{o.output[-1500:]}" for layer, o in ran.layers.items())
    assert did == case.accepts, f"the CLI did not do what leverage-cli-3.md says:\n{ran.configure_output}\n{outputs}"
    for layer in set(state.layers) - case.accepts:
        outcome = ran.layers[layer]
        if case.exit_code is not None:
            assert outcome.exit_code == case.exit_code, f"{layer}: exit {outcome.exit_code}:\n{outcome.output}"
        assert case.says in outcome.output, f"{layer} does not say {case.says!r}:\n{outcome.output}"
    with ThreadPoolExecutor(2) as pool:  # both only read the files
        local_run = pool.submit(mfa_guard, ran.root, "--local", "--aws-dir", str(ran.aws_dir))
        repo = mfa_guard(ran.root)
        local = local_run.result()
    for layer in state.layers:
        local_says = blocking(local, layer)
        repo_says = blocking(repo, layer)
        if layer in case.accepts:
            assert not local_says, f"{layer} works, yet check --local flags it: {local_says}"
            assert not repo_says, f"{layer} works, yet check flags it: {repo_says}"
        elif case.not_a_file_state:  # agreement: the files are right, so mfa-guard says nothing
            assert not local_says, f"{layer}: not a file state ({case.not_a_file_state}), yet: {local_says}"
            assert not repo_says, f"{layer}: not a file state ({case.not_a_file_state}), yet: {repo_says}"
        else:
            assert local_says, f"{layer} fails ({ran.layers[layer].exit_code}), check --local is silent"
            if layer in case.repo_visible:
                assert repo_says, f"{layer} fails for a reason in the repository, check is silent"
