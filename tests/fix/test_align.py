"""fix/layout.py, fix/align.py, fix/placement.py and fix/stale_comments.py on small texts, each
result checked with the independent layout checker (tests/fmt_rules.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mfa_guard.findings import TextEdit
from mfa_guard.fix.align import realign
from mfa_guard.fix.apply import apply_edits, conflicts
from mfa_guard.fix.edits import insert_attribute
from mfa_guard.fix.layout import scan_lines
from mfa_guard.fix.stale_comments import note
from mfa_guard.fix.tidy import laid_out_alike
from mfa_guard.parse.hcl import parse_hcl
from mfa_guard.parse.hcl_types import Block
from mfa_guard.source import SourceFile
from tests.fix.conftest import Runner
from tests.fmt_rules import canonical, problems

PATH = "a.tf"


def insert(text: str, before: str, line: str) -> list[TextEdit]:
    at = text.index(before)
    return [TextEdit(PATH, at, at, line)]


def replace(text: str, old: str, new: str) -> list[TextEdit]:
    at = text.index(old)
    return [TextEdit(PATH, at, at + len(old), new)]


def fixed(text: str, edits: list[TextEdit]) -> str:
    return apply_edits(text, realign(text, edits))


def test_layout_cells_follow_the_formatter() -> None:
    text = (
        'a = "x = y" # c\n'  # `=` inside a string is not the line's
        "b = c == d\n"  # `==` is an operator
        "tags = {\n"  # brackets left open: no assign cell
        "  k = 1\n"
        "}\n"
        "p = <<EOF\n  q = 2\nEOF\n"  # a heredoc is one formatter line
        "/* r = 3\n s = 4 */\n"  # so is a comment that spans lines
        "# t = 5\n"
    )
    lines = scan_lines(text)
    eq = [text[line.start : line.lead_end] if line.eq >= 0 else None for line in lines]
    assert eq == ["a", "b", None, "  k", None, "p", None, None, None]
    assert [line.comment >= 0 for line in lines][:2] == [True, False]


def test_an_inserted_attribute_aligns_its_group() -> None:
    text = 'output "x" {\n  description = "d"\n  value       = module.x.y\n}\n'
    after = fixed(text, insert(text, "}\n", "  sensitive = true\n"))
    assert after == 'output "x" {\n  description = "d"\n  value       = module.x.y\n  sensitive   = true\n}\n'
    assert problems(after) == []


def test_a_longer_name_widens_the_group_with_minimal_edits() -> None:
    text = 'module "g" {\n  name = "x"\n  tags = local.tags # kept\n}\n'
    edits = realign(text, insert(text, "}\n", "  attach_iam_self_management_policy = false\n"))
    after = apply_edits(text, edits)
    assert after.splitlines()[1:4] == [
        '  name                              = "x"',
        "  tags                              = local.tags # kept",
        "  attach_iam_self_management_policy = false",
    ]
    assert problems(after) == []
    assert all(not e.text.strip() for e in edits if e.start != e.end), "only whitespace of other lines changes"


def test_a_group_aligned_wider_than_needed_keeps_its_column() -> None:
    text = 'output "x" {\n  value      = 1\n}\n'
    assert fixed(text, insert(text, "}\n", "  sensitive = true\n")).splitlines()[1:3] == [
        "  value      = 1",
        "  sensitive  = true",
    ]


def test_an_unaligned_group_is_left_alone() -> None:
    text = 'output "x" {\n  description = "d"\n  value = 1\n}\n'
    assert fixed(text, insert(text, "}\n", "  sensitive = true\n")) == text.replace("}\n", "  sensitive = true\n}\n")


def test_a_blank_line_or_comment_line_ends_the_group() -> None:
    text = 'output "x" {\n  description = "d"\n\n  value = 1\n}\n'
    after = fixed(text, insert(text, "}\n", "  sensitive = true\n"))
    assert after == 'output "x" {\n  description = "d"\n\n  value     = 1\n  sensitive = true\n}\n'


def test_a_flipped_value_keeps_an_aligned_comment_in_its_column() -> None:
    text = (
        'module "r" {\n'
        "  role_requires_mfa    = false # a\n"
        "  mfa_age              = 43200 # b\n"
        "  max_session_duration = 3600  # c\n"
        "}\n"
    )
    after = fixed(text, replace(text, "false", "true"))
    assert after == text.replace("= false # a", "= true  # a")
    assert problems(after) == []


def test_a_longer_value_moves_the_whole_comment_group() -> None:
    text = 'a = "x" # one\nb = "y" # two\n'
    after = fixed(text, replace(text, '"x"', '"longer"'))
    assert after == 'a = "longer" # one\nb = "y"      # two\n'


def test_an_unaligned_comment_stays_where_it_was() -> None:
    text = "a = false   # one\nbb = 2 # two\n"
    assert fixed(text, replace(text, "false", "true")) == "a = true    # one\nbb = 2 # two\n"


def test_an_inserted_line_that_splits_a_comment_group_realigns_both_parts() -> None:
    text = "m {\n  a          = 1 # x\n  bbbbbbbbbb = 2 # y\n}\n"
    after = fixed(text, insert(text, "  bbbbbbbbbb", "  c = 3\n"))
    assert problems(after) == []
    assert after == "m {\n  a          = 1 # x\n  c          = 3\n  bbbbbbbbbb = 2 # y\n}\n"


def test_deleting_a_comment_line_between_two_groups_joins_them() -> None:
    text = 'output "x" {\n  value = 1\n  # mfa-guard: ignore[OUT001] reason\n  sensitive = false\n}\n'
    start = text.index("  # mfa")
    edits = [TextEdit(PATH, start, text.index("  sensitive"), "")]
    after = fixed(text, edits)
    assert after == 'output "x" {\n  value     = 1\n  sensitive = false\n}\n'


def test_tabs_and_crlf() -> None:
    text = 'output "x" {\r\n\tvalue\t= 1\r\n}\r\n'
    assert fixed(text, insert(text, "}", "\tsensitive = true\r\n")) == text.replace("}", "\tsensitive = true\r\n}")
    crlf = 'output "x" {\r\n  value = 1 # c\r\n}\r\n'
    after = fixed(crlf, insert(crlf, "}", "  sensitive = true\r\n"))
    assert after == 'output "x" {\r\n  value     = 1 # c\r\n  sensitive = true\r\n}\r\n'


def test_two_fixes_that_lay_out_one_group_overlap() -> None:
    """Each realigned group is claimed line by line, so the fix loop never applies two layouts of it."""
    text = 'm {\n  name = "x"\n  tags = 1\n}\n'
    long = realign(text, insert(text, "}\n", "  attach_iam_self_management_policy = false\n"))
    short = realign(text, insert(text, "  tags", "  id = 2\n"))
    assert any(conflicts(a, b) for a in long for b in short)


def source(text: str) -> SourceFile:
    return SourceFile(PATH, PATH, text)


def block_of(text: str, index: int = 0) -> Block:
    return parse_hcl(source(text)).body.blocks[index]


ROLE = (
    'module "iam_assumable_role_finops" {\n'
    '  source = "x"\n'
    "\n"
    "  create_role = true\n"
    "\n"
    "  #\n"
    "  # MFA setup\n"
    "  #\n"
    "  mfa_age              = 43200 # Maximum CLI/API session duration\n"
    "  max_session_duration = 3600  # Max age of valid MFA\n"
    "\n"
    "  tags = local.tags\n"
    "}\n"
)


@pytest.mark.parametrize(
    ("text", "expected_after"),
    [
        (ROLE, "  # MFA setup\n  #\n  role_requires_mfa    = true\n  mfa_age"),
        (
            ROLE.replace("  #\n  # MFA setup\n  #\n", "  # Max age\n"),
            "  create_role = true\n\n  role_requires_mfa = true\n  # Max age\n",
        ),
        (
            ROLE.replace(
                "  mfa_age              = 43200 # Maximum CLI/API session duration\n  max_session_duration = 3600  # Max age of valid MFA\n",
                "",
            ),
            "  # MFA setup\n  #\n  role_requires_mfa = true\n\n  tags",
        ),
        (
            'module "r" {\n  source = "x"\n  role_name = "FinOps"\n  tags = local.tags\n}\n',
            "  role_requires_mfa = true\n  tags",
        ),
    ],
    ids=["beside-mfa-age-under-heading", "above-mfa-age-comment", "under-heading", "above-tags"],
)
def test_role_requires_mfa_goes_where_a_reviewer_looks(text: str, expected_after: str) -> None:
    edit = insert_attribute(block_of(text), source(text), "role_requires_mfa", "true")
    after = fixed(text, [edit])
    assert expected_after in after, after
    parse_hcl(source(after))
    if not problems(text):
        assert problems(after) == []


def test_sensitive_goes_after_a_multiline_value_and_never_after_a_nested_block() -> None:
    text = (
        'output "x" {\n'
        "  value = {\n"
        "    a = 1\n"
        "  }\n"
        '  description = "d"\n'
        "\n"
        "  precondition {\n"
        "    condition     = true\n"
        '    error_message = "e"\n'
        "  }\n"
        "}\n"
    )
    after = fixed(text, [insert_attribute(block_of(text), source(text), "sensitive", "true")])
    assert '  }\n  sensitive   = true\n  description = "d"\n' in after, after
    assert problems(after) == []
    other = fixed(text, [insert_attribute(block_of(text), source(text), "ephemeral", "false")])
    assert other.index("ephemeral") < other.index("precondition"), other


def test_a_comment_about_the_old_value_is_named() -> None:
    text = 'output "x" {\n  value     = 1\n  sensitive = false # temporarily, to read the password\n}\n'
    message = note(text, replace(text, "false", "true"))
    assert "line 3" in message and "'temporarily'" in message and "to read" in message
    assert "password" not in message, "the comment itself is never quoted"
    assert "'false'" in note(
        "a = false # false until step 4\n", replace("a = false # false until step 4\n", "false", "true")
    )
    assert note("a = false # see GPG.md\n", replace("a = false # see GPG.md\n", "false", "true")) == ""


def test_fix_names_the_comment_to_review(project: Callable[[str], Path], cli: Runner) -> None:
    root = project("p1")
    outputs = root / "management/global/base-identities/outputs.tf"
    text = outputs.read_text()
    outputs.write_text(text.replace("sensitive   = true", "sensitive   = false # temporarily, to read the password"))
    _, out, err = cli("fix", str(root), "--dry-run")
    assert "would fix OUT001" in out, out + err
    assert "review the trailing comment: line 12 mentions 'temporarily', 'to read'" in out, out
    cli("fix", str(root))
    assert outputs.read_text() == text.replace(
        "sensitive   = true", "sensitive   = true # temporarily, to read the password"
    )


def test_fixes_aligned_one_by_one_can_disagree_and_are_caught() -> None:
    """Two insertions that each split one comment group: alone each is fine and their whitespace
    edits do not overlap, but together they leave a third group nobody aligned. The fix loop
    compares with aligning both at once (laid_out_alike) and lets the second wait a pass."""
    text = (
        'module "m" {\n'
        '  x_y_z             = "${var.a}" # one\n'
        "  sensitive         = false      // two\n"
        "  role_requires_mfa = [1, 2]     // three\n"
        "  a                 = false      // four\n"
        "  sensitive         = module.x.y # five\n"
        "}\n"
    )
    first = insert(text, "  sensitive         = false", "  a_new             = true\n")
    second = insert(text, "  a                 = false", "  zz_value          = 1\n")
    one, two = realign(text, first), realign(text, second)
    assert not any(conflicts(a, b) for a in one for b in two)
    together = apply_edits(text, [*one, *two])
    assert problems(together), "the one-by-one layouts disagree"
    assert not laid_out_alike(source(text), [*first, *second], together)
    assert problems(apply_edits(text, realign(text, [*first, *second]))) == []
    assert laid_out_alike(source(text), first, apply_edits(text, one))


_NAMES = st.sampled_from(["a", "value", "sensitive", "role_requires_mfa", "max_session_duration", "tags"])
_BODY_LINE = st.one_of(
    st.tuples(
        _NAMES, st.sampled_from(["1", "false", '"s"', "module.x.y", "[1, 2]"]), st.sampled_from(["", " # c", " // n"])
    ).map(lambda t: f"  {t[0]} = {t[1]}{t[2]}\n"),
    st.sampled_from(
        [
            "\n",
            "  # heading\n",
            "  nested {\n    k = 1\n    kk = 2 # c\n  }\n",
            "  obj = {\n    a = 1\n    bbb = 2\n  }\n",
        ]
    ),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_BODY_LINE, min_size=1, max_size=8), st.data())
def test_any_single_edit_keeps_an_fmt_aligned_block_aligned(body: list[str], data: st.DataObject) -> None:
    text = canonical('module "m" {\n' + "".join(body) + "}\n")
    assert problems(text) == []
    starts = [i + 1 for i, char in enumerate(text) if char == "\n" and text.startswith(("  ", "}"), i + 1)]
    kind = data.draw(st.sampled_from(["insert", "value", "delete"]))
    values = list(re.finditer(r"= (1|false|\"s\")", text))
    comments = [i for i in starts if text.startswith("  #", i)]
    if kind == "insert" or (kind == "value" and not values) or (kind == "delete" and not comments):
        at = data.draw(st.sampled_from(starts))
        line = text[at : text.index("\n", at)]
        indent = line[: len(line) - len(line.lstrip())] + ("  " if line.strip() == "}" else "")
        edits = [TextEdit(PATH, at, at, f"{indent}{data.draw(_NAMES)}_new = true\n")]
    elif kind == "value":
        match = data.draw(st.sampled_from(values))
        edits = [TextEdit(PATH, match.start(1), match.end(1), data.draw(st.sampled_from(["true", '"longer-value"'])))]
    else:
        at = data.draw(st.sampled_from(comments))
        edits = [TextEdit(PATH, at, text.index("\n", at) + 1, "")]
    after = fixed(text, edits)
    assert problems(after) == [], after
