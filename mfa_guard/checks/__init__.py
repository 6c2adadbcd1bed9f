"""The check functions rules refer to by name. An explicit registry: nothing registers on import."""

from __future__ import annotations

from mfa_guard.checks import env, files, generic, mfa, outputs, profiles, roles
from mfa_guard.checks.base import CheckSpec

REGISTRY: dict[str, CheckSpec] = {
    **files.CHECKS,
    **env.CHECKS,
    **mfa.CHECKS,
    **roles.CHECKS,
    **outputs.CHECKS,
    **profiles.CHECKS,
    **generic.CHECKS,
}
