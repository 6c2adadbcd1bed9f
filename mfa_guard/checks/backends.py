"""Checks of the backends family (PRF003-006, PRF008): which credentials each backend.tfvars profile uses.

Overlap policy: PRF001 (backend-account-mismatch) leaves `<s>-bootstrap`, `<s>-management` and
`<s>-security` to these checks; a bootstrap backend is MFA002's state while MFA_ENABLED=true and
PRF003 (member account) / PRF004 (management account) otherwise, so each state is reported once.
"""

from __future__ import annotations

from collections.abc import Iterator

from mfa_guard.checks.base import CheckContext, CheckSpec
from mfa_guard.checks.wiring import (
    account_mfa_on,
    backend_profile,
    confirmation_blocker,
    module_blocker,
    oaar_blocker,
    reconfigure,
    requires_mfa,
    roles_of,
    segment_matches,
    sso_meant,
    switch_blocker,
    switch_companion,
    switch_fix,
    target_profile,
)
from mfa_guard.findings import Violation
from mfa_guard.guide.commands import configure
from mfa_guard.guide.position import quiet_transition
from mfa_guard.model import Account, Project
from mfa_guard.phase import at_least
from mfa_guard.profiles import ProfileName
from mfa_guard.span import Span


def _backends(project: Project) -> Iterator[tuple[Account, ProfileName]]:
    """Accounts whose backend.tfvars has a literal `profile` (PRF013 reports the others)."""
    for account in project.accounts:
        profile = backend_profile(account)
        if profile is not None and account.backend is not None and account.backend.profile is not None:
            yield account, profile


def _span(account: Account) -> Span:
    profile = account.backend.profile if account.backend is not None else None
    return profile.span if profile is not None else Span.whole_file(account.backend_path)


def bootstrap_in_member(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    if project.management is None:
        return  # no known management account: cannot call any account a member
    for account, profile in _backends(project):
        if account.is_management or not profile.is_bootstrap or account_mfa_on(project, account):
            continue  # MFA on for the account: MFA002 (the entrypoint fails outright)
        target = target_profile(project, account)
        yield Violation(
            _span(account),
            f"{account.backend_path} (member account {account.name}) uses {profile.text}: the bootstrap user's "
            f"keys act on the management account, not on {account.name}",
            switch_fix(project, account, target, switch_blocker(project, account, target)),
            companion=switch_companion(project, account, target) if target else None,
            address=f"{account.backend_path}:profile",
        )


def _management_requires_mfa(project: Project, account: Account) -> bool:
    roles = roles_of(project, account, "oaar")
    return bool(roles) and requires_mfa(roles[-1]) is True


def bootstrap_after_mfa(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    account = project.management
    profile = backend_profile(account) if account is not None else None
    if account is None or profile is None or not profile.is_bootstrap or account_mfa_on(project, account):
        return  # MFA on: MFA002 reports it (the MFA entrypoint fails outright)
    if quiet_transition(project):
        return  # on the guide's path: the switch is a later step of the plan (MFA005's note)
    if project.state.mode not in ("iam", "sso"):
        return  # common.tfvars unreadable: IAM or SSO is unknown, never guessed
    if project.state.mode == "sso":
        if not sso_meant(project):
            return  # sso_enabled = "false": MFA004 names the cause, IAM advice would be wrong here
        reason = "SSO mode is on, and the CLI finds no SSO account in a bootstrap profile name"
    elif _management_requires_mfa(project, account):
        reason = f"the management OrganizationAccountAccessRole already requires MFA ({account.identities_layer})"
    else:
        return  # phase P0: bootstrap is the documented management backend
    target = target_profile(project, account)
    # §5.8 step 4 in progress (management OAAR applied first, members not yet): bootstrap stays
    # for now, so this is a warning whose fix is blocked until every OAAR requires MFA.
    waiting = project.state.mode == "iam" and oaar_blocker(project) is not None
    yield Violation(
        _span(account),
        f"{account.backend_path} still uses {profile.text} although {reason}"
        + ("; switch once every OrganizationAccountAccessRole requires MFA" if waiting else ""),
        switch_fix(project, account, target, switch_blocker(project, account, target)),
        companion=switch_companion(project, account, target) if target else None,
        address=f"{account.backend_path}:profile",
        severity="warning" if waiting else None,
    )


def devops_in_management(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    account = project.management
    profile = backend_profile(account) if account is not None else None
    if project.state.mode != "iam" or account is None or profile is None:
        return
    if profile.suffix != "devops" or not segment_matches(account, profile):
        return  # another account's profile is PRF001's state
    new = f"{profile.prefix}-{profile.account}-oaar"
    fix = switch_fix(project, account, new, None, kind="safe")
    yield Violation(
        _span(account),
        f"{account.backend_path} uses {profile.text}, but the CLI never creates a DevOps profile for the "
        "management account and no DevOps role exists there",
        fix,
        companion=reconfigure(account),
        address=f"{account.backend_path}:profile",
    )


def base_credentials_backend(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    for account, profile in _backends(project):
        if not profile.is_base_credentials:
            continue
        target = target_profile(project, account)
        kind = "a security user, which has no direct permissions" if profile.suffix == "security" else "an IAM user"
        yield Violation(
            _span(account),
            f"{account.backend_path} uses {profile.text}, the raw access keys of {kind}: no role, no MFA",
            switch_fix(project, account, target, switch_blocker(project, account, target)),
            companion=switch_companion(project, account, target) if target else None,
            address=f"{account.backend_path}:profile",
        )


def oaar_for_daily_ops(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    if not at_least(project.state, "p2") or quiet_transition(project):
        return  # on the guide's path the P2 rollout goes one account at a time (MFA005's note)
    for account, profile in _backends(project):
        if account.is_management or profile.suffix != "oaar" or not segment_matches(account, profile):
            continue
        new = f"{profile.prefix}-{profile.account}-devops"
        blocker = module_blocker(project, account, new) or confirmation_blocker(project, "security-mfa")
        fix = switch_fix(project, account, new, blocker)
        command = configure("SECURITY", skip_keys=False)
        yield Violation(
            _span(account),
            f"{account.backend_path} uses {profile.text} (OrganizationAccountAccessRole, AdministratorAccess) "
            "for everyday work in phase P2",
            fix,
            companion=switch_companion(project, account, new, command),
            address=f"{account.backend_path}:profile",
        )


CHECKS = {
    "bootstrap_in_member_account": CheckSpec(bootstrap_in_member, "A member account's backend uses <s>-bootstrap."),
    "bootstrap_after_mfa": CheckSpec(
        bootstrap_after_mfa, "The management backend keeps <s>-bootstrap after its OAAR requires MFA (or under SSO)."
    ),
    "devops_in_management": CheckSpec(devops_in_management, "The management backend uses a -devops profile."),
    "base_credentials_as_backend": CheckSpec(
        base_credentials_backend, "A backend uses the <s>-management or <s>-security base-credentials profile."
    ),
    "oaar_for_daily_ops": CheckSpec(oaar_for_daily_ops, "A member backend uses -oaar while the target phase is P2."),
}
