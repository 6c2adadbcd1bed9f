"""ENV003 (issue 16 #3, issue 12, issue 14): a repeated build.env key, read as yaenv reads it.

Messages name the key and the lines, never a value; the safe fix keeps the value the CLI reads
and the comments, and is refused when removing a line would change any value of the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from mfa_guard.checks import env as env_checks
from mfa_guard.checks.base import CheckContext
from mfa_guard.findings import Violation
from mfa_guard.fix.apply import apply_edits
from mfa_guard.load.project import load_project
from mfa_guard.model import Project
from mfa_guard.parse.dotenv import parse_env
from mfa_guard.source import SourceFile

Make = Callable[[str], Path]
SECRET = "wJalrXUtnFEMIK7MDENGbPxRfiCYzzSECRETzz00"


def with_env(make: Make, text: str) -> Project:
    root = make("p1")
    (root / "build.env").write_text(text, encoding="utf-8", newline="")
    return load_project(root)


def env003(project: Project) -> list[Violation]:
    return list(env_checks.CHECKS["env_duplicate_key"].function(CheckContext(project, {})))


def fixed(project: Project, violation: Violation) -> str:
    assert violation.fix is not None
    return apply_edits(project.sources["build.env"].text, violation.fix.edits)


def reads(text: str) -> dict[str, object]:
    return dict(parse_env(SourceFile("build.env", "build.env", text), "").values())


@pytest.mark.parametrize("key", ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "MFA_ENABLED", "PLAIN"])
@pytest.mark.parametrize("second", ["other-value-9", "''", "", f"'{SECRET[::-1]}'"])
def test_no_value_of_a_duplicated_key_is_in_any_message(project: Make, key: str, second: str) -> None:
    text = f"PROJECT=me\n{key}={SECRET}  # from the vault\n{key}={second}\n"
    found = env003(with_env(project, text))
    assert found
    for violation in found:
        assert SECRET not in violation.message and SECRET[::-1] not in violation.message
        assert "other-value-9" not in violation.message
        assert key in violation.message and "lines 2 and 3" in violation.message
        assert violation.fix is None or SECRET not in violation.fix.description


def test_a_later_blank_value_does_not_win_and_the_fix_keeps_the_earlier_one(project: Make) -> None:
    text = "PROJECT=me\nMFA_ENABLED=true  # step 6\nMFA_ENABLED=''\n"
    prj = with_env(project, text)
    [violation] = env003(prj)
    assert violation.span.line == 3
    assert "has no effect" in violation.message and "line 2" in violation.message
    after = fixed(prj, violation)
    assert after == "PROJECT=me\nMFA_ENABLED=true  # step 6\n"
    assert reads(after) == reads(text) == {"PROJECT": "me", "MFA_ENABLED": "true"}


def test_the_last_plain_value_wins_and_the_fix_keeps_the_comment_of_the_removed_line(project: Make) -> None:
    text = "PROJECT=me\n  MFA_ENABLED=true # enabled after step 5\nMFA_ENABLED=false\n"
    prj = with_env(project, text)
    [violation] = env003(prj)
    assert violation.span.line == 2
    assert violation.message.startswith("MFA_ENABLED is set again on line 3, which wins")
    after = fixed(prj, violation)
    assert after == "PROJECT=me\n  # enabled after step 5\nMFA_ENABLED=false\n"
    assert reads(after) == reads(text)


def test_every_other_assignment_goes_in_one_fix(project: Make) -> None:
    text = "K=a\nK=b # keep me\nK=''\nK=\nPROJECT=me\n"
    prj = with_env(project, text)
    found = env003(prj)
    assert [v.span.line for v in found] == [1, 3, 4]
    assert all(v.fix == found[0].fix for v in found)
    after = fixed(prj, found[0])
    assert after == "K=b # keep me\nPROJECT=me\n"
    assert reads(after) == reads(text)


def test_no_fix_when_a_reference_reads_the_key_between_its_assignments(project: Make) -> None:
    text = "PROJECT=me\nK=a\nREF=${K}\nK=b\n"
    found = env003(with_env(project, text))
    assert [v.span.line for v in found] == [2]
    assert found[0].fix is None
    assert "not fixed automatically" in found[0].message


def test_no_fix_when_the_result_would_depend_on_the_environment_differently(project: Make) -> None:
    # Without line 2, REF would read K's last raw text `${HOME}` instead of `a`.
    text = "PROJECT=me\nK=a\nREF=${K}\nK=${HOME}\n"
    found = env003(with_env(project, text))
    assert found and found[0].fix is None


def test_an_environment_reference_elsewhere_does_not_block_the_fix(project: Make) -> None:
    text = "PROJECT=me\nTF_BINARY=${HOME}/bin/tofu\nMFA_ENABLED=false\nMFA_ENABLED=true\n"
    prj = with_env(project, text)
    [violation] = env003(prj)
    assert fixed(prj, violation) == "PROJECT=me\nTF_BINARY=${HOME}/bin/tofu\nMFA_ENABLED=true\n"


def test_the_effective_value_every_rule_sees_follows_yaenv(project: Make) -> None:
    """MFA001/ENV002 read the effective entry: true then '' is on, not ''."""
    prj = with_env(project, "PROJECT=me\nMFA_ENABLED=true\nMFA_ENABLED=''\n")
    root_env = prj.root_env
    assert root_env is not None
    entry = root_env.effective("MFA_ENABLED")
    assert entry is not None and entry.value == "true" and entry.line_span.line == 2
