"""Local workstation checks (LOC): the project's profiles against ~/.aws/<short>/ (§5.7, §6).

Pure like every check: the command that enables them loads the local files into
`ctx.settings.local`; without that data (plain `check`, CI) every LOC check yields nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Optional

from mfa_guard.checks import local_dockerless as dockerless
from mfa_guard.checks.base import CheckContext, CheckSpec
from mfa_guard.findings import Violation
from mfa_guard.guide.commands import CONFIGURE_SSO
from mfa_guard.guide.failures import failure
from mfa_guard.local.model import AwsSection, LocalState
from mfa_guard.local.usage import (
    BASE_ACCOUNT,
    ROLE_OF_SUFFIX,
    Use,
    account_id,
    command_for,
    configure_command,
    parse_arn,
    reinit_command,
    used_profiles,
)
from mfa_guard.model import Project, literal_str
from mfa_guard.phase import at_least
from mfa_guard.span import Span

MFA_ON_MANUAL = "set MFA_ENABLED=true in the root build.env (`mfa-guard fix` does it)"


def _local(ctx: CheckContext) -> Optional[LocalState]:
    """The local AWS files, or None: not loaded, or the mode (IAM/SSO) cannot be told from the files."""
    return None if ctx.project.state.mode == "unknown" else ctx.settings.local


def _iam_role_uses(ctx: CheckContext, local: LocalState) -> Iterator[tuple[Use, AwsSection]]:
    """IAM mode: each used role profile that has a section in config."""
    if ctx.project.state.mode != "iam" or not local.config.usable:
        return
    for use in used_profiles(ctx.project):
        section = local.config.section(dockerless.role_section_name(ctx, use))  # 3.x: `P-mfa`
        if use.profile.account is not None and section is not None:
            yield use, section


def _companion(ctx: CheckContext, local: LocalState, use: Use) -> str:
    """Always explicit: the rule's example companion must never stand in for the real one."""
    command = command_for(ctx.project, local, use.profile)
    if command is not None:
        return command
    return f"edit [profile {use.profile.text}] in {local.config.label} by hand (the Leverage CLI never writes it)"


def _violation(use: Use, message: str, companion: Optional[str], what: str) -> Violation:
    return Violation(use.span, message, companion=companion, address=f"profile:{use.profile.text}:{what}")


def profile_missing(ctx: CheckContext) -> Iterator[Violation]:
    local = _local(ctx)
    if local is None:
        return
    if ctx.project.state.mode == "sso":
        yield from _sso_missing(ctx.project, local)
        return
    if ctx.project.state.cli.dockerless:
        yield from dockerless.profile_missing(ctx, local)
        return
    for use in used_profiles(ctx.project):
        profile = use.profile
        command = _companion(ctx, local, use)
        if profile.account is None:
            if profile.suffix not in BASE_ACCOUNT or not local.credentials.usable:
                continue
            if local.credentials.section(profile.text) or local.config.section(profile.text):
                continue
            message = f"{use.where} uses {profile.text}, but {local.credentials.label} has no [{profile.text}] section"
            yield _violation(use, message, command, "missing")
        elif local.config.usable and local.config.section(profile.text) is None:
            message = f"{use.where} uses {profile.text}, but {local.config.label} has no [profile {profile.text}]"
            if command_for(ctx.project, local, profile) is None:
                message += " (the Leverage CLI never writes this name: it is maintained by hand)"
            yield _violation(use, message, command, "missing")


def _sso_missing(project: Project, local: LocalState) -> Iterator[Violation]:
    """SSO: the CLI needs `<s>-sso` and `<s>-sso-<account>` for every account a profile names."""
    if not local.config.usable:
        return
    short = project.short_name
    uses = used_profiles(project)
    root = f"{short}-sso"
    if uses and local.config.section(root) is None:
        attribute = project.common_attr("sso_enabled")
        span = attribute.span if attribute is not None else uses[0].span
        message = f"SSO is enabled, but {local.config.label} has no [profile {root}]"
        yield Violation(span, message, companion=CONFIGURE_SSO, address=f"profile:{root}:missing")
    for use in uses:
        wanted = f"{short}-sso-{use.profile.account}"
        section = local.config.section(wanted) if use.profile.account is not None else None
        if use.profile.account is not None and section is None:
            message = (
                f"{use.where} uses {use.profile.text}, but {local.config.label} has no [profile {wanted}] (CLI exit 40)"
            )
            yield _violation(use, message, CONFIGURE_SSO, "missing")
        elif section is not None and project.state.cli.dockerless:
            yield from _sso_role_elsewhere(project, local, use, wanted, section)


