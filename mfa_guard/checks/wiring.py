"""Shared facts for the MFA and backend checks: the role a profile reaches, phase targets, preconditions."""

from __future__ import annotations

from typing import Optional

from mfa_guard.findings import Fix, TextEdit
from mfa_guard.fix.edits import replace_string_value
from mfa_guard.generation import mfa_on
from mfa_guard.model import Account, Project, Role, literal_str
from mfa_guard.parse.dotenv import EnvEntry
from mfa_guard.phase import at_least
from mfa_guard.profiles import ProfileName, parse_profile

MFA_KEY = "MFA_ENABLED"
ROLE_LABELS = {"oaar": "OrganizationAccountAccessRole", "devops": "DevOps"}
# §5.8 step 4: OAAR changes are applied management first, then security, then shared, then the rest.
APPLY_ORDER = ("security", "shared")


def root_mfa_entry(project: Project) -> Optional[EnvEntry]:
    env = project.root_env
    return env.effective(MFA_KEY) if env is not None else None


def mfa_value(project: Project) -> Optional[str]:
    """The effective root MFA_ENABLED ("false" when missing); None when it cannot be resolved."""
    entry = root_mfa_entry(project)
    return "false" if entry is None else entry.value


def account_flag(project: Project, account: Account) -> tuple[Optional[str], str]:
    """MFA_ENABLED for the account's layers and the file that decides it: the CLI merges build.env
    files parent to child, so `<account>/build.env` overrides the root (deeper files are ENV005's)."""
    env = next((e for e in project.build_envs if e.directory == account.directory), None)
    entry = env.effective(MFA_KEY) if env is not None else None
    if env is not None and entry is not None:
        return entry.value, env.path
    root = project.root_env
    return mfa_value(project), root.path if root is not None else "build.env"


def account_mfa_value(project: Project, account: Account) -> Optional[str]:
    return account_flag(project, account)[0]


def account_mfa_on(project: Project, account: Account) -> bool:
    """In the terms of the project's CLI generation (mfa_guard/generation.py); unresolved: off."""
    value = account_mfa_value(project, account)
    return project.state.mode == "iam" and value is not None and mfa_on(value, project.state.cli)


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
    """True for `true` or an omitted attribute (module default), False for `false`, None if unknown."""
    state = role.mfa_state
    if state == "unknown":
        return None
    return state in ("true", "absent")


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
    """Management first, then security, shared and the others alphabetically (§5.8 step 4)."""

    def rank(account: Account) -> tuple[int, str]:
        if account.is_management:
            return (0, "")
        if account.name in APPLY_ORDER:
            return (1 + APPLY_ORDER.index(account.name), "")
        return (len(APPLY_ORDER) + 1, account.name)

    return sorted(project.accounts, key=rank)


def oaar_blocker(project: Project) -> Optional[str]:
    """Why §5.8 step 5 may not happen yet: some account's OAAR does not visibly require MFA."""
    problems = []
    for account in ordered_accounts(project):
        roles = roles_of(project, account, "oaar")
        if not roles:
            problems.append(f"{account.directory}/ has no OrganizationAccountAccessRole module")
            continue
        role = roles[-1]
        state = requires_mfa(role)
        if state is None:
            problems.append(f"role_requires_mfa of {account.directory}'s OAAR is an expression")
        elif not state:
            attribute = role.requires_mfa
            line = attribute.span.line if attribute is not None else role.block.span.line
            problems.append(f"{role.path}:{line} has role_requires_mfa = false")
    if not problems:
        return None
    return "every OrganizationAccountAccessRole must require MFA (applied) first: " + "; ".join(problems)


def flag_blocker(project: Project) -> Optional[str]:
    """Why MFA_ENABLED=true may not be written yet (§5.8: step 5 before step 6): a backend still on
    base credentials (no role_arn) would make the MFA entrypoint exit 150 there (MFA002's state)."""
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
        "every backend must use a role profile first (with MFA on the entrypoint exits 150 for "
        "base credentials): " + "; ".join(waiting)
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
        return "leverage aws configure sso"
    suffix = parse_profile(profile).suffix
    if suffix == "devops":
        return "leverage credentials configure --type SECURITY --fetch-mfa-device --skip-access-keys-setup"
    if suffix != "oaar":
        return None
    if at_least(project.state, "p1") or project.state.mfa_enabled:
        return "leverage credentials configure --type MANAGEMENT --fetch-mfa-device --skip-access-keys-setup"
    return "leverage credentials configure --type BOOTSTRAP --skip-access-keys-setup"


def reconfigure(account: Account) -> str:
    return f"`leverage tf init -reconfigure` in each initialised layer of {account.directory}/"


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
