"""Accounts: top-level directories with config/backend.tfvars, their backends and layers."""

from __future__ import annotations

from collections import defaultdict
from typing import Optional

from mfa_guard.load.reader import Reader
from mfa_guard.model import Account, Backend, literal_str


def account_directories(files: tuple[str, ...]) -> list[str]:
    return sorted({f.split("/", 1)[0] for f in files if f.count("/") == 2 and f.endswith("/config/backend.tfvars")})


def layers_by_account(files: tuple[str, ...], accounts: list[str]) -> dict[str, list[str]]:
    """A layer is a directory below an account (not its config/) holding *.tf files."""
    wanted = set(accounts)
    layers: dict[str, set[str]] = defaultdict(set)
    for relpath in files:
        top, _, rest = relpath.partition("/")
        if top in wanted and rest.endswith(".tf") and "/" in rest and not rest.startswith("config/"):
            layers[top].add(relpath.rsplit("/", 1)[0])
    return {account: _roots(found) for account, found in layers.items()}


def _roots(directories: set[str]) -> list[str]:
    """Without child-module directories: a directory below a layer (`<layer>/modules/x`) is the
    layer's own module, not a layer the CLI runs in."""
    result: list[str] = []
    for directory in sorted(directories):
        if not any(directory.startswith(f"{layer}/") for layer in result):
            result.append(directory)
    return result


def management_directory(
    accounts: list[str],
    layers: dict[str, list[str]],
    override: Optional[str],
    names: Optional[dict[str, str]] = None,
) -> Optional[str]:
    """Configured, else the account with global/organizations, else the one named `management`,
    else `root` (the directory name or its `environment`, e.g. dir `mgmt/` with environment management)."""
    if override:
        return override if override in accounts else None
    for account in accounts:
        if f"{account}/global/organizations" in layers.get(account, ()):
            return account
    names = names or {}
    for name in ("management", "root"):
        found = [a for a in accounts if a == name] or [a for a in accounts if names.get(a) == name]
        if found:
            return found[0]
    return None


def load_accounts(reader: Reader, management_override: Optional[str]) -> tuple[Account, ...]:
    files = reader.index.files
    directories = account_directories(files)
    layers = layers_by_account(files, directories)
    docs = {
        d: reader.hcl(f"{d}/config/account.tfvars") if reader.index.exists(f"{d}/config/account.tfvars") else None
        for d in directories
    }
    names = {d: literal_str(doc.body.get("environment")) or d if doc else d for d, doc in docs.items()}
    management = management_directory(directories, layers, management_override, names)
    accounts = []
    for directory in directories:
        backend_path = f"{directory}/config/backend.tfvars"
        document = reader.hcl(backend_path)
        account_tfvars = f"{directory}/config/account.tfvars"
        account_doc = docs[directory]
        environment = account_doc.body.get("environment") if account_doc else None
        accounts.append(
            Account(
                directory=directory,
                name=literal_str(environment) or directory,
                environment=environment,
                sso_role=account_doc.body.get("sso_role") if account_doc else None,
                account_tfvars=account_tfvars if reader.index.exists(account_tfvars) else None,
                backend_path=backend_path,
                backend=Backend(backend_path, document.body) if document else None,
                layers=tuple(layers.get(directory, ())),
                is_management=directory == management,
            )
        )
    return tuple(accounts)
