"""P2 of the runbook (leverage-domain.md §5.8 step 9): security users with MFA, member backends on DevOps. Pure."""

from __future__ import annotations

from dataclasses import replace

from mfa_guard.guide import commands
from mfa_guard.guide.facts import guide_order
from mfa_guard.guide.plan_model import CHECK_DEVOPS, Facts, Step
from mfa_guard.guide.shared_steps import confirm_step, profile_edit, reconfigure_step
from mfa_guard.model import Account, Project


def p2_steps(project: Project, accounts: list[Account], facts: Facts) -> list[Step]:
    members = [a for a in accounts if not a.is_management and a.backend is not None]
    started = any((a.backend.profile_value or "").endswith("-devops") for a in members if a.backend is not None)
    steps = [confirm_step(project, "security-mfa", "p2", started)]
    for account in members:
        wanted = f"{project.short_name}-{account.name}-devops"
        edit, why = profile_edit(project, account, wanted)
        base = Step(
            "edit",
            f'set profile = "{wanted}"',
            account.backend_path,
            "p2",
            "done",
            check=CHECK_DEVOPS,
            account=account.directory,
        )
        if why is not None:
            step = replace(base, kind="manual", status="blocked", note=why, blocking=True)
        elif edit is None:
            step = base
        elif not _has_devops(project, account.directory):
            note = f"no DevOps role module in {account.identities_layer}/roles.tf: add it and apply it first"
            step = replace(base, kind="manual", status="blocked", note=note, blocking=True)
        else:
            step = replace(base, status="todo", edits=(edit,))
        steps.append(step)
    if not guide_order(project.state.cli).fetch_mfa_first:  # 3.x fetched it with the first configure run
        steps.append(
            Step(
                "command",
                "fetch the MFA device into the DevOps profiles",
                ".",
                "p2",
                "check",
                commands.configure("SECURITY"),
            )
        )
    for account in members:
        steps.append(reconfigure_step(account, f"{project.short_name}-{account.name}-devops", facts, "p2"))
    return steps


def _has_devops(project: Project, directory: str) -> bool:
    return any(r.account == directory and r.kind == "devops" for r in project.roles)
