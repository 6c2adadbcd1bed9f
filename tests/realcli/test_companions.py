"""Every companion command mfa-guard prints for a 3.x project is accepted by the installed Leverage
CLI 3.1.0's own argument parser (click, walked group by group; nothing is invoked)."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from mfa_guard.analysis import analyse
from mfa_guard.prepare import Options
from tests.fixture_tree import AWS, materialise

pytestmark = pytest.mark.realcli

PARSE = r"""
import json, sys
import click
from leverage import leverage

def parse(group, name, args, parent=None):
    ctx = group.make_context(name, list(args), parent=parent)
    if not isinstance(group, click.Group) or not ctx.protected_args + ctx.args:
        return  # a command, or a pass-through group whose own arguments took the rest (`aws ...`)
    sub_name, sub, rest = group.resolve_command(ctx, ctx.protected_args + ctx.args)
    parse(sub, sub_name, rest, ctx)

verdicts = {}
for command in json.load(sys.stdin):
    words = command.split("\0")
    try:
        parse(leverage, "leverage", words[1:])
        verdicts[command] = "ok"
    except (click.UsageError, click.BadParameter) as exc:
        verdicts[command] = str(exc)
print(json.dumps(verdicts))
"""


def leverage_commands(companion: str) -> list[str]:
    """`cd X && leverage ...; leverage ...` -> the leverage invocations in it."""
    found = []
    for part in companion.split("; "):
        command = part.split("&&")[-1].strip()
        if command.startswith("leverage "):
            found.append(command)
    return found


def companions_for_3x(tmp_path: Path) -> set[str]:
    commands: set[str] = set()
    for base in ("p0", "p1", "p2", "sso"):
        root = materialise(base, tmp_path / base)
        state = root / "management/global/base-identities/.terraform/terraform.tfstate"
        state.parent.mkdir(parents=True)  # a stale init: LOC008's `cd ... && leverage tf init -reconfigure`
        state.write_text('{"backend": {"type": "s3", "config": {"profile": "me-old"}}}', encoding="utf-8")
        for aws in ("p0", "p1", "p2", "p1-3x", "sso", None):
            aws_dir = tmp_path / f"{base}-{aws}-aws"
            if aws is None:
                aws_dir.mkdir()
            else:
                shutil.copytree(AWS / aws, aws_dir)
            analysis = analyse(Options(path=root, leverage_cli=3, local=True, aws_dir=aws_dir, no_cache=True))
            commands.update(c for finding in analysis.findings for c in leverage_commands(finding.companion or ""))
        analysis = analyse(Options(path=root, leverage_cli=3, no_cache=True))  # repo only, as CI sees it
        commands.update(c for finding in analysis.findings for c in leverage_commands(finding.companion or ""))
    return commands


def test_every_companion_command_parses_on_3_1_0(tmp_path: Path, realcli_bins: dict[str, Path]) -> None:
    commands = companions_for_3x(tmp_path)
    for expected in ("credentials configure --type MANAGEMENT", "tf init -reconfigure", "aws configure sso"):
        assert any(expected in c for c in commands), commands  # the test has teeth
    joined = ["\0".join(shlex.split(c)) for c in sorted(commands)]
    done = subprocess.run(
        [str(realcli_bins["leverage"] / "python"), "-c", PARSE],
        input=json.dumps(joined),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    verdicts = json.loads(done.stdout)
    rejected = {c.replace("\0", " "): v for c, v in verdicts.items() if v != "ok"}
    assert rejected == {}
    assert len(verdicts) == len(commands)


def test_the_parser_rejects_what_3_1_0_does_not_know(realcli_bins: dict[str, Path]) -> None:
    bad = ["leverage\0credentials\0configure\0--type\0NOPE", "leverage\0credentials\0configure\0--skip-all"]
    done = subprocess.run(
        [str(realcli_bins["leverage"] / "python"), "-c", PARSE],
        input=json.dumps(bad),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert all(verdict != "ok" for verdict in json.loads(done.stdout).values())
