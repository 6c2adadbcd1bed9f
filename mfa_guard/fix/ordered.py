"""`fix --to`: the plan decides which guarded edits run now and which text waits for a later step."""

from __future__ import annotations

from typing import Optional

from mfa_guard.analysis import Analysis
from mfa_guard.findings import Fix
from mfa_guard.fix.facts import load_facts
from mfa_guard.fix.outcome import Candidate, Directive, Planner, Reservation
from mfa_guard.fix.plan import Facts, Plan, build_plan


def step_label(plan: Plan, index: int) -> str:
    step = plan.steps[index]
    return f"step {index + 1} ({step.title} in {step.where})"


def planner(target: str, perform: bool, facts: Optional[Facts] = None) -> Planner:
    """Each pass: the edit steps before the first human step (when `perform`), and reservations
    on the text of every later edit step, so that no rule fix jumps ahead of the guide's order."""
    known: list[Facts] = [facts] if facts is not None else []
    offered: list[tuple[str, str]] = []  # the one step this run writes (later passes re-offer only it)

    def directive(analysis: Analysis) -> Directive:
        if not known:  # read once: recorded applies and .terraform do not change during a run
            known.append(load_facts(analysis.project))
        plan = build_plan(analysis.project, target, known[0])
        # The rule files say which rule runs which check: a step names the check, never a rule id.
        rule_of = {rule.check: rule.id for rule in reversed(analysis.rules)}
        candidates: tuple[Candidate, ...] = ()
        if perform:
            candidates = tuple(
                Candidate(
                    rule_of[step.check],
                    Fix("guarded", step.edits, f"{step.title} ({step.where})"),
                    None,
                    f"plan step {i + 1}",
                )
                for i, step in plan.runnable()
                if step.check in rule_of and (not offered or offered[0] == (step.title, step.where))
            )
            if candidates and not offered:
                offered.extend((step.title, step.where) for _, step in plan.runnable()[:1])
        after = plan.next_step()
        reservations = tuple(
            Reservation(step.edits, f"waits on plan {step_label(plan, i)}, after {step_label(plan, after)}")
            for i, step in plan.reserved()
            if step.edits and after is not None
        )
        return Directive(candidates, reservations)

    return directive
