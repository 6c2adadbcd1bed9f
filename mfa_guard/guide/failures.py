"""What each Leverage CLI generation does in a broken state (exit code and message), said once.

2.x runs MFA through the toolbox's aws-mfa-entrypoint.sh, whose exit codes (150/151/152 for a
missing role_arn/mfa_serial/source_profile, 161/162 for a rejected token) exist only there. 3.x
(3.1.0) runs its own MFA step: exit 40 "Credentials for profile P have not been properly
configured", a traceback (exit 1) for a missing key, 60 after three rejected tokens
(leverage-cli-3.md §2.6, §2.10). A finding asks `failure(state, cli)`; when the generation cannot
be told it says what each generation does instead of guessing.
"""

from __future__ import annotations

from mfa_guard.generation import CliGeneration

EXIT_40 = "the 3.x CLI exits 40 (Credentials for profile {profile} have not been properly configured)"
TRACEBACK = "the 3.x CLI stops with a traceback (AttributeError: 'NoneType' object has no attribute 'value', exit 1)"

# state -> (2.x, 3.x); `{profile}` is filled in by the caller.
FAILURES: dict[str, tuple[str, str]] = {
    "no_role_arn": ("MFA entrypoint exit 150", TRACEBACK),
    "no_mfa_serial": ("the MFA entrypoint exits 151", TRACEBACK),
    "no_source_profile": ("MFA entrypoint exit 152", TRACEBACK),
    "base_credentials": (
        "the MFA entrypoint exits 150 for base credentials",
        "the 3.x CLI runs its MFA step and exits 40: there is no [profile {profile}-mfa]",
    ),
    "base_credentials_blocker": (
        "the entrypoint exits 150 for base credentials",
        "the 3.x CLI exits 40 for base credentials, which no configure run gives a -mfa profile",
    ),
    "base_credentials_layers": (
        "the MFA entrypoint exits 150 for every layer of the account",
        "the 3.x CLI exits 40 for every layer of the account (no [profile {profile}-mfa])",
    ),
    "no_backend_profile": (
        "providers and the MFA entrypoint have no credentials",
        "providers have no credentials and the 3.x CLI stops with a traceback (KeyError: 'profile')",
    ),
}


def failure(state: str, cli: CliGeneration, profile: str = "P") -> str:
    """The phrase for `state` in the project's generation; both, labelled, when it is unknown."""
    two, three = FAILURES[state]
    three = three.format(profile=profile)
    if cli.number == 3:
        return three
    if cli.number == 2:
        return two
    return f"{two} under the Docker-based CLI 2.x, and {three}"
