"""Shared facts for the MFA and backend checks: the role a profile reaches, phase targets, preconditions."""

from __future__ import annotations

from typing import Optional

from mfa_guard.findings import Fix, TextEdit
from mfa_guard.fix.edits import replace_string_value
from mfa_guard.guide import commands
from mfa_guard.guide.facts import describe_truth, truth_requires_mfa
from mfa_guard.guide.failures import failure

# Re-exported: the checks import them from here.
from mfa_guard.guide.flags import account_flag as account_flag
from mfa_guard.guide.flags import account_mfa_on as account_mfa_on
from mfa_guard.guide.flags import account_mfa_value as account_mfa_value
from mfa_guard.guide.flags import mfa_value as mfa_value
from mfa_guard.guide.flags import root_mfa_entry as root_mfa_entry
from mfa_guard.guide.order import in_guide_order
from mfa_guard.guide.records import CONFIRMATIONS
from mfa_guard.guide.runbook import apply_recorded
from mfa_guard.model import Account, Project, Role, literal_str
from mfa_guard.phase import at_least
from mfa_guard.profiles import ProfileName, parse_profile

ROLE_LABELS = {"oaar": "OrganizationAccountAccessRole", "devops": "DevOps"}


def spelled_bool(text: str) -> Optional[bool]:
    word = text.strip().lower()
    return {"true": True, "false": False}.get(word)


def sso_meant(project: Project) -> bool:
    """SSO is on and was meant to be: a quoted "false" is MFA004's state, so the rules that
    advise on SSO-mode consequences (MFA003, PRF004) leave it to MFA004."""
    attribute = project.common_attr("sso_enabled")
    if project.state.mode != "sso" or attribute is None:
        return False
    if attribute.value.kind == "string":
        return spelled_bool(str(attribute.value.value)) is True
    return True


def backend_profile(account: Account) -> Optional[ProfileName]:
    value = account.backend.profile_value if account.backend is not None else None
    return parse_profile(value) if value is not None else None


def account_named(project: Project, name: Optional[str]) -> Optional[Account]:
    """The account a profile's middle segment names: `environment` first, then the directory."""
    if not name:
        return None
    by_name = next((a for a in project.accounts if a.name == name), None)
    return by_name or project.account(name)


def segment_matches(account: Account, profile: ProfileName) -> bool:
    return profile.account is not None and profile.account in (account.name, account.directory)


def roles_of(project: Project, account: Account, kind: str) -> tuple[Role, ...]:
    return tuple(r for r in project.roles if r.account == account.directory and r.kind == kind and not r.oidc)


def requires_mfa(role: Role) -> Optional[bool]:
    """The guide's one rule (guide/facts.py): true/absent require MFA, false/null do not."""
    return truth_requires_mfa(role.mfa_state)


def targeted_role(project: Project, profile: ProfileName) -> Optional[Role]:
    """The role module a CLI-made profile assumes (`-oaar` -> OAAR, `-devops` -> DevOps), if in code."""
    short = project.short_name
    if profile.suffix not in ROLE_LABELS or (short is not None and profile.prefix != short):
        return None
    account = account_named(project, profile.account)
    if account is None:
        return None
    roles = roles_of(project, account, profile.suffix)
    return roles[-1] if roles else None


def ordered_accounts(project: Project) -> list[Account]:
    """The guide's order (guide/order.py): management, security, shared, then the rest."""
    return in_guide_order(project.accounts)


def oaar_blocker(project: Project) -> Optional[str]:
    """Why §5.8 step 5 may not happen yet: some account's OAAR does not visibly require MFA."""
    problems = []
    for account in ordered_accounts(project):
        roles = roles_of(project, account, "oaar")
        if not roles:
            problems.append(f"{account.directory}/ has no OrganizationAccountAccessRole module")
            continue
        role = roles[-1]
        if not requires_mfa(role):
            attribute = role.requires_mfa
            line = attribute.span.line if attribute is not None else role.block.span.line
            text = attribute.value.text if attribute is not None else ""
            problems.append(f"{role.path}:{line} {describe_truth(role.mfa_state, text)}")
        elif not apply_recorded(project, account):
            layer = account.identities_layer
            problems.append(f"the apply of {layer} is not recorded (`{commands.record_apply(layer)}`)")
    if not problems:
        return None
    return "every OrganizationAccountAccessRole must require MFA, applied and recorded, first: " + "; ".join(problems)


def confirmation_blocker(project: Project, what: str) -> Optional[str]:
    """Lock-out guard (§5.9): a role that starts requiring MFA locks out whoever has no device."""
    if project.records.confirmed(what) is not None:
        return None
    return f"confirm that {CONFIRMATIONS[what]} (`{commands.confirm(what)}`)"


