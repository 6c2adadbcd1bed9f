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
    return {account: sorted(found) for account, found in layers.items()}


def management_directory(accounts: list[str], layers: dict[str, list[str]], override: Optional[str]) -> Optional[str]:
    """Configured, else the account with global/organizations, else `management`, else `root`."""
    if override:
        return override if override in accounts else None
    for account in accounts:
        if f"{account}/global/organizations" in layers.get(account, ()):
            return account
    return next((name for name in ("management", "root") if name in accounts), None)


def load_accounts(reader: Reader, management_override: Optional[str]) -> tuple[Account, ...]:
    files = reader.index.files
    directories = account_directories(files)
    layers = layers_by_account(files, directories)
    management = management_directory(directories, layers, management_override)
    accounts = []
    for directory in directories:
        backend_path = f"{directory}/config/backend.tfvars"
        document = reader.hcl(backend_path)
        account_tfvars = f"{directory}/config/account.tfvars"
        account_doc = reader.hcl(account_tfvars) if reader.index.exists(account_tfvars) else None
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
