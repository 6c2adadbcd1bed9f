"""The fix loop with test-only checks injected under a real rule id: overlaps, broken fixes,
fixes that never settle, guarded fixes and preconditions, and --select."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Callable

import pytest

from mfa_guard.checks import REGISTRY
from mfa_guard.checks.base import CheckContext, CheckSpec
from mfa_guard.findings import Fix, TextEdit, Violation
from mfa_guard.fix import fixer
from mfa_guard.fix.fixer import compute_fixes
from mfa_guard.fix.outcome import FixPolicy
from mfa_guard.prepare import Options
from mfa_guard.source import SourceFile
from tests.fix.conftest import Runner, snapshot

ENV = "build.env"
CHECK = "env_export_prefix"  # the check behind ENV001, replaced by each test's own


def inject(monkeypatch: pytest.MonkeyPatch, check: Callable[[CheckContext], Iterator[Violation]]) -> None:
    monkeypatch.setitem(REGISTRY, CHECK, CheckSpec(check, "test-only check"))


def env_fix(ctx: CheckContext, start: int, end: int, text: str, kind: str = "safe", blocked: str | None = None) -> Fix:
    return Fix(kind, (TextEdit(ENV, start, end, text),), f"replace {start}..{end} with {text!r}", blocked)


def only_env001(root: Path) -> Options:
    return Options(path=root, select=["ENV001"])


def test_overlapping_fixes_are_deferred_to_the_next_pass(project, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project("p0")

    def check(ctx: CheckContext) -> Iterator[Violation]:
        text = ctx.project.sources[ENV].text
        line = text.index("MFA_ENABLED=")
        span = ctx.project.sources[ENV].index.span(ENV, line, line)
        if "# mfa" not in text:  # inserts a comment line before the flag
            yield Violation(span, "needs a comment", env_fix(ctx, line, line, "# mfa\n"))
        if "MFA_ENABLED=false" in text:  # starts where the insertion is: a conflict
            yield Violation(span, "flag", env_fix(ctx, line, line + len("MFA_ENABLED=false"), "MFA_ENABLED=true"))

    inject(monkeypatch, check)
    result = compute_fixes(only_env001(root))
    assert result.passes == 2
    assert [(a.description.split(" with ")[1]) for a in result.applied] == ["'# mfa\\n'", "'MFA_ENABLED=true'"]
    assert "# mfa\nMFA_ENABLED=true\n" in result.fixed[ENV].text
    assert result.analysis is not None and result.analysis.findings == []


def test_a_fix_that_breaks_parsing_is_rejected_as_a_bug(project, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> None:
    root = project("p0")
    roles = "management/global/base-identities/roles.tf"

    def check(ctx: CheckContext) -> Iterator[Violation]:
        source = ctx.project.sources.get(roles)
        if source is not None and "role_requires_mfa    = false" in source.text:
            at = source.text.index("role_requires_mfa    = false") + len("role_requires_mfa    = ")
            broken = Fix("safe", (TextEdit(roles, at, at + 5, '"true'),), "unterminated string")
            yield Violation(source.index.span(roles, at, at + 5), "broken fix", broken)
        env = ctx.project.sources[ENV]
        if "GOOD=1" not in env.text:  # a sound fix of the same rule in the same run still applies
            yield Violation(env.index.span(ENV, 0, 0), "good fix", env_fix(ctx, 0, 0, "GOOD=1\n"))

    inject(monkeypatch, check)
    before = snapshot(root)
    code, out, _ = cli("fix", str(root), "--select", "ENV001", "--format", "plain")
    assert code == 1  # the finding of the broken fix is left
    assert "BUG: the fix of ENV001 in management/global/base-identities/roles.tf (unterminated string)" in out
    assert "no longer parses" in out
    after = snapshot(root)
    assert after[roles] == before[roles]
    assert after[ENV] == b"GOOD=1\n" + before[ENV]


def test_fixes_that_never_settle_write_nothing_for_that_file(project, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project("p0")

    def check(ctx: CheckContext) -> Iterator[Violation]:
        text = ctx.project.sources[ENV].text
        old, new = ("false", "true") if "MFA_ENABLED=false" in text else ("true", "false")
        at = text.index(f"MFA_ENABLED={old}") + len("MFA_ENABLED=")
        yield Violation(ctx.project.sources[ENV].index.span(ENV, at, at), "flip", env_fix(ctx, at, at + len(old), new))

    inject(monkeypatch, check)
    result = compute_fixes(only_env001(root), FixPolicy(max_passes=4))
    assert result.passes == 4
    assert result.unstable == [ENV]
    assert result.fixed == {}
    assert result.applied == []
    assert any("kept changing" in held.reason for held in result.held)


def test_guarded_fixes_need_the_flag_and_a_visible_precondition(project, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project("p0")

    def check(ctx: CheckContext) -> Iterator[Violation]:
        text = ctx.project.sources[ENV].text
        span = ctx.project.sources[ENV].index.span(ENV, 0, 0)
        if "A=1" not in text:
            yield Violation(span, "a", env_fix(ctx, 0, 0, "A=1\n", "guarded"))
        if "B=1" not in text:
            yield Violation(span, "b", env_fix(ctx, len(text), len(text), "B=1\n", "guarded", "the moon is full"))

    # The rule file decides the class, so the check runs as a guarded rule's (ENV002's) check.
    monkeypatch.setitem(REGISTRY, "mfa_flag_noncanonical", CheckSpec(check, "test-only check"))
    only_env002 = Options(path=root, select=["ENV002"])
    without = compute_fixes(only_env002)
    assert without.fixed == {}
    assert {h.reason for h in without.held} == {"guarded fix: needs --guarded"}
    guarded = compute_fixes(only_env002, FixPolicy(guarded=True))
    assert guarded.fixed[ENV].text.startswith("A=1\n")
    assert "B=1" not in guarded.fixed[ENV].text
    assert [h.reason for h in guarded.held] == ["waits on: the moon is full"]


def test_select_and_ignore_limit_the_fixes(project, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> None:
    root = project("p1")
    outputs = root / "management/global/base-identities/outputs.tf"
    outputs.write_text(outputs.read_text().replace("sensitive   = true", "sensitive   = false"))
    env = root / ENV
    env.write_text(env.read_text().replace("MFA_ENABLED=true", "export MFA_ENABLED=true"))
    before = snapshot(root)
    code, _, _ = cli("fix", str(root), "--ignore", "OUT001,ENV001")
    assert code == 0 and snapshot(root) == before  # nothing else to fix, ignored rules not reported
    code, _, _ = cli("fix", str(root), "--select", "OUT001", "--format", "plain")
    assert code == 0
    assert b"sensitive   = true" in outputs.read_bytes()
    assert env.read_bytes() == before[ENV]  # ENV001 was not selected


def test_fixes_fine_alone_but_broken_together_are_applied_one_by_one(project, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project("p0")
    real_breaks = fixer.breaks

    def fake_breaks(before: SourceFile, after: SourceFile) -> str | None:
        """A stand-in parser that only rejects a file holding both markers (as if they clashed)."""
        if "AAA" in after.text and "BBB" in after.text:
            return "AAA and BBB together"
        return real_breaks(before, after)

    def check(ctx: CheckContext) -> Iterator[Violation]:
        text = ctx.project.sources[ENV].text
        span = ctx.project.sources[ENV].index.span(ENV, 0, 0)
        if "AAA" not in text:
            yield Violation(span, "a", env_fix(ctx, 0, 0, "# AAA\n"))
        if "BBB" not in text:
            yield Violation(span, "b", env_fix(ctx, len(text), len(text), "# BBB\n"))

    inject(monkeypatch, check)
    monkeypatch.setattr(fixer, "breaks", fake_breaks)
    result = compute_fixes(only_env001(root))
    # The first waits for nothing; the second is deferred, then judged alone on the new text: rejected.
    assert result.passes == 2
    assert [a.description for a in result.applied] == ["replace 0..0 with '# AAA\\n'"]
    assert [r.problem for r in result.rejected] == ["build.env no longer parses: AAA and BBB together"]
    assert result.fixed[ENV].text.startswith("# AAA\n") and "BBB" not in result.fixed[ENV].text
    assert [h.reason for h in result.held] == ["rejected: this fix broke its file (a bug in mfa-guard)"]


def test_recorded_apply_goes_stale_when_the_oaar_code_changes(project, cli: Runner) -> None:
    root = project("p1")
    assert cli("plan", str(root), "--applied", "management")[0] == 0
    roles = root / "management/global/base-identities/roles.tf"
    roles.write_text(roles.read_text().replace("mfa_age              = 3600", "mfa_age              = 7200"))
    code, out, _ = cli("plan", str(root), "--to", "p1")
    assert code == 0
    # Never inferred: the backend already moved on, so the stale apply is to check, not done.
    line = next(x for x in out.splitlines() if x.startswith("  3. "))
    assert line.startswith("  3. [?] run  in management/global/base-identities") and "not recorded" in line


def test_initialised_layers_show_whether_they_were_reconfigured(project, cli: Runner) -> None:
    root = project("p1")
    for layer, profile in [
        ("management/global/organizations", "me-bootstrap"),
        ("management/global/base-identities", "me-management-oaar"),
    ]:
        state = root / layer / ".terraform" / "terraform.tfstate"
        state.parent.mkdir()
        state.write_text(json.dumps({"backend": {"config": {"profile": profile}}}))
    _, out, _ = cli("plan", str(root), "--to", "p1", "--format", "json")
    steps = {s["cwd"]: s for s in json.loads(out)["steps"] if s["kind"] == "command" and s["cwd"] != "."}
    # one step per account, listing only its layers initialised with another profile
    assert steps["management"]["status"] == "todo"
    assert steps["management"]["note"] == "initialised with another profile: management/global/organizations"
    assert steps["management"]["command"] == "cd management/global/organizations && leverage tf init -reconfigure"
    state = root / "management/global/organizations/.terraform/terraform.tfstate"
    state.write_text(json.dumps({"backend": {"config": {"profile": "me-management-oaar"}}}))
    _, out, _ = cli("plan", str(root), "--to", "p1", "--format", "json")
    steps = {s["cwd"]: s for s in json.loads(out)["steps"] if s["kind"] == "command" and s["cwd"] != "."}
    assert steps["management"]["status"] == "done"
