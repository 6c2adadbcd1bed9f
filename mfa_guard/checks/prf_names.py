"""Shared pieces of the PRF checks: backend profiles as literals, token edits, known accounts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Optional

from mfa_guard.findings import TextEdit
from mfa_guard.model import Account, Attribute, Project, literal_str
from mfa_guard.parse.hcl_types import Expr
from mfa_guard.profiles import ProfileName, parse_profile


@dataclass(frozen=True)
class BackendProfile:
    """A backend.tfvars `profile` written as a plain string, split like the CLI splits it."""

    account: Account
    attribute: Attribute
    name: ProfileName

    @property
    def path(self) -> str:
        return self.account.backend_path

    @property
    def address(self) -> str:
        return f"{self.path}:profile"

    def token_edit(self, part: str, text: str) -> Optional[TextEdit]:
        """Replace the prefix, account segment or suffix inside the quotes, leaving the rest;
        None when the literal is not written verbatim (escapes) or has no such part."""
        value, expr = self.name.text, self.attribute.value
        if expr.text != f'"{value}"' or self.name.suffix is None:
            return None
        first, last = len(self.name.prefix), len(value) - len(self.name.suffix)
        bounds = {"prefix": (0, first), "account": (first + 1, last - 1), "suffix": (last, len(value))}
        if part == "account" and self.name.account is None:
            return None
        start, end = bounds[part]
        return TextEdit(expr.span.path, expr.span.start + 1 + start, expr.span.start + 1 + end, text)


def backend_profiles(project: Project) -> Iterator[BackendProfile]:
    """Every account backend whose profile is a non-empty string literal."""
    for account in project.accounts:
        if account.backend is None:
            continue
        attribute = account.backend.profile
        value = literal_str(attribute)
        if attribute is None or not value:
            continue
        yield BackendProfile(account, attribute, parse_profile(value))


def short_name(project: Project) -> Optional[str]:
    """The short name profiles must start with; None when unknown or not a single token."""
    short = project.short_name
    return short if short and "-" not in short else None


def short_names_disagree(project: Project) -> bool:
    written = {s.value for s in project.short_names if s.origin != "inferred from backend profiles"}
    return len(written) > 1


def known_accounts(project: Project) -> frozenset[str]:
    """Account names profiles may use: directories, `environment`s, the accounts maps of
    common.tfvars (refarch v1 and v2, legacy `<name>_account_id`) and project.yaml."""
    names = {account.directory for account in project.accounts}
    names.update(account.name for account in project.accounts)
    names.update(mapped_accounts(project) or ())
    if project.common is not None:
        for attribute in project.common.body.attributes:
            if attribute.name.endswith("_account_id") and len(attribute.name) > len("_account_id"):
                names.add(attribute.name[: -len("_account_id")])
    names.update(_project_yaml_accounts(project))
    return frozenset(names)


def mapped_accounts(project: Project) -> Optional[frozenset[str]]:
    """Account names of the common.tfvars accounts map(s), the names `leverage credentials
    configure` writes profiles for; None when the project has no such map."""
    names: set[str] = set()
    found = False
    accounts = project.common_attr("accounts")
    if accounts is not None and accounts.value.kind == "object":
        names |= _keys(accounts.value)
        found = True
    organization = project.common_attr("organization")
    if organization is not None and organization.value.kind == "object":
        names |= _organization_accounts(organization.value)
        found = True
    return frozenset(names) if found else None


def _keys(expr: Expr) -> set[str]:
    return {item.key for item in expr.items if item.key} if expr.kind == "object" else set()


def _organization_accounts(expr: Expr) -> set[str]:
    found: set[str] = set()
    accounts = expr.item("accounts")
    if accounts is not None:
        found |= _keys(accounts.value)
    units = expr.item("organizational_units")
    if units is not None and units.value.kind == "object":
        for unit in units.value.items:
            nested = unit.value.item("accounts")
            if nested is not None:
                found |= _keys(nested.value)
    return found


def _project_yaml_accounts(project: Project) -> set[str]:
    if project.project_yaml is None:
        return set()
    node = project.project_yaml.get("organization", "accounts")
    if node is None or not isinstance(node.value, tuple):
        return set()
    return {name for entry in node.value for name in [entry.text("name")] if name}
