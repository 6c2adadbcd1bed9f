"""build.env values as yaenv 1.5.3.post1 reads them (repeated keys, `${X}`), and the interpolation bounds.

The table in tests/fixtures/yaenv/cases.yaml was checked against the real yaenv
(tests/fixtures/yaenv/verify_yaenv.py); these tests check mfa-guard's model against the table and
never need yaenv installed.
"""

from __future__ import annotations

import resource
import time
from pathlib import Path
from typing import Any, Callable, Optional

import pytest
import yaml

from mfa_guard.parse.dotenv import (
    MAX_INTERPOLATION_DEPTH,
    MAX_VALUE_CHARS,
    EnvFile,
    parse_env,
)
from mfa_guard.source import SourceFile

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "fixtures" / "yaenv" / "cases.yaml").read_text(encoding="utf-8")
)


def env_of(text: str) -> EnvFile:
    return parse_env(SourceFile("build.env", "build.env", text), "")


def effective_values(env: EnvFile) -> dict[str, Optional[str]]:
    values: dict[str, Optional[str]] = {}
    for entry in env.entries:
        found = env.effective(entry.key)
        assert found is not None
        values[entry.key] = found.value
    return values


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_the_effective_values_are_yaenvs(case: dict[str, Any]) -> None:
    env = env_of(case["text"])
    assert effective_values(env) == case["values"]
    assert env.values() == case["values"]
    assert not env.problems


def test_the_table_covers_the_duplicate_quirk() -> None:
    """The MFA_ENABLED=true then '' case the CLI study ran (leverage-cli-3.md §2.2) is in the table."""
    texts = {case["text"]: case["values"] for case in CASES}
    assert texts["MFA_ENABLED=true\nMFA_ENABLED=''\n"] == {"MFA_ENABLED": "true"}
    assert texts["MFA_ENABLED=false\nMFA_ENABLED=\n"] == {"MFA_ENABLED": "false"}


def test_the_effective_entry_is_the_line_yaenv_takes_the_value_from() -> None:
    env = env_of("MFA_ENABLED=true  # on\nMFA_ENABLED=''\n")
    entry = env.effective("MFA_ENABLED")
    assert entry is not None and entry.line_span.line == 1 and entry.value == "true"


def test_real_yaenv_agrees_when_it_is_installed() -> None:
    """Only where yaenv happens to be importable (it is not a dependency)."""
    pytest.importorskip("yaenv", reason="yaenv is not installed (verify_yaenv.py runs it in its own venv)")
    import subprocess
    import sys

    script = Path(__file__).resolve().parent.parent / "fixtures" / "yaenv" / "verify_yaenv.py"
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# --- bounded interpolation (issue 16 #4) ---------------------------------------------------


def doubling_bomb(lines: int) -> str:
    return "".join(f"K{i}=${{K{i + 1}}}${{K{i + 1}}}\n" for i in range(lines)) + f"K{lines}=xy\n"


def test_a_600_byte_doubling_bomb_is_read_at_once_and_small() -> None:
    text = doubling_bomb(40)
    assert 550 <= len(text.encode()) <= 800
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    env = env_of(text)
    assert time.perf_counter() - started < 1.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KiB
    # yaenv's greedy `${...}` makes two references one unknown name: every K is blank.
    assert env.values()["K0"] == ""


def test_the_same_bomb_written_backwards_is_small_too() -> None:
    text = "K40=xy\n" + "".join(f"K{i}=${{K{i + 1}}}${{K{i + 1}}}\n" for i in reversed(range(40)))
    env = env_of(text)
    assert env.values()["K0"] == ""


def test_a_copy_chain_past_the_size_bound_is_a_located_problem() -> None:
    big = "x" * 50_000
    lines = [f"A0={big}"] + [f"A{i}=${{A{i - 1}}}y" for i in range(1, 30)]
    env = env_of("\n".join(lines) + "\n")
    values = env.values()
    assert values["A1"] == big + "y"
    assert len(env.problems) == 1
    problem = env.problems[0]
    assert "limit" in problem.message and "not checked" in problem.message
    assert big[:20] not in problem.message
    stopped = problem.span.line
    assert 2 < stopped < 30
    assert values[f"A{stopped - 1}"] is None  # never guessed
    assert all(values[f"A{i}"] is None for i in range(stopped - 1, 30))
    assert sum(len(v) for v in values.values() if v) <= 20 * MAX_VALUE_CHARS


def test_a_value_longer_than_the_bound_is_not_expanded() -> None:
    big = "x" * (MAX_VALUE_CHARS // 2 + 10)
    env = env_of(f"A={big}\nB=${{A}}{big}\n")
    assert env.values()["B"] is None
    assert len(env.problems) == 1 and env.problems[0].span.line == 2


def test_a_reference_chain_deeper_than_the_bound_stops() -> None:
    lines = ["A0=x"] + [f"A{i}=${{A{i - 1}}}" for i in range(1, MAX_INTERPOLATION_DEPTH + 5)]
    env = env_of("\n".join(lines) + "\n")
    values = env.values()
    assert values[f"A{MAX_INTERPOLATION_DEPTH}"] == "x"
    assert values[f"A{MAX_INTERPOLATION_DEPTH + 1}"] is None
    assert len(env.problems) == 1 and env.problems[0].span.line == MAX_INTERPOLATION_DEPTH + 2


def test_the_bound_is_a_located_par001_finding(project: Callable[[str], Path]) -> None:
    from mfa_guard.analysis import analyse
    from mfa_guard.prepare import Options

    root = project("p1")
    lines = ["A0=x"] + [f"A{i}=${{A{i - 1}}}" for i in range(1, MAX_INTERPOLATION_DEPTH + 3)]
    with (root / "build.env").open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    analysis = analyse(Options(path=root, select=("PAR001",)))
    found = [(f.rule, f.span.path, f.message) for f in analysis.findings]
    assert len(found) == 1 and found[0][:2] == ("PAR001", "build.env"), found
    assert "limit" in found[0][2]


def test_references_are_the_matches_of_yaenvs_pattern() -> None:
    """The linear scan finds exactly what yaenv's regex finds, on every short string of `${}a`."""
    import itertools
    import re

    from mfa_guard.parse.dotenv import YAENV_REFERENCE, references

    pattern = re.compile(YAENV_REFERENCE)
    for length in range(9):
        for chars in itertools.product("${}a", repeat=length):
            text = "".join(chars)
            expected = [(m.start(), m.end(), m.group(1)) for m in pattern.finditer(text)]
            assert list(references(text)) == expected, text


def test_a_line_of_many_unclosed_references_is_read_in_linear_time() -> None:
    started = time.perf_counter()
    env = env_of("K=" + "${a" * 300_000 + "\n")
    assert time.perf_counter() - started < 2.0  # yaenv's regex takes minutes here
    assert env.values()["K"] == "${a" * 300_000
