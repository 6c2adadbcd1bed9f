"""PRF011/012/013/015: backend state naming, account directory vs `environment`, unusable backends,
an SSO account without `sso_role`."""

from __future__ import annotations

from collections.abc import Iterator

from mfa_guard.checks.base import CheckContext
from mfa_guard.checks.prf_names import short_name
from mfa_guard.checks.wiring import sso_meant
from mfa_guard.findings import Violation
from mfa_guard.guide import commands
from mfa_guard.guide.failures import failure
from mfa_guard.model import Account, Project, literal_str
from mfa_guard.span import Span

STATE_KEYS = ("bucket", "dynamodb_table")


def _file_start(project: Project, path: str) -> Span:
    source = project.sources.get(path)
    return source.index.span(path, 0, 0) if source is not None else Span.whole_file(path)


def _parsed(project: Project, path: str) -> bool:
    """Unparsable or unreadable files are PAR001/PAR002 findings; never report them twice."""
    return path in project.documents


def backend_naming(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    short = short_name(project)
    if short is None:
        return
    keys = ctx.params.get("keys") or STATE_KEYS
    for account in project.accounts:
        if account.backend is None:
            continue
        expected = f"{short}-{account.name}-terraform-backend"
        for key in keys:
            attribute = account.backend.attr(key)
            if attribute is None:
                if key == "bucket":  # dynamodb_table is optional (S3 native locking)
                    yield Violation(
                        _file_start(project, account.backend_path),
                        f"{account.backend_path} has no bucket, so `{commands.INIT}` cannot find the state",
                        address=f"{account.backend_path}:{key}",
                    )
                continue
            value = literal_str(attribute)
            if value is None or value == expected:
                continue
            yield Violation(
                attribute.value.span,
                f"{key} is {value!r}, not {expected!r} (short name {short!r}, account {account.name!r})",
                address=f"{account.backend_path}:{key}",
            )


def dir_env_mismatch(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    for account in project.accounts:
        path = account.account_tfvars
        if path is None or not _parsed(project, path):
            continue
        environment = account.environment
        if environment is None:
            yield Violation(
                _file_start(project, path),
                f"{path} has no `environment`, which `{commands.VALIDATE_LAYOUT}` requires",
                address=f"{path}:environment",
            )
            continue
        value = literal_str(environment)
        if value is None or value == account.directory:
            continue
        yield Violation(
            environment.value.span,
            f"directory {account.directory}/ holds the account with environment {value!r}",
            address=f"{path}:environment",
        )


def sso_role_missing(ctx: CheckContext) -> Iterator[Violation]:
    """Both CLI generations build the SSO token path as `sso/cache / sso_role` before anything else
    (3.x auth.py `check_sso_token`, 2.x container.py `_check_sso_token`): without the key that is
    `Path / None`, a TypeError in every command that authenticates in the account's layers."""
    project = ctx.project
    if not sso_meant(project):
        return  # IAM mode needs no sso_role; a quoted sso_enabled is MFA004's
    for account in project.accounts:
        path = account.account_tfvars
        if not account.layers or account.sso_role is not None:
            continue
        if path is not None and not _parsed(project, path):
            continue  # unparsable: PAR001/PAR002, the key may well be there
        where = path or f"{account.directory}/config/account.tfvars"
        missing = f"{where} has no `sso_role`" if path else f"there is no {where}, so no `sso_role`"
        yield Violation(
            _file_start(project, path or account.backend_path),
            f"SSO is on, but {missing}: `{commands.INIT}`, plan and apply in {account.directory}/ crash "
            "(TypeError, exit 1) before any credentials are refreshed",
            address=f"{where}:sso_role",
        )


def backend_unparsable(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    yield from _missing_backends(project)
    for account in project.accounts:
        if account.backend is None:
            continue  # missing is impossible here (it defines the account); unparsable is PAR001/PAR002
        yield from _duplicates(account)
        yield from _profile_problems(project, account)


def _missing_backends(project: Project) -> Iterator[Violation]:
    """Top-level directories that look like accounts (config/account.tfvars) without a backend."""
    known = {account.directory for account in project.accounts}
    for path in project.files:
        parts = path.split("/")
        if len(parts) == 3 and parts[1:] == ["config", "account.tfvars"] and parts[0] not in known:
            if parts[0] == "config":
                continue
            yield Violation(
                _file_start(project, path),
                f"{parts[0]}/ has config/account.tfvars but no config/backend.tfvars",
                address=f"{parts[0]}/config/backend.tfvars",
            )


def _duplicates(account: Account) -> Iterator[Violation]:
    assert account.backend is not None
    body = account.backend.body
    for attribute in body.duplicates():
        first = next(a for a in body.attributes if a.name == attribute.name)
        yield Violation(
            attribute.name_span,
            f"`{attribute.name}` is set again (first on line {first.name_span.line})",
            address=f"{account.backend_path}:{attribute.name}",
        )


def _profile_problems(project: Project, account: Account) -> Iterator[Violation]:
    assert account.backend is not None
    attribute = account.backend.profile
    address = f"{account.backend_path}:profile"
    if attribute is None:
        yield Violation(
            _file_start(project, account.backend_path),
            f"{account.backend_path} has no `profile`, so {failure('no_backend_profile', project.state.cli)} for {account.name}",
            address=address,
        )
    elif attribute.value.kind != "string":
        yield Violation(
            attribute.value.span,
            f"profile is `{attribute.value.text}`, not a plain string (tfvars files cannot hold expressions)",
            address=address,
        )
    elif not literal_str(attribute):
        yield Violation(attribute.value.span, "profile is an empty string", address=address)
