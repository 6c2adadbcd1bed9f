"""The located model of a Leverage project that every rule reads (and nothing else)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from mfa_guard.generation import UNKNOWN, CliGeneration
from mfa_guard.guide.facts import mfa_truth
from mfa_guard.guide.records import NO_RECORDS, Records
from mfa_guard.parse.dotenv import EnvFile
from mfa_guard.parse.hcl_types import Attribute, Block, Body, Expr, HclDocument
from mfa_guard.parse.yamlfile import YamlValue
from mfa_guard.source import SourceFile
from mfa_guard.span import Located, Span


def literal_str(attribute: Optional[Attribute]) -> Optional[str]:
    """The attribute's value when it is a plain string literal, else None (never a guess)."""
    if attribute is None or attribute.value.kind != "string":
        return None
    value = attribute.value.value
    return value if isinstance(value, str) else None


def literal_bool(attribute: Optional[Attribute]) -> Optional[bool]:
    if attribute is None or attribute.value.kind != "bool":
        return None
    return bool(attribute.value.value)


@dataclass(frozen=True)
class ParseProblem:
    """A file that could not be read or parsed; becomes a located finding."""

    path: str
    message: str
    span: Span
    kind: str  # "syntax" (malformed content) or "read" (binary, encoding, size, I/O, symlink)


@dataclass(frozen=True)
class Backend:
    path: str
    body: Body

    def attr(self, name: str) -> Optional[Attribute]:
        return self.body.get(name)

    @property
    def profile(self) -> Optional[Attribute]:
        return self.body.get("profile")

    @property
    def profile_value(self) -> Optional[str]:
        return literal_str(self.profile)


@dataclass(frozen=True)
class Account:
    directory: str  # top-level directory name
    name: str  # `environment` from account.tfvars, else the directory name
    environment: Optional[Attribute]
    sso_role: Optional[Attribute]
    account_tfvars: Optional[str]
    backend_path: str
    backend: Optional[Backend]  # None when backend.tfvars is missing or unparsable
    layers: tuple[str, ...]  # repo-relative layer directories
    is_management: bool = False

    @property
    def identities_layer(self) -> str:
        return f"{self.directory}/global/base-identities"


@dataclass(frozen=True)
class Role:
    """An iam-assumable-role module of a base-identities layer."""

    account: str  # account directory
    path: str
    block: Block
    kind: str  # oaar|devops|admin|secops|finops|auditor|machine|service|other
    oidc: bool

    @property
    def module_name(self) -> str:
        return self.block.label

    def attr(self, name: str) -> Optional[Attribute]:
        return self.block.body.get(name)

    @property
    def role_name(self) -> Optional[str]:
        return literal_str(self.attr("role_name"))

    @property
    def requires_mfa(self) -> Optional[Attribute]:
        return self.attr("role_requires_mfa")

    @property
    def mfa_state(self) -> str:
        """true | false | absent | null | expression: the guide's one rule (guide/facts.py)."""
        return mfa_truth(self.requires_mfa)


@dataclass(frozen=True)
class Output:
    path: str
    block: Block

    @property
    def name(self) -> str:
        return self.block.label

    @property
    def value(self) -> Optional[Attribute]:
        return self.block.body.get("value")

    @property
    def sensitive(self) -> Optional[Attribute]:
        return self.block.body.get("sensitive")


@dataclass(frozen=True)
class User:
    """An iam-user module (one block may create many users through for_each)."""

    account: str
    path: str
    block: Block
    user_names: Optional[tuple[Located[str], ...]]  # resolved for_each keys; None if unknown

    def attr(self, name: str) -> Optional[Attribute]:
        return self.block.body.get(name)


@dataclass(frozen=True)
class Group:
    """An iam-group-with-policies module."""

    account: str
    path: str
    block: Block

    def attr(self, name: str) -> Optional[Attribute]:
        return self.block.body.get(name)


@dataclass(frozen=True)
class IdentityLayer:
    account: str
    directory: str
    roles: tuple[Role, ...]
    users: tuple[User, ...]
    groups: tuple[Group, ...]
    key_files: frozenset[str]  # file names present in keys/


@dataclass(frozen=True)
class LayerProfile:
    """A `profile = ...` line of a layer's config.tf/locals.tf, read as the MFA entrypoint does."""

    account: str
    layer: str
    path: str
    expression: str
    span: Span  # the value
    resolved: Optional[str]  # after var.profile / var.project substitution; None if unknown


@dataclass(frozen=True)
class ShortNameSource:
    origin: str  # "config/common.tfvars", "build.env", "project.yaml", ...
    value: str
    span: Span


@dataclass(frozen=True)
class State:
    """Mode and phase of the guide (leverage-domain.md §5.3)."""

    mode: str  # iam | sso | unknown (sso_enabled cannot be read: nothing mode-dependent is guessed)
    mfa_enabled: bool
    phase: str  # p0 | p1 | p2 | sso | transitional | unknown
    target_phase: str  # p0 | p1 | p2 | sso | unknown
    target_from_config: bool = False
    markers: tuple[str, ...] = ()  # human-readable facts the phase was inferred from
    cli: CliGeneration = UNKNOWN  # which Leverage CLI reads the files (decides what MFA_ENABLED means)


@dataclass(frozen=True)
class Project:
    root: Path
    sources: Mapping[str, SourceFile]
    documents: Mapping[str, HclDocument]
    build_envs: tuple[EnvFile, ...]
    project_yaml: Optional[YamlValue]
    common_path: Optional[str]
    common: Optional[HclDocument]
    accounts: tuple[Account, ...]
    identity_layers: tuple[IdentityLayer, ...]
    outputs: tuple[Output, ...]
    layer_profiles: tuple[LayerProfile, ...]
    short_names: tuple[ShortNameSource, ...]
    disabled_layers: tuple[str, ...]
    problems: tuple[ParseProblem, ...]
    files: tuple[str, ...]
    state: State = field(default_factory=lambda: State("iam", False, "p0", "p0"))
    records: Records = NO_RECORDS  # applies and confirmations a person recorded (never inferred)

    @property
    def short_name(self) -> Optional[str]:
        return self.short_names[0].value if self.short_names else None

    @property
    def root_env(self) -> Optional[EnvFile]:
        return next((env for env in self.build_envs if env.directory == ""), None)

    @property
    def management(self) -> Optional[Account]:
        return next((account for account in self.accounts if account.is_management), None)

    @property
    def roles(self) -> tuple[Role, ...]:
        return tuple(role for layer in self.identity_layers for role in layer.roles)

    def account(self, directory: str) -> Optional[Account]:
        return next((a for a in self.accounts if a.directory == directory), None)

    def common_attr(self, name: str) -> Optional[Attribute]:
        return self.common.body.get(name) if self.common is not None else None

    def expr(self, path: str, start: int, end: int) -> str:
        return self.sources[path].text[start:end]


__all__ = [
    "Account",
    "Attribute",
    "Backend",
    "Block",
    "Body",
    "Expr",
    "Group",
    "IdentityLayer",
    "LayerProfile",
    "Located",
    "Output",
    "ParseProblem",
    "Project",
    "Role",
    "ShortNameSource",
    "Span",
    "State",
    "User",
    "literal_bool",
    "literal_str",
]
