"""Rules produced by the passes that run after every check, not by a check of their own.

The SUP rules come from the suppression pass (mfa_guard/suppress.py) and BAS001 from the
baseline pass (mfa_guard/baseline.py): they need every other finding first. Their check names
exist so that the rules are data like all others (selectable, severity overridable, documented,
validated by the rule schema); the check functions themselves yield nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from mfa_guard.checks.base import CheckContext, CheckSpec
from mfa_guard.findings import Violation


def produced_by_a_pass(ctx: CheckContext) -> Iterator[Violation]:
    return iter(())


CHECKS = {
    "suppression_problems": CheckSpec(
        produced_by_a_pass,
        "Produced by the suppression pass after every check: kind=invalid|unused|unsuppressible.",
        params={"kind": {"enum": ["invalid", "unused", "unsuppressible"]}},
        required=("kind",),
    ),
    "stale_baseline_entries": CheckSpec(
        produced_by_a_pass, "Produced by the baseline pass: baseline entries that match no finding."
    ),
}
