"""The guide's facts exist once: every companion command string and the account order live in one
module each (guide/commands.py, guide/order.py); printed commands are shell-quoted."""

from __future__ import annotations

import ast
import re
import shlex
from pathlib import Path

import pytest

from mfa_guard.guide import commands
from mfa_guard.guide.facts import ABSENT, EXPRESSION, FALSE, NULL, TRUE, describe_truth, truth_requires_mfa
from tests.conftest import REPO

PACKAGE = REPO / "mfa_guard"
COMMAND = re.compile(r"leverage (tf|terraform|credentials|aws) |mfa-guard plan --(applied|confirm)")
ORDER = re.compile(r"""["']security["']\s*,\s*["']shared["']""")


def _literals(path: Path) -> list[str]:
    """String constants of a module, docstrings excluded (prose may name a command)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_command_string_is_in_guide_commands() -> None:
    holders = {p.relative_to(REPO).as_posix() for p in _modules() if any(COMMAND.search(s) for s in _literals(p))}
    assert holders == {"mfa_guard/guide/commands.py"}


def test_the_account_order_is_in_guide_order() -> None:
    holders = {p.relative_to(REPO).as_posix() for p in _modules() if ORDER.search(p.read_text(encoding="utf-8"))}
    assert holders == {"mfa_guard/guide/order.py"}


@pytest.mark.parametrize("name", ["$(touch pwned)", "a`id`b", 'x";id;"', "with space", "it's"])
def test_printed_commands_are_shell_quoted(name: str) -> None:
    layer = f"{name}/global/base-identities"
    for command in (commands.apply_in(layer), commands.reconfigure_in(layer), commands.record_apply(layer)):
        words = shlex.split(command)
        assert layer in words, command  # one literal word, whatever it holds
    chained = commands.reconfigure_all([layer, f"{name}/us-east-1/x"])
    assert chained.count("leverage tf init -reconfigure") == 2
    assert shlex.quote(layer) in chained


def test_role_requires_mfa_has_one_rule() -> None:
    assert [truth_requires_mfa(t) for t in (TRUE, ABSENT, FALSE, NULL, EXPRESSION)] == [True, True, False, False, None]
    assert "module default" in describe_truth(NULL) and "expression" not in describe_truth(NULL)
    assert "an expression" in describe_truth(EXPRESSION, "var.x")
