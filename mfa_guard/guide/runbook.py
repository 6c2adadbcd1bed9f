"""The guide's ordered steps (leverage-domain.md §5.8), from the files' state to P1 or P2. Pure.

One numbering for every command: `plan`, `fix --to`, `status`, the check notes and the ROL001
message all count these steps. An apply is done only when it was recorded; never inferred. The
steps follow the project's Leverage CLI generation (guide/facts.py `guide_order`): P1 in
guide/p1_steps.py, P2 in guide/p2_steps.py, the data in guide/plan_model.py.
"""

from __future__ import annotations

from typing import Optional

from mfa_guard.guide.facts import UNKNOWN_ORDER_NOTE
from mfa_guard.guide.order import in_guide_order
from mfa_guard.guide.p1_steps import p1_steps
from mfa_guard.guide.p2_steps import p2_steps

# Re-exported: the runbook's data, imported from here by checks, commands and tests.
from mfa_guard.guide.plan_model import CHECK_DEVOPS as CHECK_DEVOPS
from mfa_guard.guide.plan_model import CHECK_OAAR as CHECK_OAAR
from mfa_guard.guide.plan_model import CHECK_SWITCH as CHECK_SWITCH
from mfa_guard.guide.plan_model import CHECK_UNMANAGED as CHECK_UNMANAGED
from mfa_guard.guide.plan_model import TARGETS as TARGETS
from mfa_guard.guide.plan_model import Facts as Facts
from mfa_guard.guide.plan_model import Plan as Plan
from mfa_guard.guide.plan_model import Step as Step
from mfa_guard.guide.plan_model import apply_recorded as apply_recorded
from mfa_guard.guide.plan_model import oaar_digest as oaar_digest
from mfa_guard.guide.plan_model import oaar_roles as oaar_roles
from mfa_guard.guide.plan_model import project_facts
from mfa_guard.model import Project


def build_plan(project: Project, target: str, facts: Optional[Facts] = None) -> Plan:
    facts = facts or project_facts(project)
    if project.state.mode == "sso":
        return Plan(target, (), "the project is in SSO mode (sso_enabled is truthy): the IAM/MFA guide does not apply")
    if project.state.mode != "iam":
        return Plan(
            target,
            (),
            "the mode (IAM or SSO) cannot be told from config/common.tfvars (unreadable, or sso_enabled is an expression): fix that first",
        )
    if target not in TARGETS:
        return Plan(target, (), f"no steps lead to {target}: the plan goes from the bootstrap state to p1 or p2")
    if project.short_name is None:
        return Plan(target, (), "the project short name is unknown, so the target profiles cannot be named")
    accounts = in_guide_order(project.accounts)
    steps = p1_steps(project, accounts, facts)
    if target == "p2":
        steps += p2_steps(project, accounts, facts)
    note = None if project.state.cli.known else UNKNOWN_ORDER_NOTE
    return Plan(target, tuple(steps), note=note)
