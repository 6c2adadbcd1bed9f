"""Profile and backend checks (PRF001/002/007/009-015); the code lives in the prf_* modules."""

from __future__ import annotations

from mfa_guard.checks.base import CheckSpec
from mfa_guard.checks.prf_backend import account_mismatch, nonstandard_suffix, project_prefix, sso_suffix
from mfa_guard.checks.prf_format import mfa_script_format
from mfa_guard.checks.prf_layers import layer_unknown_account
from mfa_guard.checks.prf_layout import backend_naming, backend_unparsable, dir_env_mismatch, sso_role_missing

_WORDS = {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}

CHECKS = {
    "backend_account_mismatch": CheckSpec(
        account_mismatch, "The backend profile's account segment is not the account's `environment`."
    ),
    "backend_project_prefix": CheckSpec(project_prefix, "The backend profile does not start with the short name."),
    "nonstandard_role_suffix": CheckSpec(
        nonstandard_suffix,
        "IAM mode: the backend profile ends in a role suffix the CLI never writes.",
        params={"allowed_suffixes": _WORDS},
    ),
    "sso_suffix_mismatch": CheckSpec(
        sso_suffix,
        "SSO mode: the backend profile's suffix is not the lower-case `sso_role`.",
        params={"allow_management_oaar": {"type": "boolean"}},
    ),
    "layer_profile_unknown_account": CheckSpec(
        layer_unknown_account, "A layer's config.tf/locals.tf profile names an account the project lacks."
    ),
    "backend_naming": CheckSpec(
        backend_naming,
        "A backend's bucket/dynamodb_table is not `<short>-<environment>-terraform-backend`.",
        params={"keys": {"type": "array", "items": {"enum": ["bucket", "dynamodb_table"]}, "minItems": 1}},
    ),
    "account_dir_env_mismatch": CheckSpec(
        dir_env_mismatch, "An account directory differs from its account.tfvars `environment`."
    ),
    "backend_unparsable": CheckSpec(
        backend_unparsable, "A backend.tfvars is missing, has no usable `profile`, or repeats a key."
    ),
    "sso_role_missing": CheckSpec(
        sso_role_missing, "SSO mode: an account with layers has no `sso_role` in its account.tfvars."
    ),
    "mfa_script_format": CheckSpec(
        mfa_script_format, "IAM+MFA: a profile/region/project line the MFA entrypoint cannot grep."
    ),
}
