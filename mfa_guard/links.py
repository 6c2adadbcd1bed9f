"""Where the project lives on the web: one constant, and the pages derived from it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mfa_guard import __version__

if TYPE_CHECKING:
    from mfa_guard.rules import Rule

REPOSITORY_URL = "https://github.com/mfa-guard/mfa-guard"
RULE_DOCS_DIR = "docs/rules"


def release_tag(version: str = __version__) -> str:
    return f"v{version}"


def rule_doc_url(rule_id: str, version: str = __version__) -> str:
    """The rule's generated page at the release's tag: what a SARIF viewer links to never changes under it."""
    return f"{REPOSITORY_URL}/blob/{release_tag(version)}/{RULE_DOCS_DIR}/{rule_id}.md"


def has_page(rule: Rule) -> bool:
    """Built-in rules have a page; a team's own rule files do not."""
    from mfa_guard.rules import builtin_rules_dir

    return not rule.source or Path(rule.source).parent == builtin_rules_dir()