def _sso_role_elsewhere(
    project: Project, local: LocalState, use: Use, wanted: str, section: AwsSection
) -> Iterator[Violation]:
    """3.x writes a layer's SSO keys to `<s>-<acct>-<lower(role_name)>`, the role the portal gave
    `[profile <s>-sso-<acct>]` (auth.py:56), whatever the profile is called. Against account.tfvars'
    sso_role that is PRF009's (repository) finding; here only a portal role other than sso_role."""
    role = section.get("role_name")
    account = next((a for a in project.accounts if a.name == use.profile.account), None)
    sso_role = literal_str(account.sso_role) if account is not None else None
    if not role or not sso_role or role.lower() == sso_role.lower():
        return  # no role yet, PRF015's missing sso_role, or PRF009's comparison
    written = f"{project.short_name}-{use.profile.account}-{role.lower()}"
    if use.profile.text != written:
        message = (
            f"{use.where} uses {use.profile.text}, but the 3.x CLI writes the SSO keys only to [{written}]: "
            f"[profile {wanted}] in {local.config.label} has role_name {role}, not sso_role {sso_role!r}"
        )
        where = account.account_tfvars if account is not None and account.account_tfvars else "account.tfvars"
        fix = (
            f'set sso_role = "{role}" in {where} (the portal\'s role), then mfa-guard fix (PRF009 renames the profile)'
        )
        yield _violation(use, message, fix, "missing")


def mfa_serial_missing(ctx: CheckContext) -> Iterator[Violation]:
    local = _local(ctx)
    if local is not None and ctx.project.state.cli.dockerless and ctx.project.state.mode == "iam":
        yield from dockerless.mfa_keys_missing(ctx, local)  # per account's flag, every key the step reads
        return
    if local is None or not ctx.project.state.mfa_enabled:
        return
    for use, section in _iam_role_uses(ctx, local):
        if section.get("mfa_serial") is None:
            message = f"MFA_ENABLED=true, but [profile {use.profile.text}] ({local.config.where(section)}) has no mfa_serial, so {failure('no_mfa_serial', ctx.project.state.cli)}"
            yield _violation(use, message, _companion(ctx, local, use), "mfa_serial")


def mfa_serial_but_mfa_off(ctx: CheckContext) -> Iterator[Violation]:
    local = _local(ctx)
    if local is None or ctx.project.state.mfa_enabled:
        return
    for use, section in _iam_role_uses(ctx, local):
        if section.get("mfa_serial") is None:
            continue
        if at_least(ctx.project.state, "p1"):
            companion = MFA_ON_MANUAL
        else:  # P0: MFA stays off, and `aws configure set` never removes a key, so this one is by hand
            companion = f"remove mfa_serial from [profile {use.profile.text}] in {local.config.label} by hand"
        message = f"[profile {use.profile.text}] ({local.config.where(section)}) has mfa_serial while MFA_ENABLED is not true, so Terraform cannot prompt for the token"
        yield _violation(use, message, companion, "mfa_serial")


def oaar_sourced_from_bootstrap(ctx: CheckContext) -> Iterator[Violation]:
    local = _local(ctx)
    if local is None or not at_least(ctx.project.state, "p1"):
        return
    bootstrap = f"{ctx.project.short_name}-bootstrap"
    for use, section in _iam_role_uses(ctx, local):
        if use.profile.suffix == "oaar" and section.get("source_profile") == bootstrap:
            message = f"[profile {use.profile.text}] ({local.config.where(section)}) still has source_profile = {bootstrap} after the move to management users"
            yield _violation(use, message, configure_command(ctx.project, local, "MANAGEMENT"), "source_profile")


def source_profile_without_keys(ctx: CheckContext) -> Iterator[Violation]:
    local = _local(ctx)
    if local is None or not local.credentials.usable:
        return
    for use, section in _iam_role_uses(ctx, local):
        source = section.get("source_profile")
        where = local.config.where(section)
        if source is None:
            if section.get("credential_source") is None and not ctx.project.state.cli.dockerless:  # 3.x: LOC002
                message = f"[profile {use.profile.text}] ({where}) has no source_profile ({failure('no_source_profile', ctx.project.state.cli)})"
                yield _violation(use, message, _companion(ctx, local, use), "source_profile")
            continue
        if _has_credentials(local, source):
            continue
        found = local.credentials.section(source)
        state = "has no complete key pair" if found else "is missing"
        message = f"[profile {use.profile.text}] ({where}) takes its keys from {source}, but [{source}] in {local.credentials.label} {state}"
        yield _violation(use, message, _companion(ctx, local, use), "keys")


def _has_credentials(local: LocalState, source: str) -> bool:
    found = local.credentials.section(source)
    if found is not None and found.has_keys:
        return True
    profile = local.config.section(source)  # keys in config, or a chained role / SSO profile
    return profile is not None and (
        profile.has_keys or any(profile.get(k) for k in ("role_arn", "sso_start_url", "sso_session"))
    )


def role_arn_mismatch(ctx: CheckContext) -> Iterator[Violation]:
    local = _local(ctx)
    if local is None:
        return
    for use, section in _iam_role_uses(ctx, local):
        role_arn = section.get("role_arn")
        if role_arn is None and ctx.project.state.cli.dockerless:
            continue  # LOC002 reports every key the 3.x MFA step misses
        problem = _role_problem(ctx.project, use, role_arn)
        if problem:
            message = f"[profile {use.profile.text}] ({local.config.where(section)}) {problem}"
            yield _violation(use, message, _companion(ctx, local, use), "role_arn")


