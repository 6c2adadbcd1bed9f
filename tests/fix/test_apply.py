"""Edit application: back to front, conflicts, identical edits, and the re-parse check."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mfa_guard.findings import TextEdit
from mfa_guard.fix.apply import EditError, apply_edits, breaks, compatible, conflicts
from mfa_guard.source import SourceFile


def edit(start: int, end: int, text: str, path: str = "f.tf") -> TextEdit:
    return TextEdit(path, start, end, text)


def test_edits_apply_back_to_front_whatever_their_order() -> None:
    text = "abcdef"
    edits = [edit(0, 1, "A"), edit(2, 4, ""), edit(6, 6, "!")]
    assert apply_edits(text, edits) == "Abef!"
    assert apply_edits(text, list(reversed(edits))) == "Abef!"


def test_identical_edits_are_applied_once_and_do_not_conflict() -> None:
    same = edit(1, 2, "X")
    assert not conflicts(same, edit(1, 2, "X"))
    assert apply_edits("abc", [same, edit(1, 2, "X")]) == "aXc"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (edit(0, 3, "x"), edit(2, 5, "y"), True),  # overlap
        (edit(0, 3, "x"), edit(3, 5, "y"), False),  # adjacent
        (edit(3, 3, "x"), edit(3, 3, "y"), True),  # two insertions at one point: order unknown
        (edit(3, 3, "x"), edit(3, 5, "y"), True),  # insertion where a replacement starts
        (edit(3, 3, "x"), edit(1, 5, "y"), True),  # insertion inside a replacement
        (edit(0, 3, "x"), edit(0, 3, "x", "g.tf"), False),  # other file
    ],
)
def test_conflicts(a: TextEdit, b: TextEdit, expected: bool) -> None:
    assert conflicts(a, b) is expected
    assert conflicts(b, a) is expected
    assert compatible([a], [b]) is not expected


def test_overlapping_edits_are_refused() -> None:
    with pytest.raises(EditError, match="overlapping"):
        apply_edits("abcdef", [edit(0, 3, "x"), edit(2, 4, "y")])


def test_edit_outside_the_text_is_refused() -> None:
    with pytest.raises(EditError, match="outside"):
        apply_edits("abc", [edit(2, 9, "x")])


@st.composite
def text_and_edits(draw: st.DrawFn) -> tuple[str, list[TextEdit]]:
    text = draw(st.text(alphabet='ab \t\r\n#="', max_size=40))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8, unique=True)))
    edits = []
    for start, end in zip(cuts[::2], cuts[1::2]):
        edits.append(edit(start, end, draw(st.text(alphabet="xyz\r\n", max_size=5))))
    return text, edits


@given(text_and_edits(), st.randoms())
def test_back_to_front_equals_front_to_back_with_shifting(data: tuple[str, list[TextEdit]], rnd: object) -> None:
    text, edits = data
    expected, shift = text, 0
    for e in sorted(edits, key=lambda e: e.start):  # the slow, obvious way
        expected = expected[: e.start + shift] + e.text + expected[e.end + shift :]
        shift += len(e.text) - (e.end - e.start)
    shuffled = list(edits)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert apply_edits(text, shuffled) == expected


def source(path: str, text: str) -> SourceFile:
    return SourceFile(path, Path(path), text)


def test_breaks_reports_only_new_problems() -> None:
    good = source("a/backend.tfvars", 'profile = "x"\n')
    assert breaks(good, source("a/backend.tfvars", 'profile = "y"\n')) is None
    assert "HCL syntax error" in (breaks(good, source("a/backend.tfvars", 'profile = "y\n')) or "")
    env = source("build.env", "export A=1\n")
    assert breaks(env, source("build.env", "A=1\n")) is None  # fixing a problem is not breaking
    assert breaks(env, source("build.env", "export A=1\nexport B=2\n")) is not None
    assert breaks(source("notes.txt", "x"), source("notes.txt", "{{{")) is None  # unknown kinds pass


def test_an_edit_that_repeats_an_attribute_breaks_the_file() -> None:
    """Terraform rejects `sensitive` set twice in one block although the file parses."""
    before = source("a/outputs.tf", 'output "x" {\n  value     = 1\n  sensitive = false\n}\n')
    after = source("a/outputs.tf", 'output "x" {\n  value     = 1\n  sensitive = true\n  sensitive = true\n}\n')
    assert "`sensitive` is set twice in one block (line 4)" in (breaks(before, after) or "")
    nested = source("a/main.tf", 'resource "r" "x" {\n  lifecycle {\n    a = 1\n    a = 2\n  }\n}\n')
    assert breaks(source("a/main.tf", 'resource "r" "x" {\n  lifecycle {\n    a = 1\n  }\n}\n'), nested) is not None
    assert breaks(after, after) is None  # a repetition that was already there is PAR001's, not the fix's