def oaar_edit_blocker(project: Project, account: Account) -> Optional[str]:
    """The guide's preconditions of an OAAR edit: the management users' MFA devices confirmed
    (lock-out guard, §5.9), and the applies of every account before this one recorded (§5.8)."""
    problems = []
    unconfirmed = confirmation_blocker(project, "management-mfa")
    if unconfirmed is not None:
        problems.append(unconfirmed)
    for earlier in ordered_accounts(project):
        if earlier.directory == account.directory:
            break
        if roles_of(project, earlier, "oaar") and not apply_recorded(project, earlier):
            layer = earlier.identities_layer
            problems.append(f"the apply of {layer} is not recorded (`{commands.record_apply(layer)}`)")
    return "; ".join(problems) or None


def flag_blocker(project: Project) -> Optional[str]:
    """Why MFA_ENABLED=true may not be written yet (§5.8: step 5 before step 6): a backend still on
    base credentials (no role_arn) would make the CLI fail there (MFA002's state; guide/failures.py)."""
    if project.state.mode != "iam":
        return None
    waiting = []
    for account in project.accounts:
        profile = backend_profile(account)
        if profile is not None and (profile.is_bootstrap or profile.is_base_credentials):
            waiting.append(f"{account.backend_path} uses {profile.text}")
    if not waiting:
        return None
    return (
        f"every backend must use a role profile first (with MFA on "
        f"{failure('base_credentials_blocker', project.state.cli)}): " + "; ".join(waiting)
    )


def target_profile(project: Project, account: Account) -> Optional[str]:
    """The role profile the account's backend should use in the target phase (§2.2); None if unknown."""
    short = project.short_name
    if short is None:
        return None
    if project.state.mode == "sso":
        role = literal_str(account.sso_role)
        return f"{short}-{account.name}-{role.lower()}" if role else None
    if account.is_management:
        return f"{short}-{account.name}-oaar"
    suffix = "devops" if at_least(project.state, "p2") else "oaar"
    return f"{short}-{account.name}-{suffix}"


def module_blocker(project: Project, account: Account, profile: str) -> Optional[str]:
    """The role behind an IAM `-oaar`/`-devops` profile must be managed in the account's code."""
    suffix = parse_profile(profile).suffix
    if project.state.mode != "iam" or suffix not in ROLE_LABELS:
        return None
    if roles_of(project, account, suffix):
        return None
    label = ROLE_LABELS[suffix]
    return f"no {label} module in {account.identities_layer} yet (add or import it and apply first)"


def switch_blocker(project: Project, account: Account, profile: Optional[str]) -> Optional[str]:
    """Preconditions of moving a backend to `profile` that the files do not show yet (§5.8)."""
    if profile is None or project.state.mode != "iam":
        return None
    suffix = parse_profile(profile).suffix
    if account.is_management and suffix == "oaar":
        return oaar_blocker(project) or module_blocker(project, account, profile)
    if suffix == "devops":
        return module_blocker(project, account, profile)
    return None  # a member's Organizations-created OAAR exists even when no module manages it


def credentials_command(project: Project, profile: str) -> Optional[str]:
    """The `leverage` command that writes `profile` to ~/.aws/<short>/config (LOC001, §5.2)."""
    if project.state.mode == "sso":
        return commands.CONFIGURE_SSO
    suffix = parse_profile(profile).suffix
    if suffix == "devops":
        return commands.configure("SECURITY")
    if suffix != "oaar":
        return None
    if at_least(project.state, "p1") or project.state.mfa_enabled:
        return commands.configure("MANAGEMENT")
    return commands.configure("BOOTSTRAP")


def reconfigure(account: Account) -> str:
    return commands.reconfigure_account(account.directory)


def switch_companion(project: Project, account: Account, profile: str, command: Optional[str] = None) -> str:
    first = command or credentials_command(project, profile)
    return f"{first}; then {reconfigure(account)}" if first else reconfigure(account)


def profile_edit(project: Project, account: Account, profile: str) -> Optional[TextEdit]:
    attribute = account.backend.profile if account.backend is not None else None
    if attribute is None or attribute.value.kind != "string":
        return None
    return replace_string_value(attribute.value.span, project.sources[attribute.span.path], profile)


def switch_fix(
    project: Project, account: Account, profile: Optional[str], blocker: Optional[str], kind: str = "guarded"
) -> Optional[Fix]:
    if profile is None:
        return None
    edit = profile_edit(project, account, profile)
    if edit is None:
        return None
    description = f'set profile = "{profile}" in {account.backend_path}'
    return Fix(kind, (edit,), description, blocked_by=blocker)
