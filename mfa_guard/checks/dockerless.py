"""Checks that exist only for the dockerless Leverage CLI 3.x (leverage-cli-3.md §2.6, §5.2)."""

from __future__ import annotations

from collections.abc import Iterator

from mfa_guard.checks.base import CheckContext, CheckSpec
from mfa_guard.checks.wiring import account_flag, account_mfa_on, backend_profile
from mfa_guard.findings import Violation
from mfa_guard.guide import commands
from mfa_guard.guide.flags import own_flag_line
from mfa_guard.model import Project
from mfa_guard.phase import at_least


def mfa_on_with_base_credentials(ctx: CheckContext) -> Iterator[Violation]:
    """MFA006: 3.x runs its MFA step for a base-credentials backend: it needs `[profile X-mfa]`,
    which no `credentials configure` run writes, so every layer of the account exits 40. This is
    the documented P0 (bootstrap backend, MFA_ENABLED=false), because `false` is on in 3.x."""
    project = ctx.project
    if project.state.mode != "iam" or not project.state.cli.dockerless:
        return
    for account in project.accounts:
        profile = backend_profile(account)
        if profile is None or profile.account is not None or account.backend is None:
            continue
        if account.backend.profile is None or not account_mfa_on(project, account):
            continue
        value, flag_file = account_flag(project, account)
        shown = (
            "absent (the CLI's default 'false')"
            if value == "false" and not _written(project, flag_file)
            else f"'{value}'"
        )
        if at_least(project.state, "p1"):
            companion = f"move {account.backend_path} to the account's role profile, then {commands.REINIT}"
        else:
            companion = commands.empty_mfa_flag_in(account.directory, own_flag_line(project, account))
        yield Violation(
            account.backend.profile.span,
            f"MFA_ENABLED is {shown} for {account.directory}/ ({flag_file}), which turns the 3.x CLI's MFA step on, "
            f"but {account.backend_path} uses {profile.text}, a base-credentials profile: the CLI looks for "
            f"[profile {profile.text}-mfa], which no configure run writes, and every layer of the account exits 40 "
            f"(Credentials for profile {profile.text} have not been properly configured). Only an empty "
            f"MFA_ENABLED= turns the step off in 3.x",
            companion=companion,
            address=f"{account.backend_path}:profile",
        )


def _written(project: Project, flag_file: str) -> bool:
    env = next((e for e in project.build_envs if e.path == flag_file), None)
    return env is not None and env.effective("MFA_ENABLED") is not None


CHECKS = {
    "dockerless_mfa_on_with_base_credentials": CheckSpec(
        mfa_on_with_base_credentials, "3.x: the MFA step is on while a backend uses base credentials (exit 40)."
    ),
}
