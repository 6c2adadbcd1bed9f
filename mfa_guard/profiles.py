"""Leverage profile names: `<short>-bootstrap`, `<short>-<account>-<suffix>`, `<short>-management`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

BASE_PROFILES = frozenset({"management", "security"})
CLI_SUFFIXES = frozenset({"oaar", "devops"})


@dataclass(frozen=True)
class ProfileName:
    text: str
    prefix: str  # the first dash-separated token: the short name the profile belongs to
    account: Optional[str]  # the middle tokens (account names may contain dashes)
    suffix: Optional[str]  # the last token: oaar, devops, administrator, ...

    @property
    def is_bootstrap(self) -> bool:
        return self.account is None and self.suffix == "bootstrap"

    @property
    def is_base_credentials(self) -> bool:
        return self.account is None and self.suffix in BASE_PROFILES


def parse_profile(text: str) -> ProfileName:
    """Split like the CLI does: first token is the project, last the role, the rest the account."""
    tokens = text.split("-")
    if len(tokens) == 1:
        return ProfileName(text, text, None, None)
    if len(tokens) == 2:
        return ProfileName(text, tokens[0], None, tokens[1])
    return ProfileName(text, tokens[0], "-".join(tokens[1:-1]), tokens[-1])


def profile_for(short: str, account: str, suffix: str) -> str:
    return f"{short}-{account}-{suffix}"
