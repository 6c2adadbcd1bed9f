"""The check functions rules refer to by name. An explicit registry: nothing registers on import."""

from __future__ import annotations

from mfa_guard.checks import backends, dockerless, env, files, generic, local, mfa, outputs, passes, profiles, roles
from mfa_guard.checks.base import CheckSpec

# One module per family; each exposes CHECKS = {check name: CheckSpec}.
REGISTRY: dict[str, CheckSpec] = {
    **files.CHECKS,
    **env.CHECKS,
    **mfa.CHECKS,
    **backends.CHECKS,
    **profiles.CHECKS,
    **roles.CHECKS,
    **outputs.CHECKS,
    **local.CHECKS,
    **dockerless.CHECKS,
    **generic.CHECKS,
    **passes.CHECKS,  # SUP/BAS rules: produced by the suppression and baseline passes
}
