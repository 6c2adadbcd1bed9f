"""A project whose account names do not sort in the guide's order: `root` is the management
account (sorted third), then `security`, `shared`, and `apps-devstg` (sorted first)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Callable

from tests.fixture_tree import materialise

ORDER = ("root", "security", "shared", "apps-devstg")
ROLES = "{}/global/base-identities/roles.tf"
LAYER = "{}/global/base-identities"
BACKEND = "{}/config/backend.tfvars"


def _rename(tree: Path, old: str, new: str) -> None:
    for path in tree.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            path.write_text(re.sub(rf"\b{old}\b", new, text), encoding="utf-8")


def guide_project(destination: Path) -> Path:
    root = materialise("p0", destination)
    (root / "management").rename(root / "root")
    _rename(root / "root", "management", "root")
    shutil.copytree(root / "shared", root / "apps-devstg")
    _rename(root / "apps-devstg", "shared", "apps-devstg")
    common = root / "config" / "common.tfvars"
    text = common.read_text(encoding="utf-8").replace("management", "root")
    text = text.replace(
        "  shared = {",
        '  apps-devstg = {\n    email = "aws+apps-devstg@example.com",\n    id    = "000123456792"\n  },\n  shared = {',
    )
    common.write_text(text, encoding="utf-8")
    for account in ORDER[1:]:
        roles = root / ROLES.format(account)
        roles.write_text(
            roles.read_text(encoding="utf-8").replace("accounts.management.", "accounts.root."), encoding="utf-8"
        )
    project_yaml = root / "project.yaml"
    project_yaml.write_text(project_yaml.read_text(encoding="utf-8").replace("management", "root"), encoding="utf-8")
    return root


def edit(root: Path, relpath: str, old: str, new: str) -> None:
    path = root / relpath
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (relpath, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def require_mfa(root: Path, account: str) -> None:
    edit(root, ROLES.format(account), "role_requires_mfa    = false", "role_requires_mfa    = true")


def set_profile(root: Path, account: str, profile: str) -> None:
    path = root / BACKEND.format(account)
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'profile = "[^"]*"', f'profile = "{profile}"', text), encoding="utf-8")


def set_mfa(root: Path, value: str) -> None:
    path = root / "build.env"
    path.write_text(
        re.sub(r"MFA_ENABLED=\w+", f"MFA_ENABLED={value}", path.read_text(encoding="utf-8")), encoding="utf-8"
    )


def record(root: Path, *args: str) -> None:
    """`mfa-guard plan --applied ACCOUNT` / `--confirm WHAT`, as the person following the guide runs it."""
    from mfa_guard.cli import main

    assert main(["plan", str(root), *args]) == 0


def _apply(account: str) -> Callable[[Path], None]:
    return lambda root: record(root, "--applied", account)


def _oaar(account: str) -> Callable[[Path], None]:
    return lambda root: require_mfa(root, account)


def _devops(account: str) -> Callable[[Path], None]:
    return lambda root: set_profile(root, account, f"me-{account}-devops")


def _switch(root: Path) -> None:
    set_profile(root, "root", "me-root-oaar")
    set_mfa(root, "true")


# The guide commit by commit (each step applied on top of the previous ones): every state on the path.
WALK: list[tuple[str, Callable[[Path], None]]] = [
    ("P0", lambda root: None),
    ("management users' MFA devices confirmed", lambda root: record(root, "--confirm", "management-mfa")),
    *[
        step
        for account in ORDER
        for step in ((f"{account} OAAR requires MFA", _oaar(account)), (f"{account} apply recorded", _apply(account)))
    ],
    ("management backend switched with MFA_ENABLED=true", _switch),
    ("security users' MFA devices confirmed", lambda root: record(root, "--to", "p2", "--confirm", "security-mfa")),
    *[(f"{account} backend on DevOps", _devops(account)) for account in ORDER[1:]],
]


def _all_oaars_then(account: str, profile: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        for name in ORDER:
            require_mfa(root, name)
        set_profile(root, account, profile)

    return mutate


def _secret_output_on_the_path(root: Path) -> None:
    require_mfa(root, "root")
    edit(root, "root/global/base-identities/outputs.tf", "sensitive   = true", "sensitive   = false")


# States off the path, each from a fresh P0 project: they break the CLI or the guide's order.
OFF_PATH: list[tuple[str, Callable[[Path], None]]] = [
    ("MFA on with the bootstrap backend", lambda root: set_mfa(root, "true")),
    ("management backend switched while no OAAR requires MFA", lambda root: set_profile(root, "root", "me-root-oaar")),
    ("security's OAAR before management's", _oaar("security")),
    ("backend switched while MFA is off", _all_oaars_then("root", "me-root-oaar")),
    ("a DevOps backend before P1", _all_oaars_then("shared", "me-shared-devops")),
    ("a real error while on the path (OUT001)", _secret_output_on_the_path),
]
