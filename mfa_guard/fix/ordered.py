"""`fix --to`: the plan decides which guarded edits run now and which text waits for a later step."""

from __future__ import annotations

from typing import Optional

from mfa_guard.analysis import Analysis
from mfa_guard.findings import Fix
from mfa_guard.fix.facts import load_facts
from mfa_guard.fix.fixer import Candidate, Directive, Planner, Reservation
from mfa_guard.fix.plan import Facts, Plan, build_plan


def step_label(plan: Plan, index: int) -> str:
    step = plan.steps[index]
    return f"step {index + 1} ({step.title} in {step.where})"


def planner(target: str, perform: bool, facts: Optional[Facts] = None) -> Planner:
    """Each pass: the edit steps before the first human step (when `perform`), and reservations
    on the text of every later edit step, so that no rule fix jumps ahead of the guide's order."""
    known: list[Facts] = [facts] if facts is not None else []

    def directive(analysis: Analysis) -> Directive:
        if not known:  # read once: recorded applies and .terraform do not change during a run
            known.append(load_facts(analysis.project))
        plan = build_plan(analysis.project, target, known[0])
        enabled = {rule.id for rule in analysis.rules}
        candidates: tuple[Candidate, ...] = ()
        if perform:
            candidates = tuple(
                Candidate(
                    step.rule, Fix("guarded", step.edits, f"{step.title} ({step.where})"), None, f"plan step {i + 1}"
                )
                for i, step in plan.runnable()
                if step.rule in enabled or step.rule == "PLAN"
            )
        stop = plan.first_stop()
        reservations = tuple(
            Reservation(step.edits, f"waits on plan {step_label(plan, i)}, after {step_label(plan, stop)}")
            for i, step in plan.reserved()
            if step.edits and stop is not None
        )
        return Directive(candidates, reservations)

    return directive
