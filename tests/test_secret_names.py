"""The shared list of secret-looking names and values (issue 16 #14)."""

from __future__ import annotations

import pytest

from mfa_guard.secret_names import HIDDEN, MASK, is_secret_name, looks_secret, mask_secret_values, shown


@pytest.mark.parametrize(
    "name",
    [
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SESSION",
        "aws_access_key_id",
        "AWS_ACCESS_KEY_ID",
        "session",
        "my_session_cookie",
        "VAULT_TOKEN",
        "password",
        "db_passwd",
        "pgp_key",
        "KEY",
        "api_key",
        "client_secret",
        "private_key_pem",
        "GITHUB_AUTH",
    ],
)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)
    assert shown(name, "v") == HIDDEN


@pytest.mark.parametrize(
    "name",
    [
        "MFA_ENABLED",
        "PROJECT",
        "TF_BINARY",
        "region",
        "max_session_duration",
        "key_name",
        "role_session_name",
        "password_length",
        "max_password_age",
        "monkey",
        "keyboard_layout",
        "sensitive",
        "profile",
    ],
)
def test_names_that_are_not_secret(name: str) -> None:
    assert not is_secret_name(name)
    assert shown(name, "us-east-1") == "us-east-1"


@pytest.mark.parametrize(
    "value",
    ["AKIAIOSFODNN7EXAMPLE", "ASIAY34FZKBOKMUTVV7A", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],
)
def test_secret_shaped_values_are_hidden_whatever_the_name(value: str) -> None:
    assert looks_secret(value) and shown("region", value) == HIDDEN
    masked, count = mask_secret_values(f'region = "{value}" # {value}')
    assert value not in masked and count == 2 and masked == f'region = "{MASK}" # {MASK}'


@pytest.mark.parametrize(
    "value",
    [
        "management/global/base-identities/outputs.tf",
        "me-shared-devops",
        "arn:aws:iam::123456789012:role/OrganizationAccountAccessRole",
        "0123456789abcdef0123456789abcdef01234567",  # a lower-case hash
        "us-east-1",
    ],
)
def test_ordinary_values_are_not_secret_shaped(value: str) -> None:
    assert not looks_secret(value)
