"""The shared HCL lexical scanner: comments outside strings, and quotes left open."""

from __future__ import annotations

import pytest

from mfa_guard.parse.hcl_lexical import comments, unterminated_string, without_comments


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('x = "a#b" # c', [("#", " c")]),
        ('x = "a//b" // c', [("//", " c")]),
        ("x = 1 /* # inside */ # after", [("/*", " # inside */"), ("#", " after")]),
        ('x = "esc \\" # still string" # real', [("#", " real")]),
        ("no comment here", []),
    ],
)
def test_comments_skip_strings_and_nest_nothing(text: str, found: list[tuple[str, str]]) -> None:
    assert [(text[c.start : c.body], text[c.body : c.end]) for c in comments(text)] == found


def test_without_comments_keeps_length_and_line_breaks() -> None:
    text = 'a = b # x\n"#s" /* c\nd */ e // f'
    assert without_comments(text) == 'a = b    \n"#s"     \n     e     '


def test_a_string_ends_at_the_end_of_its_line() -> None:
    assert unterminated_string('a = "x"\nb = "y\n# "c"\n') == (2, 5)
    assert unterminated_string('a = "x" # "open in a comment\n/* "\n */') is None
    assert unterminated_string('a = "last line') == (1, 5)
