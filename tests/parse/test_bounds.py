"""Bounds on the work one HCL file may cost: tokens, time and nesting, each a located syntax error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mfa_guard.parse import hcl_parser
from mfa_guard.parse.hcl import parse_hcl
from mfa_guard.parse.hcl_types import HclSyntaxError
from mfa_guard.source import SourceFile
from tests.conftest import run_cli

BACKEND = "management/config/backend.tfvars"


def parse(text: str) -> HclSyntaxError:
    with pytest.raises(HclSyntaxError) as caught:
        parse_hcl(SourceFile("main.tf", Path("main.tf"), text))
    return caught.value


def test_a_file_over_the_token_bound_is_a_located_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hcl_parser, "MAX_TOKENS", 50)
    error = parse("a = 1\nb = " + "+".join(["1"] * 30) + "\n")
    assert error.message == "file too large to check: more than 50 HCL tokens"
    assert (error.line, error.column) > (1, 1)
    assert parse_hcl(SourceFile("ok.tf", Path("ok.tf"), "a = 1 + 2\n")).body.attributes[0].name == "a"


def test_a_file_over_the_time_bound_is_a_located_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hcl_parser, "MAX_SECONDS", 0.0)
    monkeypatch.setattr(hcl_parser, "_CHECK_CLOCK_EVERY", 8)
    error = parse("a = [" + ", ".join(["1"] * 20) + "]\n")
    assert error.message == "file too slow to check: parsing took more than 0 s"
    assert error.line == 1 and error.column > 1


@pytest.mark.parametrize(
    ("opening", "closing"),
    [("(", ")"), ("[", "]"), ("{ a = ", "}"), ('"${', '}"')],
    ids=["paren", "tuple", "object", "interp"],
)
def test_nesting_past_the_bound_is_a_located_error_not_a_recursion_crash(opening: str, closing: str) -> None:
    text = "ok = 1\nx = " + opening * 5000 + "1" + closing * 5000 + "\n"
    error = parse(text)
    assert error.message == "HCL syntax error: nested more than 100 levels deep"
    assert error.line == 2


def test_nesting_at_the_bound_still_parses() -> None:
    text = "x = " + "[" * 99 + "1" + "]" * 99 + "\n"
    document = parse_hcl(SourceFile("main.tf", Path("main.tf"), text))
    assert document.body.attributes[0].value.kind == "tuple"


@pytest.mark.slow
def test_a_1_mb_sum_ends_quickly_with_a_par_finding(project) -> None:  # type: ignore[no-untyped-def]
    """The review's case (1 MiB of `1+1+...`: 74 s, 1.27 GB) under the 1 MiB read limit: stops at the token bound."""
    root = project("p1")
    (root / BACKEND).write_bytes(b'profile = "me-management-oaar"\nx = ' + b"1+" * (500 * 1024) + b"1\n")
    result = run_cli("check", str(root), "--format", "json", "--select", "PAR")
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    located = [(f["rule"], f["project_path"], f["line"]) for f in findings]  # path: from the working directory
    assert located == [("PAR001", BACKEND, 2)]
    # The token bound ends it on an idle machine; on a starved one the time bound may come first.
    bounds = (f"more than {hcl_parser.MAX_TOKENS:,} HCL tokens", f"took more than {hcl_parser.MAX_SECONDS:g} s")
    assert any(bound in findings[0]["message"] for bound in bounds), findings[0]["message"]
