"""Files that could not be read or parsed: located findings instead of crashes or silence."""

from __future__ import annotations

from collections.abc import Iterator

from mfa_guard.checks.base import CheckContext, CheckSpec
from mfa_guard.findings import Violation


def parse_problems(ctx: CheckContext) -> Iterator[Violation]:
    kind = ctx.params["kind"]
    for problem in ctx.project.problems:
        if problem.kind == kind:
            yield Violation(problem.span, problem.message, address=f"file:{problem.path}")


CHECKS = {
    "parse_problems": CheckSpec(
        parse_problems,
        "Report files that could not be read (kind=read) or parsed (kind=syntax).",
        params={"kind": {"enum": ["read", "syntax"]}},
        required=("kind",),
    ),
}
