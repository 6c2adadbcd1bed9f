"""Which profiles a project uses, which account ids it knows, and which command sets a profile up."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from mfa_guard.guide.commands import configure, reconfigure_in
from mfa_guard.local.model import LocalState
from mfa_guard.model import Account, Project, literal_str
from mfa_guard.phase import at_least
from mfa_guard.profiles import ProfileName, parse_profile
from mfa_guard.span import Span

# The role each CLI-generated suffix points at (`PROFILES` in leverage/modules/credentials.py).
ROLE_OF_SUFFIX = {"oaar": "OrganizationAccountAccessRole", "devops": "DevOps"}
# The credential type whose run writes profiles with that suffix, and the account of its user.
BASE_ACCOUNT = {"bootstrap": "management", "management": "management", "security": "security"}
ARN = re.compile(r"^arn:aws[a-z-]*:iam::(?P<account>[0-9]{12}):(?P<kind>role|mfa)/(?:.*/)?(?P<name>[^/]+)$")


@dataclass(frozen=True)
class Use:
    """A profile the project uses: in a backend.tfvars or a layer's config.tf/locals.tf."""

    profile: ProfileName
    account: Account  # the account whose backend or layer names it
    span: Span
    where: str  # `management/config/backend.tfvars`


def used_profiles(project: Project) -> list[Use]:
    """One entry per profile name, at its first use (backends first, then layer providers)."""
    seen: dict[str, Use] = {}
    for account in project.accounts:
        attribute = account.backend.profile if account.backend else None
        value = literal_str(attribute)
        if value and attribute is not None and value not in seen:
            seen[value] = Use(parse_profile(value), account, attribute.value.span, account.backend_path)
    for layer_profile in project.layer_profiles:
        owner = project.account(layer_profile.account)
        value = layer_profile.resolved
        if value and owner is not None and value not in seen:
            seen[value] = Use(parse_profile(value), owner, layer_profile.span, layer_profile.path)
    short = project.short_name
    # A profile of another short name lives in another ~/.aws/<x> directory (PRF002 reports it).
    return [use for use in seen.values() if short is None or use.profile.prefix == short]


def account_ids(project: Project) -> dict[str, str]:
    """Account name -> id from the accounts map, `<name>_account_id`, then project.yaml (§1.5)."""
    ids: dict[str, str] = {}
    accounts = project.common_attr("accounts")
    if accounts is not None and accounts.value.kind == "object":
        for item in accounts.value.items:
            entry = item.value.item("id") if item.key else None
            value = _id_text(entry.value.value) if entry is not None and entry.value.is_literal else None
            if item.key and value:
                ids.setdefault(item.key, value)
    if project.common is not None:
        for attribute in project.common.body.attributes:
            if attribute.name.endswith("_account_id") and attribute.value.is_literal:
                value = _id_text(attribute.value.value)
                if value:
                    ids.setdefault(attribute.name[: -len("_account_id")], value)
    organization = project.project_yaml.get("organization", "accounts") if project.project_yaml else None
    if organization is not None and isinstance(organization.value, tuple):
        for node in organization.value:
            name, value = node.text("name"), _id_text(node.text("id"))
            if name and value:
                ids.setdefault(name, value)
    return ids


def _id_text(value: object) -> Optional[str]:
    """CI writes unquoted numeric ids, which lose their leading zeros: restore the 12 digits."""
    if isinstance(value, bool) or value is None:
        return None
    text = str(int(value)) if isinstance(value, (int, float)) else str(value).strip()
    return text.zfill(12) if text.isdigit() and len(text) <= 12 else None


def account_id(project: Project, name: Optional[str]) -> Optional[str]:
    if name is None:
        return None
    ids = account_ids(project)
    if name in ids:
        return ids[name]
    account = next((a for a in project.accounts if a.directory == name or a.name == name), None)
    return ids.get(account.name) or ids.get(account.directory) if account is not None else None


def credential_type(project: Project, profile: ProfileName) -> Optional[str]:
    """The `--type` whose run writes this profile; None for hand-written profiles."""
    if profile.account is None:
        return profile.suffix.upper() if profile.suffix in BASE_ACCOUNT else None
    if profile.suffix == "devops":
        return "SECURITY"
    if profile.suffix == "oaar":
        return "MANAGEMENT" if at_least(project.state, "p1") else "BOOTSTRAP"
    return None


def configure_command(project: Project, local: LocalState, kind: str) -> str:
    """The exact `credentials configure` run for that type, given what the files already hold."""
    base = local.credentials.section(f"{project.short_name}-{kind.lower()}")
    # a section with incomplete keys is overwritten; without a section the keys are asked for
    return configure(
        kind,
        fetch_mfa=project.state.mfa_enabled,
        skip_keys=base is not None and base.has_keys,
        overwrite=base is not None and not base.has_keys,
    )


def command_for(project: Project, local: LocalState, profile: ProfileName) -> Optional[str]:
    kind = credential_type(project, profile)
    return configure_command(project, local, kind) if kind else None


def reinit_command(layer: str) -> str:
    return reconfigure_in(layer)


def parse_arn(value: Optional[str]) -> Optional[re.Match[str]]:
    return ARN.match(value) if value else None
