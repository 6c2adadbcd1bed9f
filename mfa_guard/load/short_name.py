"""The project short name from every source the Leverage CLI reads (leverage-domain.md §1.4)."""

from __future__ import annotations

from typing import Optional

from mfa_guard.model import Account, ShortNameSource, literal_str
from mfa_guard.parse.dotenv import EnvFile
from mfa_guard.parse.hcl_types import HclDocument
from mfa_guard.parse.yamlfile import YamlValue


def short_name_sources(
    common: Optional[HclDocument],
    root_env: Optional[EnvFile],
    project_yaml: Optional[YamlValue],
    accounts: tuple[Account, ...],
) -> tuple[ShortNameSource, ...]:
    """In the CLI's order of precedence; the first one is the name the Terraform side uses."""
    sources = []
    if common is not None:
        project = common.body.get("project")
        value = literal_str(project)
        if value is not None and project is not None:
            sources.append(ShortNameSource(common.path, value, project.value.span))
    if root_env is not None:
        entry = root_env.effective("PROJECT")
        if entry is not None and entry.value:
            sources.append(ShortNameSource(root_env.path, entry.value, entry.value_span))
    if project_yaml is not None:
        node = project_yaml.get("short_name")
        if node is not None and isinstance(node.value, str):
            sources.append(ShortNameSource("project.yaml", node.value, node.span))
    if not sources:
        inferred = _from_backends(accounts)
        if inferred is not None:
            sources.append(inferred)
    return tuple(sources)


def _from_backends(accounts: tuple[Account, ...]) -> Optional[ShortNameSource]:
    """Last resort: the common first dash-separated token of the backend profiles."""
    profiles = [(a, a.backend.profile) for a in accounts if a.backend is not None and a.backend.profile_value]
    prefixes = {str(a.backend.profile_value).split("-", 1)[0] for a, _ in profiles if a.backend}
    if len(prefixes) != 1 or not profiles:
        return None
    _, attribute = profiles[0]
    assert attribute is not None
    prefix = next(iter(prefixes))
    return ShortNameSource("inferred from backend profiles", prefix, attribute.value.span)
