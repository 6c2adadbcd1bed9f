"""Only the targeted tokens change: CRLF, BOM, tabs, comments, spacing and a missing final newline
are kept, also for random layouts (hypothesis), and a second run changes nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mfa_guard.fix.fixer import compute_fixes
from mfa_guard.fix.write import write_files
from mfa_guard.parse.hcl import parse_hcl
from mfa_guard.prepare import Options
from mfa_guard.source import read_source
from tests.fix.conftest import Runner, snapshot
from tests.fixture_tree import materialise

OUTPUTS = "management/global/base-identities/outputs.tf"
_SHARED = tempfile.TemporaryDirectory(prefix="mfa-guard-formats-")  # one P1 tree for all examples


def p1_tree() -> Path:
    """The same P1 copy for every hypothesis example (each example rewrites the one file it tests)."""
    root = Path(_SHARED.name) / "p1"
    if not root.exists():
        materialise("p1", root)
    for name in (OUTPUTS, "build.env"):
        (root / name).write_bytes((Path(__file__).parent.parent / "fixtures/projects/p0" / name).read_bytes())
    (root / "build.env").write_text((root / "build.env").read_text().replace("MFA_ENABLED=false", "MFA_ENABLED=true"))
    return root


VALUE = 'module.user["natasha.romanoff"].iam_user_login_profile_encrypted_password'


def test_crlf_bom_tabs_and_no_final_newline_are_kept(project, cli: Runner) -> None:
    root = project("p1")
    # build.env cannot carry a BOM (yaenv rejects it: PAR001); the HCL file carries one instead.
    env = "# Project settings\r\nPROJECT=me\r\n\r\n# General\r\nMFA_ENABLED=false # was on\r\n\r\nTERRAFORM_IMAGE_TAG=1.6.0-0.2.0"
    (root / "build.env").write_bytes(env.encode("utf-8"))
    outputs = f'\ufeffoutput "user_natasha_romanoff_login_profile_encrypted_password" {{\r\n\tvalue = {VALUE}\r\n}}'
    (root / OUTPUTS).write_bytes(outputs.encode("utf-8"))
    code, out, err = cli("fix", str(root), "--format", "plain")
    assert code == 0, out + err
    assert (root / "build.env").read_bytes() == env.replace("MFA_ENABLED=false", "MFA_ENABLED=true").encode("utf-8")
    # `value` and the new `sensitive` form one group, so `value` is aligned with it as fmt does.
    expected = outputs.replace("\tvalue = ", "\tvalue     = ").replace("\r\n}", "\r\n\tsensitive = true\r\n}")
    assert (root / OUTPUTS).read_bytes() == expected.encode("utf-8")
    before = snapshot(root)
    assert cli("fix", str(root))[0] == 0
    assert snapshot(root) == before


def test_tab_aligned_attribute_keeps_its_alignment(project, cli: Runner) -> None:
    root = project("p1")
    text = f'output "user_natasha_romanoff_login_profile_encrypted_password" {{\n\tvalue\t\t= {VALUE}\n\tsensitive\t= false\t# see GPG.md\n}}\n'
    (root / OUTPUTS).write_text(text)
    assert cli("fix", str(root))[0] == 0
    assert (root / OUTPUTS).read_text() == text.replace("= false\t#", "= true\t#")


spaces = st.sampled_from(["", " ", "  ", "\t", " \t "])
comments = st.sampled_from(["", "# note", "// note", "/* a */", "# sensitive = false"])
newlines = st.sampled_from(["\n", "\r\n"])


@st.composite
def output_block(draw: st.DrawFn) -> tuple[str, int]:
    """An outputs.tf whose only secret output has `sensitive = false`; returns (text, offset of false)."""
    nl, indent = draw(newlines), draw(st.sampled_from(["  ", "    ", "\t"]))
    head = f"{draw(comments)}{nl}" if draw(st.booleans()) else ""
    first = f'output "user_natasha_romanoff_login_profile_encrypted_password" {{{draw(spaces)}{nl}'
    value = f"{indent}value{draw(spaces)}={draw(spaces) or ' '}{VALUE}{nl}"
    before = f"{indent}{draw(comments)}{nl}" if draw(st.booleans()) else ""
    prefix = f"{indent}sensitive{draw(spaces)}={draw(spaces)}"
    after = f"{draw(spaces)}{draw(comments)}{nl}"
    text = head + first + value + before + prefix
    offset = len(text)
    end = "}" + (nl if draw(st.booleans()) else "")
    return text + "false" + after + end, offset


def kept_in_column(text: str, offset: int) -> str:
    """What follows `false` -> `true` at `offset`: a trailing line comment keeps its column
    (one more space), unless one space separated it (fmt's own layout: it stays one space) or
    tabs lay the line out (tab stops already absorb the difference)."""
    rest = text[offset + len("false") :]
    comment = rest.lstrip(" \t")
    gap = rest[: len(rest) - len(comment)]
    if comment.startswith(("#", "//")) and "\t" not in gap and gap != " ":
        gap += " "
    return text[:offset] + "true" + gap + comment


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(output_block())
def test_only_the_targeted_value_changes(block: tuple[str, int]) -> None:
    """Only the value changes, and the whitespace that keeps the line's comment in its column."""
    text, offset = block
    root = p1_tree()
    (root / OUTPUTS).write_bytes(text.encode("utf-8"))
    options = Options(path=root, select=["OUT001"])
    result = compute_fixes(options)
    assert list(result.fixed) == [OUTPUTS]
    after = result.fixed[OUTPUTS].text
    assert after == kept_in_column(text, offset)
    parse_hcl(result.fixed[OUTPUTS])  # re-parses
    write_files(root, list(result.fixed.values()))
    assert read_source(root, OUTPUTS).text == after
    assert compute_fixes(options).fixed == {}  # idempotent


@st.composite
def env_file(draw: st.DrawFn) -> tuple[str, int, str]:
    nl = draw(newlines)
    lines = [draw(st.sampled_from(["# Project settings", "", "PROJECT=me", "# MFA_ENABLED=false"])) for _ in range(2)]
    quote = draw(st.sampled_from(["", '"', "'"]))
    key = f"MFA_ENABLED{draw(spaces)}={draw(spaces)}"
    tail = (
        draw(st.sampled_from(["", " ", " # off for now", "#x"])) if not quote else draw(st.sampled_from(["", " # q"]))
    )
    body = nl.join(["PROJECT=me", *lines]) + nl + key
    offset = len(body)
    rest = nl.join(["", "TERRAFORM_IMAGE_TAG=1.6.0-0.2.0"]) + (nl if draw(st.booleans()) else "")
    return body + f"{quote}false{quote}" + tail + rest, offset, quote


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(env_file())
def test_only_the_mfa_flag_value_changes(data: tuple[str, int, str]) -> None:
    text, offset, quote = data
    root = p1_tree()
    (root / "build.env").write_bytes(text.encode("utf-8"))
    options = Options(path=root, select=["MFA001"])
    result = compute_fixes(options)
    after = result.fixed["build.env"].text
    old = f"{quote}false{quote}"
    assert after == text[:offset] + "true" + text[offset + len(old) :]
    write_files(root, list(result.fixed.values()))
    assert compute_fixes(options).fixed == {}
