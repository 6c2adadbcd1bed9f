"""PRF001/002/007/009: what the backend.tfvars `profile` says about account, project and role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Optional

from mfa_guard.checks.base import CheckContext
from mfa_guard.checks.prf_names import (
    BackendProfile,
    backend_profiles,
    mapped_accounts,
    short_name,
    short_names_disagree,
)
from mfa_guard.findings import Fix, Violation
from mfa_guard.guide.commands import CONFIGURE, configure_for_suffix, reconfigure_account
from mfa_guard.model import literal_str
from mfa_guard.phase import at_least
from mfa_guard.profiles import CLI_SUFFIXES

# Two-token profiles owned by other rules: bootstrap (PRF003/PRF004/MFA002), raw base
# credentials (PRF006). They name no account, so they are not an account mismatch.
BASE_SUFFIXES = frozenset({"bootstrap", "management", "security"})


def _fix(
    kind: str, bp: BackendProfile, part: str, text: str, what: str, blocked: Optional[str] = None
) -> Optional[Fix]:
    edit = bp.token_edit(part, text)
    return None if edit is None else Fix(kind, (edit,), what, blocked_by=blocked)


def _reinit(bp: BackendProfile) -> str:
    return reconfigure_account(bp.account.directory)


def _unmapped(ctx: CheckContext, target: str, current: Optional[str]) -> Optional[str]:
    """The CLI writes profiles for the accounts map's names: do not rename towards a missing one."""
    mapped = mapped_accounts(ctx.project)
    if mapped is None or target in mapped or current not in mapped:
        return None
    return f"{ctx.project.common_path} names the account {current!r}, not {target!r}, so `{CONFIGURE}` writes no {target!r} profiles; align the accounts map or account.tfvars first"


def account_mismatch(ctx: CheckContext) -> Iterator[Violation]:
    for bp in backend_profiles(ctx.project):
        name, account = bp.name, bp.account
        if name.account is None and name.suffix in BASE_SUFFIXES:
            continue
        if name.account == account.name:
            continue
        named_by = literal_str(account.environment) is not None
        source = "its account.tfvars `environment`" if named_by else "its directory name"
        if name.account is None:
            what = f"profile {name.text!r} names no account"
        else:
            what = f"profile {name.text!r} names account {name.account!r}"
        fix = _fix(
            "guarded",
            bp,
            "account",
            account.name,
            f"use account {account.name!r} in the profile name",
            _unmapped(ctx, account.name, name.account),
        )
        yield Violation(
            bp.attribute.value.span,
            f"{what}, but {account.directory}/ is account {account.name!r} ({source})",
            fix,
            companion=_reinit(bp),
            address=bp.address,
        )


def project_prefix(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    short = short_name(project)
    if short is None:
        return  # unknown short name: never guess
    origin = project.short_names[0].origin
    blocked = (
        "the short-name sources disagree (ENV006); settle the short name first"
        if short_names_disagree(project)
        else None
    )
    for bp in backend_profiles(project):
        if bp.name.suffix is None or bp.name.prefix == short:
            continue  # a single-token profile has no project prefix (PRF001 reports it)
        fix = _fix("guarded", bp, "prefix", short, f"start the profile with the short name {short!r}", blocked)
        yield Violation(
            bp.attribute.value.span,
            f"profile {bp.name.text!r} starts with {bp.name.prefix!r}, but the project's short name is {short!r} ({origin})",
            fix,
            companion=_reinit(bp),
            address=bp.address,
        )


def nonstandard_suffix(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    if project.state.mode != "iam":
        return
    allowed = frozenset(ctx.params.get("allowed_suffixes") or CLI_SUFFIXES)
    for bp in backend_profiles(project):
        suffix = bp.name.suffix
        if bp.name.account is None or suffix is None or suffix in allowed:
            continue
        target = "devops" if not bp.account.is_management and at_least(project.state, "p2") else "oaar"
        fix = _fix("guarded", bp, "suffix", target, f"use the -{target} profile `{CONFIGURE}` writes")
        yield Violation(
            bp.attribute.value.span,
            f"profile {bp.name.text!r} ends in -{suffix}, not {' or '.join(f'-{s}' for s in sorted(allowed))}",
            fix,
            companion=f"{configure_for_suffix(target)}, then {_reinit(bp)}",
            address=bp.address,
        )


def sso_suffix(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    if project.state.mode != "sso":
        return
    allow_management_oaar = ctx.params.get("allow_management_oaar", True)
    for bp in backend_profiles(project):
        role = literal_str(bp.account.sso_role)
        suffix = bp.name.suffix
        if bp.name.account is None or suffix is None or not role:
            continue  # no account segment, or sso_role unknown: nothing to compare
        expected = role.lower()
        if suffix == expected:
            continue
        dockerless = project.state.cli.dockerless
        if allow_management_oaar and bp.account.is_management and suffix == "oaar" and not dockerless:
            continue  # the documented SSO setup (try-leverage/enabling-sso.md) keeps <s>-<m>-oaar
        fix = _fix("safe", bp, "suffix", expected, f"end the profile in -{expected} (lower-case sso_role)")
        if dockerless:  # 3.1.0 writes the keys under <s>-<acct>-<lower(role)> only (auth.py:32): fatal
            yield Violation(
                bp.attribute.value.span,
                f"profile {bp.name.text!r} ends in -{suffix} while {bp.account.directory}/config/account.tfvars sets "
                f"sso_role = {role!r}: the 3.x CLI writes the SSO keys only to "
                f"[{bp.name.prefix}-{bp.account.name}-{expected}], so Terraform gets no credentials for {bp.name.text}",
                fix,
                companion=_reinit(bp),
                address=bp.address,
                severity="error",
            )
            continue
        yield Violation(
            bp.attribute.value.span,
            f"profile {bp.name.text!r} ends in -{suffix} while {bp.account.directory}/config/account.tfvars sets sso_role = {role!r}, so profiles built for other layers are cached as {bp.name.prefix}-{bp.account.name}-{expected}",
            fix,
            companion=_reinit(bp),
            address=bp.address,
        )
