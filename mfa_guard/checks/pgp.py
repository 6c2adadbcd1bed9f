"""OUT003/OUT004: IAM users' secrets must be PGP-encrypted, with the key files they name present."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import Optional

from mfa_guard.checks.base import CheckContext
from mfa_guard.checks.blocks import bool_state, header_span
from mfa_guard.findings import Violation
from mfa_guard.guide import commands
from mfa_guard.model import Located, Project, User
from mfa_guard.span import Span

# iam-user defaults (terraform-aws-iam v4 and v5): both true, pgp_key "" (no encryption).
_CREATES = (
    ("create_iam_user_login_profile", "a console password"),
    ("create_iam_access_key", "an access key"),
)
_FILE_CALL = re.compile(r'^file\(\s*"(?P<path>[^"]*)"\s*\)$')
_MODULE_DIR = re.compile(r"^\$\{path\.(?:module|root)\}/")
EACH_KEY = "${each.key}"


def _without_pgp(user: User) -> bool:
    attribute = user.attr("pgp_key")
    if attribute is None:
        return True
    expr = attribute.value
    return expr.kind == "null" or (expr.kind == "string" and not expr.value)


def user_without_pgp_key(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    for layer in project.identity_layers:
        for user in layer.users:
            if bool_state(user.attr("create_user")) == "false" or not _without_pgp(user):
                continue  # an expression pgp_key (var.x) is never guessed to be empty
            created = []
            for name, what in _CREATES:
                state = bool_state(user.attr(name))
                if state == "true":
                    created.append(f"{what} ({name} = true)")
                elif state == "absent":
                    created.append(f"{what} ({name} not set: module default true)")
            if not created:
                continue
            yield Violation(
                header_span(project, user.path, user.block),
                f"module.{user.block.label} creates {' and '.join(created)} without pgp_key",
                address=f"module.{user.block.label}",
            )


def _key_template(user: User) -> Optional[str]:
    """The path template of `pgp_key = file("...")`, relative to the layer; None otherwise."""
    attribute = user.attr("pgp_key")
    if attribute is None or attribute.value.kind != "call":
        return None
    match = _FILE_CALL.match(attribute.value.text.strip())
    return _MODULE_DIR.sub("", match.group("path")) if match else None


def _targets(user: User, template: str) -> list[tuple[str, Optional[Located[str]]]]:
    """(relative key path, user name it was made for) for every user the module creates."""
    if EACH_KEY not in template:
        return [] if "${" in template else [(template, None)]
    names = user.user_names or ()
    paths = [(template.replace(EACH_KEY, name.value), name) for name in names]
    return [(path, name) for path, name in paths if "${" not in path]


def missing_gpg_key_file(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    files = set(project.files)
    for layer in project.identity_layers:
        for user in layer.users:
            template = _key_template(user)
            if template is None:
                continue
            for relative, name in _targets(user, template):
                path = posixpath.normpath(posixpath.join(layer.directory, relative))
                if path.startswith("../") or path in files:
                    continue
                yield _missing(project, user, template, path, name)


def _missing(project: Project, user: User, template: str, path: str, name: Optional[Located[str]]) -> Violation:
    span: Span = name.span if name is not None else header_span(project, user.path, user.block)
    who = f"user `{name.value}`" if name is not None else f"module.{user.block.label}"
    key_name = posixpath.basename(path)
    return Violation(
        span,
        f"{who} has no key file {posixpath.relpath(path, posixpath.dirname(user.path))}, which its "
        f'`pgp_key = file("{template}")` reads',
        companion=commands.export_gpg_key(key_name, path),
        address=f"module.{user.block.label}:{key_name}",
    )