def _role_problem(project: Project, use: Use, role_arn: Optional[str]) -> Optional[str]:
    if role_arn is None:
        return f"has no role_arn ({failure('no_role_arn', project.state.cli)})"
    match = parse_arn(role_arn)
    if match is None or match.group("kind") != "role":
        return f"has role_arn {role_arn}, which is not an IAM role ARN"
    expected = account_id(project, use.profile.account)
    if expected is not None and match.group("account") != expected:
        return f"points at account {match.group('account')}, but the accounts map gives {use.profile.account} the id {expected}"
    role = ROLE_OF_SUFFIX.get(use.profile.suffix or "")
    if role is not None and match.group("name") != role:
        return f"assumes role {match.group('name')}, but a -{use.profile.suffix} profile must assume {role}"
    return None


def mfa_serial_wrong_account(ctx: CheckContext) -> Iterator[Violation]:
    local = _local(ctx)
    if local is None or not ctx.project.state.mfa_enabled:
        return  # with MFA off, any mfa_serial is LOC003's business
    short = ctx.project.short_name or ""
    for use, section in _iam_role_uses(ctx, local):
        match = parse_arn(section.get("mfa_serial"))
        source = section.get("source_profile") or ""
        user_account = BASE_ACCOUNT.get(source[len(short) + 1 :]) if source.startswith(f"{short}-") else None
        expected = account_id(ctx.project, user_account)
        if match is None or expected is None or match.group("account") == expected:
            continue
        message = f"[profile {use.profile.text}] ({local.config.where(section)}) has an MFA device in account {match.group('account')}, but its user ({source}) lives in {user_account} ({expected})"
        yield _violation(use, message, _companion(ctx, local, use), "mfa_account")


def stale_backend_init(ctx: CheckContext) -> Iterator[Violation]:
    local = _local(ctx)
    if local is None:
        return
    owners = {layer: account for account in ctx.project.accounts for layer in account.layers}
    for init in local.inits:
        account = owners.get(init.layer)
        expected = account.backend.profile_value if account is not None and account.backend else None
        if init.profile is None or expected is None or init.profile == expected:
            continue
        message = f"{init.layer} was initialised with profile {init.profile}, but {account.backend_path if account else 'backend.tfvars'} now says {expected}"
        yield Violation(
            Span.whole_file(init.path), message, companion=reinit_command(init.layer), address=f"init:{init.layer}"
        )


def iam_sso_mixed_profile(ctx: CheckContext) -> Iterator[Violation]:
    local = _local(ctx)
    if local is None or not local.config.usable:
        return
    sso = ctx.project.state.mode == "sso"
    for use in used_profiles(ctx.project):
        section = local.config.section(use.profile.text)
        if section is None or section.get("expiration") is None:
            continue
        iam_keys = [key for key in ("role_arn", "mfa_serial") if section.get(key)]
        if iam_keys:
            message = f"[profile {use.profile.text}] ({local.config.where(section)}) mixes IAM keys ({', '.join(iam_keys)}) with the SSO key expiration"
            companion = CONFIGURE_SSO if sso else _companion(ctx, local, use)
            yield _violation(use, message, companion, "mixed")


_CHECKS = {
    "local_profile_missing": CheckSpec(profile_missing, "A used profile is missing from the local AWS files."),
    "local_mfa_serial_missing": CheckSpec(mfa_serial_missing, "MFA is on and a used profile has no mfa_serial."),
    "local_mfa_serial_but_mfa_off": CheckSpec(mfa_serial_but_mfa_off, "MFA is off and a used profile has mfa_serial."),
    "local_oaar_sourced_from_bootstrap": CheckSpec(
        oaar_sourced_from_bootstrap, "After P1 an -oaar profile still takes its keys from <short>-bootstrap."
    ),
    "local_source_profile_without_keys": CheckSpec(
        source_profile_without_keys, "A used role profile's source_profile has no keys in credentials."
    ),
    "local_role_arn_mismatch": CheckSpec(role_arn_mismatch, "A used profile's role_arn has the wrong account or role."),
    "local_mfa_serial_wrong_account": CheckSpec(
        mfa_serial_wrong_account, "A used profile's MFA device is not in its source user's account."
    ),
    "local_stale_backend_init": CheckSpec(
        stale_backend_init, "A layer was initialised with another backend profile than backend.tfvars names."
    ),
    "local_profile_shadows_temporary_keys": CheckSpec(
        dockerless.shadowing_profile,
        "3.x: a used profile's [profile X] with role_arn shadows the CLI's temporary keys.",
    ),
    "local_iam_sso_mixed_profile": CheckSpec(
        iam_sso_mixed_profile, "A used profile mixes IAM role keys with the SSO `expiration` key."
    ),
}

CHECKS = {name: dataclasses.replace(spec, depends_on="machine") for name, spec in _CHECKS.items()}
