"""What the dockerless Leverage CLI 3.x needs in ~/.aws/<short>/ (leverage-cli-3.md §2.6).

With the MFA step on (MFA_ENABLED absent or non-empty), a layer needs `[profile P-mfa]` with
role_arn, mfa_serial and source_profile for every profile P it uses: the CLI assumes the role
itself and writes temporary keys to `[P]` in credentials, which Terraform then uses. A `[profile P]`
with role_arn in config shadows those keys. With the step off (`MFA_ENABLED=`), Terraform resolves
P on its own: `[P]` keys or a hand-written `[profile P]`, which 3.x never writes.
"""

from __future__ import annotations

from collections.abc import Iterator

from mfa_guard.checks.base import CheckContext
from mfa_guard.checks.wiring import account_mfa_on
from mfa_guard.findings import Violation
from mfa_guard.guide.failures import EXIT_40, TRACEBACK
from mfa_guard.local.model import AwsSection, LocalState
from mfa_guard.local.usage import Use, command_for, used_profiles

MFA_SUFFIX = "-mfa"
MFA_KEYS = ("role_arn", "mfa_serial", "source_profile")


def mfa_on_for(ctx: CheckContext, use: Use) -> bool:
    """The MFA step of the layers of the account that uses the profile (its build.env decides)."""
    return account_mfa_on(ctx.project, use.account)


def role_section_name(ctx: CheckContext, use: Use) -> str:
    """The config section the CLI reads for this profile: `P-mfa` while 3.x runs its MFA step."""
    dockerless = ctx.project.state.cli.dockerless
    return use.profile.text + MFA_SUFFIX if dockerless and mfa_on_for(ctx, use) else use.profile.text


def _violation(use: Use, message: str, companion: str, what: str) -> Violation:
    return Violation(use.span, message, companion=companion, address=f"profile:{use.profile.text}:{what}")


def _companion(ctx: CheckContext, local: LocalState, use: Use) -> str:
    if use.profile.account is None:  # a base-credentials backend: no configure run writes `X-mfa`
        account = use.account.directory
        return f"set an empty MFA_ENABLED= in {account}/build.env (the 3.x CLI's MFA step off for {account}/)"
    command = command_for(ctx.project, local, use.profile)
    return command or f"write [profile {use.profile.text}-mfa] in {local.config.label} by hand"


def profile_missing(ctx: CheckContext, local: LocalState) -> Iterator[Violation]:
    """LOC001 for 3.x (IAM mode): `[profile P-mfa]` with the step on, something Terraform can use with it off."""
    for use in used_profiles(ctx.project):
        name = use.profile.text
        if mfa_on_for(ctx, use):
            if not local.config.usable or local.config.section(name + MFA_SUFFIX) is not None:
                continue
            message = f"{use.where} uses {name}, but {local.config.label} has no [profile {name}-mfa], so {EXIT_40.format(profile=name)}"
            yield _violation(use, message, _companion(ctx, local, use), "missing")
            continue
        keys = local.credentials.section(name)
        if (keys is not None and keys.has_keys) or local.config.section(name) is not None:
            continue
        if not (local.credentials.usable and local.config.usable):
            continue
        message = (
            f"{use.where} uses {name} while MFA_ENABLED is empty (the 3.x CLI's MFA step off), but neither "
            f"{local.credentials.label} has [{name}] keys nor {local.config.label} a [profile {name}]: Terraform "
            "gets no credentials (3.x never writes either: they are hand-written)"
        )
        yield _violation(use, message, f"write [profile {name}] in {local.config.label} by hand", "missing")


def mfa_keys_missing(ctx: CheckContext, local: LocalState) -> Iterator[Violation]:
    """LOC002 for 3.x: every key the MFA step reads with `.get(key).value` (auth.py:471-473)."""
    for use in used_profiles(ctx.project):
        section = local.config.section(use.profile.text + MFA_SUFFIX) if mfa_on_for(ctx, use) else None
        if section is None:
            continue
        missing = [key for key in MFA_KEYS if section.get(key) is None]
        if missing:
            message = (
                f"[profile {use.profile.text}-mfa] ({local.config.where(section)}) has no {', '.join(missing)}, "
                f"so {TRACEBACK}"
            )
            yield _violation(use, message, _companion(ctx, local, use), "mfa_serial")


def shadowing_profile(ctx: CheckContext) -> Iterator[Violation]:
    """LOC010: a `[profile P]` with role_arn (a 2.x leftover) hides the keys the 3.x CLI writes to `[P]`."""
    local = ctx.settings.local
    state = ctx.project.state
    if local is None or state.mode != "iam" or not state.cli.dockerless or not local.config.usable:
        return
    for use in used_profiles(ctx.project):
        section = local.config.section(use.profile.text)
        if section is None or section.get("role_arn") is None or not mfa_on_for(ctx, use):
            continue
        yield _shadow(use, section, local)


def _shadow(use: Use, section: AwsSection, local: LocalState) -> Violation:
    name = use.profile.text
    where = local.config.where(section)
    if section.get("mfa_serial") is not None:
        effect = "Terraform assumes that role itself and, with its mfa_serial, cannot prompt: the provider fails"
    else:
        effect = "Terraform assumes that role itself with the source keys, without MFA, bypassing the CLI's MFA step"
    message = (
        f"[profile {name}] ({where}) has role_arn, so it shadows the temporary keys the 3.x CLI writes to "
        f"[{name}] in {local.credentials.label}: {effect}"
    )
    companion = f"remove [profile {name}] from {local.config.label} (3.x reads [profile {name}-mfa])"
    return _violation(use, message, companion, "shadow")
