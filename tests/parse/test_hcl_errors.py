"""HCL syntax errors name the token by kind and position, never by its text (issue 16 #7)."""

from __future__ import annotations

import pytest

from mfa_guard.parse.hcl import parse_hcl
from mfa_guard.parse.hcl_types import HclSyntaxError
from mfa_guard.source import SourceFile

KEY = "wJalrXUtnFEMIK7MDENGbPxRfiCYzzSECRETzz00"


def error_of(text: str) -> HclSyntaxError:
    with pytest.raises(HclSyntaxError) as caught:
        parse_hcl(SourceFile("main.tf", "main.tf", text))
    return caught.value


@pytest.mark.parametrize(
    "text",
    [
        f"secret_key = '{KEY}'\n",  # single quotes are not HCL
        f'secret_key = "a" {KEY}\n',
        f"secret_key = {KEY} {KEY}\n",
        f'x {{\n  secret_key = "{KEY}" "{KEY}"\n}}\n',
        f"secret_key = 1{KEY}\n",
        f"{KEY}\n",
        f'locals {{ a = "${{{KEY} {KEY}}}" }}\n',
    ],
)
def test_no_part_of_the_token_is_quoted(text: str) -> None:
    error = error_of(text)
    message = str(error)
    for part in (KEY[:8], KEY[8:16], KEY[-8:], KEY[10:14]):
        assert part not in message, message
    assert message.startswith(("HCL syntax error: unexpected", "HCL syntax error: unterminated", "cannot parse HCL"))


def test_the_message_gives_kind_and_position() -> None:
    error = error_of(f"secret_key = '{KEY}'\n")
    assert str(error) == "HCL syntax error: unexpected string text (42 characters, not shown) at line 1, column 14"
    assert (error.line, error.column) == (1, 14)


def test_grammar_punctuation_is_still_quoted() -> None:
    assert "unexpected `}`" in str(error_of("a = }\n"))
