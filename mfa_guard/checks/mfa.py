"""Checks of the mfa family (MFA): does MFA_ENABLED match the mode, the roles and the backends?"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Optional

from mfa_guard.checks import transition
from mfa_guard.checks.base import CheckContext, CheckSpec
from mfa_guard.checks.wiring import (
    ROLE_LABELS,
    account_flag,
    account_mfa_on,
    account_mfa_value,
    backend_profile,
    flag_blocker,
    mfa_value,
    module_blocker,
    requires_mfa,
    root_mfa_entry,
    spelled_bool,
    sso_meant,
    switch_blocker,
    switch_companion,
    switch_fix,
    target_profile,
    targeted_role,
)
from mfa_guard.findings import Fix, TextEdit, Violation
from mfa_guard.fix.edits import replace_span
from mfa_guard.generation import caveat
from mfa_guard.guide.commands import configure_for_suffix
from mfa_guard.guide.facts import MFA_KEY, describe_truth, mfa_flag_on
from mfa_guard.guide.failures import failure
from mfa_guard.guide.position import quiet_transition
from mfa_guard.model import Project, Role
from mfa_guard.span import Span

OFF_3X = "the empty value that turns the 3.x CLI's MFA step off, so Terraform assumes roles without MFA"


def _role_fact(role: Role) -> str:
    attribute = role.requires_mfa
    line = role.block.span.line if attribute is None else attribute.span.line
    return f"{role.path}:{line} {describe_truth(role.mfa_state, attribute.value.text if attribute else '')}"


def _enable_fix(project: Project) -> Optional[Fix]:
    """Set MFA_ENABLED=true where the CLI reads it; the same edit ENV002/ENV004 would make."""
    env = project.root_env
    if env is None:
        return None
    entry = root_mfa_entry(project)
    blocker = flag_blocker(project)  # turning MFA on first would break those accounts (MFA002)
    kind = "safe"  # the rule file's class; the blocker holds it back until the switch
    if entry is not None:
        edit = replace_span(entry.value_span, "true")
        return Fix(kind, (edit,), f"set {MFA_KEY}=true in {env.path}", blocked_by=blocker)
    source = project.sources[env.path]
    text = source.text
    prefix = "" if not text or text.endswith("\n") else source.newline
    edit = TextEdit(env.path, len(text), len(text), f"{prefix}{MFA_KEY}=true{source.newline}")
    return Fix(kind, (edit,), f"add {MFA_KEY}=true to {env.path}", blocked_by=blocker)


def mfa_off_roles_require(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    if ctx.settings.ci or project.state.mode != "iam" or quiet_transition(project):
        return  # CI runs machine users with MFA off on purpose (§5.2); on the guide's path MFA comes with the switch
    value, cli = mfa_value(project), project.state.cli
    if value is None or mfa_flag_on(value, cli):
        return  # an unresolved interpolation is never guessed
    facts, suffixes = [], []
    first_span: Optional[Span] = None
    for account in project.accounts:
        profile = backend_profile(account)
        role = targeted_role(project, profile) if profile is not None else None
        if profile is None or role is None or requires_mfa(role) is not True:
            continue
        flag = account_mfa_value(project, account)
        if flag is None or mfa_flag_on(flag, cli):
            continue  # `<account>/build.env` turns MFA on there (ENV005 reports the override)
        facts.append(f"{account.backend_path} uses {profile.text} ({ROLE_LABELS[role.kind]}; {_role_fact(role)})")
        suffixes.append(role.kind)
        if first_span is None and account.backend is not None and account.backend.profile is not None:
            first_span = account.backend.profile.span
    if not facts:
        return
    entry, env = root_mfa_entry(project), project.root_env
    if entry is not None and env is not None:
        span, state = entry.line_span, f"{MFA_KEY}={entry.raw_value} in {env.path}"
    elif env is not None:
        span, state = project.sources[env.path].index.span(env.path, 0, 0), f"{env.path} has no {MFA_KEY}"
    else:
        span, state = first_span or Span.whole_file("build.env"), f"there is no root build.env (no {MFA_KEY})"
    commands = [configure_for_suffix(s) for s in ("oaar", "devops") if s in suffixes]
    yield Violation(
        span,
        f"{state}, {OFF_3X if cli.dockerless else 'so the CLI assumes roles without MFA'}, but {'; '.join(facts)}"
        + caveat(cli),
        _enable_fix(project),
        companion="; ".join(commands),
        address=f"build.env:{MFA_KEY}",
    )


def mfa_on_with_bootstrap(ctx: CheckContext) -> Iterator[Violation]:
    """Every bootstrap backend while MFA is on (PRF003/PRF004 take the MFA-off cases)."""
    project = ctx.project
    if project.state.mode != "iam" or project.state.cli.dockerless:
        return  # 3.x: MFA006 (its MFA step is on for any non-empty or absent value, and exits 40)
    for account in project.accounts:
        profile = backend_profile(account)
        if profile is None or not profile.is_bootstrap or account.backend is None or account.backend.profile is None:
            continue
        if not account_mfa_on(project, account):
            continue  # root or `<account>/build.env` MFA_ENABLED decides for the account's layers
        target = target_profile(project, account)
        # §5.2: the role must be managed in code; for management also every OAAR must require MFA.
        blocker = switch_blocker(project, account, target) or (
            module_blocker(project, account, target) if target else None
        )
        where = "the management account" if account.is_management else f"member account {account.name}"
        flag_file = account_flag(project, account)[1]
        yield Violation(
            account.backend.profile.span,
            f"{where} uses {profile.text} (base credentials, no role_arn) with {MFA_KEY}=true ({flag_file})"
            + caveat(project.state.cli),
            switch_fix(project, account, target, blocker),
            companion=switch_companion(project, account, target) if target else None,
            address=f"{account.backend_path}:profile",
            detail=f"{account.backend_path}: {failure('base_credentials_layers', project.state.cli, profile.text)}.",
        )


def mfa_flag_under_sso(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    if not sso_meant(project) or project.state.cli.dockerless:
        return  # 3.x: any value is ignored under SSO, and `false` would not turn MFA off in IAM mode either
    for env in project.build_envs:
        entry = env.effective(MFA_KEY)
        if entry is None or entry.value != "true":
            continue
        yield Violation(
            entry.value_span,
            f"{MFA_KEY}=true in {env.path} while sso_enabled is true in {project.common_path}, so the flag is ignored",
            Fix("safe", (replace_span(entry.value_span, "false"),), f"set {MFA_KEY}=false in {env.path}"),
            address=f"{env.path}:{MFA_KEY}",
        )


def sso_enabled_quoted(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    attribute = project.common_attr("sso_enabled")
    if attribute is None or attribute.value.kind != "string":
        return
    written = str(attribute.value.value)
    spelled = spelled_bool(written)
    address = f"{project.common_path}:sso_enabled"
    span = attribute.value.span
    if spelled is None:
        mode = "SSO" if written else "IAM"
        yield Violation(
            span,
            f'sso_enabled = "{written}" is a string the CLI reads as {mode} mode; which bool is meant is unclear',
            address=address,
        )
        return
    bare = "true" if spelled else "false"
    if spelled:
        fix = Fix("safe", (replace_span(span, bare),), "write sso_enabled as the bare bool true (same mode)")
        message = f'sso_enabled = "{written}" is a string; it works only because every non-empty string is truthy'
        yield Violation(span, message, fix, severity="note", address=address)
        return
    fix = Fix(
        "guarded", (replace_span(span, bare),), "write sso_enabled = false: the CLI switches from SSO to IAM mode"
    )
    yield Violation(
        span,
        f'sso_enabled = "{written}" is a non-empty string, so the CLI runs in SSO mode and ignores {MFA_KEY} '
        "and the IAM role profiles",
        fix,
        address=address,
    )


CHECKS = {
    "mfa_off_roles_require_mfa": CheckSpec(
        mfa_off_roles_require,
        "MFA_ENABLED is not true while a backend profile assumes a role that requires MFA.",
        depends_on="ci",
    ),
    "mfa_on_with_bootstrap_profile": CheckSpec(
        mfa_on_with_bootstrap, "MFA_ENABLED is true while a backend still uses the bootstrap profile."
    ),
    "mfa_flag_under_sso": CheckSpec(mfa_flag_under_sso, "MFA_ENABLED=true although SSO mode ignores it."),
    "sso_enabled_quoted": CheckSpec(sso_enabled_quoted, "sso_enabled is written as a quoted string."),
    **transition.CHECKS,
}
