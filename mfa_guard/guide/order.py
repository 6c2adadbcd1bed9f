"""The guide's account order and account roles: management, then security, then shared, then the rest.

The seed says "management first ... then the security and shared accounts"; every other account
follows in directory order. Never alphabetical for the first three: `root` (a management account)
sorts after `apps-devstg`, but it is applied first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from mfa_guard.model import Account

# After management: the accounts the seed names, in its order.
NAMED_MEMBERS = ("security", "shared")
ROLES = ("management", "security", "member")

A = TypeVar("A", bound=Account)


def _names(account: Account) -> set[str]:
    return {account.directory, account.name}


def account_role(account: Account) -> str:
    """management | security | member (what status shows, what the guide's steps name)."""
    if account.is_management:
        return "management"
    return "security" if "security" in _names(account) else "member"


def rank(account: Account) -> tuple[int, str]:
    if account.is_management:
        return (0, account.directory)
    names = _names(account)
    for index, name in enumerate(NAMED_MEMBERS, start=1):
        if name in names:
            return (index, account.directory)
    return (len(NAMED_MEMBERS) + 1, account.directory)


def in_guide_order(accounts: Iterable[A]) -> list[A]:
    return sorted(accounts, key=rank)


def directories_in_order(accounts: Sequence[Account], directories: Iterable[str]) -> list[str]:
    """Account directories (e.g. of findings) in the guide's order; unknown ones last, as given."""
    position = {a.directory: i for i, a in enumerate(in_guide_order(accounts))}
    return sorted(dict.fromkeys(directories), key=lambda d: position.get(d, len(position)))
