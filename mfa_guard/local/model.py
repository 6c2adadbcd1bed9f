"""What the LOC rules know about a workstation: plain frozen data, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Optional

# Keys whose values are key material: never shown, not even masked (only the key id is masked).
SECRET_KEYS = frozenset({"aws_secret_access_key", "aws_session_token", "aws_security_token"})
KEY_ID = "aws_access_key_id"


@dataclass(frozen=True)
class AwsSection:
    """One profile of `config` (`[profile X]`, `[default]`) or `credentials` (`[X]`)."""

    name: str
    line: int
    values: Mapping[str, str]  # option names lower-cased, as configparser reads them

    def get(self, key: str) -> Optional[str]:
        value = self.values.get(key)
        return value.strip() if value is not None and value.strip() else None

    @property
    def has_keys(self) -> bool:
        return self.get(KEY_ID) is not None and self.get("aws_secret_access_key") is not None


@dataclass(frozen=True)
class AwsFile:
    """`config` or `credentials`; `sections` is None when the file exists but cannot be used."""

    label: str  # how it is shown: `~/.aws/me/config`
    exists: bool
    sections: Optional[Mapping[str, AwsSection]]
    problem: Optional[str] = None  # why it could not be used (never quotes file content)

    @property
    def usable(self) -> bool:
        return self.sections is not None

    def section(self, name: str) -> Optional[AwsSection]:
        return None if self.sections is None else self.sections.get(name)

    def where(self, section: AwsSection) -> str:
        return f"{self.label} line {section.line}"


@dataclass(frozen=True)
class LayerInit:
    """`<layer>/.terraform/terraform.tfstate`: the backend a layer was last initialised with."""

    layer: str  # repo-relative layer directory
    path: str  # repo-relative path of the state file
    backend_type: Optional[str]
    profile: Optional[str]


@dataclass(frozen=True)
class LocalState:
    """Everything the LOC rules read that is not in the repository."""

    directory: str  # the Leverage AWS directory as shown (`~/.aws/me`)
    config: AwsFile
    credentials: AwsFile
    inits: tuple[LayerInit, ...] = ()
    problems: tuple[str, ...] = field(default_factory=tuple)  # unreadable files, shown as notes

    @property
    def notes(self) -> tuple[str, ...]:
        found = [f.problem for f in (self.config, self.credentials) if f.problem]
        return (*found, *self.problems)

    @property
    def complete(self) -> bool:
        """False when a file exists but could not be read: the checks then cannot vouch for it."""
        return self.config.usable and self.credentials.usable and not self.problems


def mask(value: str) -> str:
    """An access key id the way `aws configure list` shows it: only the last four characters."""
    return "*" * max(len(value) - 4, 4) + value[-4:] if len(value) > 8 else "****"
