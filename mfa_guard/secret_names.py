"""Which names and values look secret: the one list that messages, `fix --diff` masking and team
rules use (issue 16: "messages never carry values of keys or attributes that look secret").

Over-masking is harmless; a leak is not. So a name is secret when it contains any of the words
below (case-insensitive), unless its last word says it is a setting about a secret, not one
(`max_session_duration`, `key_name`, `password_length`).
"""

from __future__ import annotations

import re

# Parts of a name whose value must never be printed.
SECRET_NAME_WORDS = (
    "secret",
    "password",
    "passwd",
    "pwd",
    "token",
    "credential",
    "private",
    "session",
    "aws_access",
    "access_key",
    "api_key",
    "apikey",
    "auth",
    "cookie",
    "signature",
)
# A whole-word `key` (`KEY`, `pgp_key`, `KEY_ID`), not `keyboard` or `monkey`.
_KEY_WORD = r"(?:^|[_.\-])key(?:$|[_.\-])"
# Last words that make the name a setting about a secret; its value is a number, flag or name.
SETTING_SUFFIXES = ("duration", "name", "ttl", "timeout", "length", "age", "enabled", "required", "prevention")

_SECRET_NAME = re.compile("|".join([*map(re.escape, SECRET_NAME_WORDS), _KEY_WORD]), re.IGNORECASE)
_SETTING = re.compile(r"[_.\-](?:" + "|".join(SETTING_SUFFIXES) + r")$", re.IGNORECASE)

# Values that look secret whatever their name: AWS access key ids, and long base64-like runs with
# upper case, lower case and digits, 24 or more (an AWS secret access key is 40, a session token more).
_ACCESS_KEY_ID = r"(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}(?![A-Z0-9])"
_LONG_TOKEN = (
    r"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+=]*[A-Z])(?=[A-Za-z0-9/+=]*[a-z])(?=[A-Za-z0-9/+=]*[0-9])[A-Za-z0-9/+=]{24,}"
)
SECRET_VALUE = re.compile(f"{_ACCESS_KEY_ID}|{_LONG_TOKEN}")

HIDDEN = "a value that is not shown"
MASK = "***"


def is_secret_name(name: str) -> bool:
    """Whether the value of a key or attribute called `name` must never be printed."""
    return _SECRET_NAME.search(name) is not None and _SETTING.search(name) is None


def shown(name: str, text: str) -> str:
    """`text` (a value of `name`) for a message, or a phrase saying it is not shown."""
    return HIDDEN if is_secret_name(name) or looks_secret(text) else text


def looks_secret(text: str) -> bool:
    """Whether `text` holds something shaped like a credential, whatever it is called."""
    return SECRET_VALUE.search(text) is not None


def mask_secret_values(text: str) -> tuple[str, int]:
    """`text` with every secret-shaped value replaced by MASK, and how many were replaced."""
    return SECRET_VALUE.subn(MASK, text)
