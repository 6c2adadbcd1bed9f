"""Which MFA_ENABLED decides for the project and for each account's layers, and what it means there."""

from __future__ import annotations

from typing import Optional

from mfa_guard.guide.facts import MFA_KEY, mfa_flag_on
from mfa_guard.model import Account, Project
from mfa_guard.parse.dotenv import EnvEntry, EnvFile


def root_mfa_entry(project: Project) -> Optional[EnvEntry]:
    env = project.root_env
    return env.effective(MFA_KEY) if env is not None else None


def mfa_value(project: Project) -> Optional[str]:
    """The effective root MFA_ENABLED ("false" when missing); None when it cannot be resolved."""
    entry = root_mfa_entry(project)
    return "false" if entry is None else entry.value


def account_env(project: Project, account: Account) -> Optional[EnvFile]:
    """`<account>/build.env`, when there is one."""
    return next((e for e in project.build_envs if e.directory == account.directory), None)


def account_flag(project: Project, account: Account) -> tuple[Optional[str], str]:
    """MFA_ENABLED for the account's layers and the file that decides it: the CLI merges build.env
    files parent to child, so `<account>/build.env` overrides the root (deeper files are ENV005's)."""
    env = account_env(project, account)
    entry = env.effective(MFA_KEY) if env is not None else None
    if env is not None and entry is not None:
        return entry.value, env.path
    root = project.root_env
    return mfa_value(project), root.path if root is not None else "build.env"


def own_flag_entry(project: Project, account: Account) -> Optional[EnvEntry]:
    """The non-empty MFA_ENABLED that `<account>/build.env` itself decides with, if any: an empty
    value must replace it, not be appended after it (yaenv keeps the earlier, non-empty value)."""
    env = account_env(project, account)
    entry = env.effective(MFA_KEY) if env is not None else None
    return entry if entry is not None and entry.value != "" else None


def own_flag_line(project: Project, account: Account) -> Optional[int]:
    entry = own_flag_entry(project, account)
    return entry.line_span.line if entry is not None else None


def account_mfa_value(project: Project, account: Account) -> Optional[str]:
    return account_flag(project, account)[0]


def account_mfa_on(project: Project, account: Account) -> bool:
    """In the terms of the project's CLI generation (guide/facts.py); unresolved: off."""
    value = account_mfa_value(project, account)
    return project.state.mode == "iam" and value is not None and mfa_flag_on(value, project.state.cli)
