"""base-identities layers: assumable roles, IAM users, groups and GPG key files."""

from __future__ import annotations

import re
from typing import Optional

from mfa_guard.load.reader import Reader, duplicate_problems
from mfa_guard.model import Account, Group, IdentityLayer, Role, User, literal_str
from mfa_guard.parse.hcl_types import Block, Expr, HclDocument
from mfa_guard.span import Located

_MODULE_KINDS = ("iam-assumable-role", "iam-user", "iam-group-with-policies")
_TRIGGERS = re.compile(r"iam-assumable-role|iam-user|iam-group-with-policies|\blocals\b")
_LOCAL_REF = re.compile(r"^(?:toset\(\s*)?local\.([A-Za-z_][A-Za-z0-9_-]*)\s*\)?$")

# Role kind by the role it creates: `role_name` literal first, then words of the module name.
_ROLE_NAMES = {
    "organizationaccountaccessrole": "oaar",
    "devops": "devops",
    "admin": "admin",
    "secops": "secops",
    "finops": "finops",
    "auditor": "auditor",
}
# Machine words come before `auditor`/`admin`: `iam_assumable_role_drata_auditor` is a third-party
# integration (must stay without MFA, §3), not the human Auditor role.
_MODULE_WORDS = (
    ("oaar", "oaar"),
    ("devops", "devops"),
    ("secops", "secops"),
    ("finops", "finops"),
    ("deploy_master", "machine"),
    ("deploymaster", "machine"),
    ("atlantis", "machine"),
    ("grafana", "machine"),
    ("lambda", "machine"),
    ("north_cloud", "machine"),
    ("drata", "machine"),
    ("github", "machine"),
    ("auditor", "auditor"),
    ("admin", "admin"),
    ("service", "service"),
)


def module_kind(block: Block) -> Optional[str]:
    source = literal_str(block.body.get("source")) or ""
    if "iam-assumable-role" in source:
        return "iam-assumable-role"
    for kind in _MODULE_KINDS[1:]:
        if re.search(rf"{kind}(?![\w-])", source):
            return kind
    return None


def role_kind(block: Block) -> str:
    if block.body.get("trusted_role_services") is not None:
        return "service"
    role_name = (literal_str(block.body.get("role_name")) or "").lower()
    if role_name in _ROLE_NAMES:
        return _ROLE_NAMES[role_name]
    module_name = block.label.lower()
    return next((kind for word, kind in _MODULE_WORDS if word in module_name), "other")


def load_identity_layer(reader: Reader, account: Account) -> Optional[IdentityLayer]:
    directory = account.identities_layer
    if directory not in account.layers:
        return None
    children = reader.index.children(directory)
    documents: list[HclDocument] = []
    for relpath in children:
        if not relpath.endswith(".tf"):
            continue
        source = reader.text(relpath)
        if source is not None and _TRIGGERS.search(source.text):
            document = reader.hcl(relpath)
            if document is not None:
                documents.append(document)
    locals_ = _locals(documents)
    roles, users, groups = [], [], []
    for document in documents:
        for block in document.body.blocks_of("module"):
            kind = module_kind(block)
            if kind is not None:
                reader.problems.extend(duplicate_problems(document.path, block.body))
            if kind == "iam-assumable-role":
                module_source = literal_str(block.body.get("source")) or ""
                oidc = "with-oidc" in module_source
                roles.append(Role(account.directory, document.path, block, role_kind(block), oidc))
            elif kind == "iam-user":
                users.append(User(account.directory, document.path, block, _user_names(block, locals_)))
            elif kind == "iam-group-with-policies":
                groups.append(Group(account.directory, document.path, block))
    key_files = frozenset(f.rpartition("/")[2] for f in reader.index.children(f"{directory}/keys"))
    return IdentityLayer(account.directory, directory, tuple(roles), tuple(users), tuple(groups), key_files)


def _locals(documents: list[HclDocument]) -> dict[str, Expr]:
    found: dict[str, Expr] = {}
    for document in documents:
        for block in document.body.blocks_of("locals"):
            for attribute in block.body.attributes:
                found[attribute.name] = attribute.value
    return found


def _user_names(block: Block, locals_: dict[str, Expr]) -> Optional[tuple[Located[str], ...]]:
    """The IAM user names a module creates, when they are written literally; else None."""
    for_each = block.body.get("for_each")
    if for_each is None:
        name = block.body.get("name")
        value = literal_str(name)
        return (Located(value, name.value.span),) if value is not None and name is not None else None
    expression = for_each.value
    match = _LOCAL_REF.match(expression.text.strip())
    if match is not None:
        resolved = locals_.get(match.group(1))
        if resolved is None:
            return None
        expression = resolved
    return _names_of(expression)


def _names_of(expression: Expr) -> Optional[tuple[Located[str], ...]]:
    if expression.kind == "object":
        return tuple(Located(item.key, item.key_span) for item in expression.items if item.key and item.key_span)
    if expression.kind == "tuple" and all(item.value.kind == "string" for item in expression.items):
        return tuple(Located(str(item.value.value), item.value.span) for item in expression.items)
    return None
