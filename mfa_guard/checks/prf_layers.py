"""PRF010: layer provider profiles (config.tf/locals.tf) that name an account the project lacks."""

from __future__ import annotations

from collections.abc import Iterator

from mfa_guard.checks.base import CheckContext
from mfa_guard.checks.prf_names import known_accounts, short_name
from mfa_guard.findings import Violation
from mfa_guard.profiles import parse_profile

BACKEND_PROFILE = frozenset({"var.profile", '"${var.profile}"'})


def layer_unknown_account(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    short = short_name(project)
    if short is None:
        return
    known = known_accounts(project)
    for profile in project.layer_profiles:
        if profile.resolved is None or profile.expression.strip() in BACKEND_PROFILE:
            # Unknown values are never guessed; `var.profile` is the backend profile, which
            # PRF001/PRF013 already judge (reporting it again in every layer is noise).
            continue
        name = parse_profile(profile.resolved)
        if name.prefix != short or name.account is None or name.account in known:
            continue
        listing = ", ".join(sorted(known)) or "none"
        yield Violation(
            profile.span,
            f"{profile.path} uses profile {profile.resolved!r} for account {name.account!r}, which is not an account of this project (known: {listing})",
            address=f"{profile.path}:profile:{profile.resolved}",
        )
