"""Every companion command mfa-guard prints, in one place, shell-quoted.

A printed command is pasted into a shell: every path and argument goes through `shlex.quote`, so a
directory named `$(...)`, with backticks or quotes, is a literal word, never code.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from typing import Optional

LEVERAGE = "leverage"
APPLY = "leverage tf apply"
INIT = "leverage tf init"
REINIT = f"{INIT} -reconfigure"
VALIDATE_LAYOUT = "leverage tf validate-layout"
CONFIGURE = "leverage credentials configure"
CONFIGURE_SSO = "leverage aws configure sso"
IMPORT_OAAR = (
    "leverage tf import " + shlex.quote("module.iam_assumable_role_oaar.aws_iam_role.this[0]") + " "
    "OrganizationAccountAccessRole"
)
RECORD = "mfa-guard plan --applied"
# Which `--type` writes which role profile suffix (`PROFILES` in leverage/modules/credentials.py).
TYPE_OF_SUFFIX = {"oaar": "MANAGEMENT", "devops": "SECURITY"}
CREDENTIAL_TYPES = ("BOOTSTRAP", "MANAGEMENT", "SECURITY")


def in_directory(directory: str, command: str) -> str:
    """`cd DIR && COMMAND`, DIR quoted; the root ("" or ".") needs no cd."""
    if directory in ("", "."):
        return command
    return f"cd {shlex.quote(directory)} && {command}"


def apply_in(layer: str) -> str:
    return in_directory(layer, APPLY)


def reconfigure_in(layer: str) -> str:
    return in_directory(layer, REINIT)


def reconfigure_all(layers: Iterable[str]) -> str:
    """One line for every initialised layer of an account: `(cd A && ...) && (cd B && ...)`."""
    listed = list(layers)
    if len(listed) == 1:
        return reconfigure_in(listed[0])
    return " && ".join(f"({reconfigure_in(layer)})" for layer in listed) if listed else REINIT


def reconfigure_account(directory: str) -> str:
    """Prose for a finding: which layers need it is only known with --local (LOC008)."""
    return f"`{REINIT}` in each initialised layer of {shlex.quote(directory)}/"


def configure(kind: str, *, fetch_mfa: bool = True, skip_keys: bool = True, overwrite: bool = False) -> str:
    """`leverage credentials configure --type KIND [...]`; `kind` is one of CREDENTIAL_TYPES."""
    if kind not in CREDENTIAL_TYPES:
        raise ValueError(f"unknown credential type {kind!r}")
    parts = [CONFIGURE, "--type", kind]
    if fetch_mfa and kind != "BOOTSTRAP":
        parts.append("--fetch-mfa-device")
    if overwrite:
        parts.append("--overwrite-existing-credentials")
    elif skip_keys:
        parts.append("--skip-access-keys-setup")
    return " ".join(parts)


def configure_for_suffix(suffix: str) -> str:
    """The run that writes `-oaar` (MANAGEMENT) or `-devops` (SECURITY) profiles with the MFA device."""
    return configure(TYPE_OF_SUFFIX[suffix])


def record_apply(layer: str) -> str:
    return f"{RECORD} {shlex.quote(layer)}"


def import_oaar_in(layer: str) -> str:
    return in_directory(layer, IMPORT_OAAR)


def confirm(what: str) -> str:
    return f"mfa-guard plan --confirm {shlex.quote(what)}"


def empty_mfa_flag_in(directory: str, written_on: Optional[int] = None) -> str:
    """Give DIR/build.env `MFA_ENABLED=` (the value that turns the 3.x CLI's MFA step off): appended,
    or, when the file already assigns a value on line `written_on`, by emptying that value; an empty
    assignment appended after a non-empty one does not override it (yaenv keeps the earlier value)."""
    path = directory + "/build.env"
    if written_on is not None:
        return (
            f"empty MFA_ENABLED on line {written_on} of {path} (make it `MFA_ENABLED=`: an empty one "
            "appended after it would not override it)"
        )
    return f"printf 'MFA_ENABLED=\\n' >> {shlex.quote(path)}"


def export_gpg_key(key_name: str, path: str) -> str:
    """Write a user's base64-encoded GPG public key where `pgp_key = file(...)` reads it."""
    return f"gpg --export {shlex.quote(f'<{key_name} key id>')} | base64 > {shlex.quote(path)}"
