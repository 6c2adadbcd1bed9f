"""Text for people about a fix run and the plan. Pure: returns strings, the commands print them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Callable, Optional

from mfa_guard.fix.outcome import Applied, FixResult
from mfa_guard.fix.plan import Plan, Step
from mfa_guard.guide.order import in_guide_order

_MARKS = {"done": "[x]", "todo": "[ ]", "check": "[?]", "blocked": "[!]"}
_KINDS = {"edit": "edit", "apply": "run", "command": "run", "manual": "do"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _in_guide_order(result: FixResult) -> list[Applied]:
    """The applied fixes by account in the guide's order (management, security, shared, the rest),
    the plan's steps first by their number; the project root's files (build.env) with management."""
    project = result.analysis.project if result.analysis is not None else None
    ranks = {a.directory: i for i, a in enumerate(in_guide_order(project.accounts))} if project else {}
    management = next((a.directory for a in project.accounts if a.is_management), None) if project else None

    def key(item: tuple[int, Applied]) -> tuple[int, int, int]:
        index, applied = item
        top = applied.path.split("/", 1)[0] if "/" in applied.path else (management or "")
        step = int(applied.origin.rsplit(" ", 1)[-1]) if applied.origin.startswith("plan step ") else 0
        return (step, ranks.get(top, len(ranks)), index)

    return [a for _, a in sorted(enumerate(result.applied), key=key)]


def render_fix_summary(
    result: FixResult,
    written: Optional[Sequence[str]],
    verb: str = "Fixed",
    shown: Optional[Callable[[str], str]] = None,
) -> str:
    """What was (or would be) applied, rejected, held; `written` None for --diff / --dry-run.

    `shown` rewrites a companion command for the working directory (its `cd` paths).
    """
    lines = []
    files = sorted(result.fixed)
    if result.applied:
        where = f" in {_plural(len(files), 'file')}"
        passes = "1 pass" if result.passes == 1 else f"{result.passes} passes"
        lines.append(f"{verb} {_plural(len(result.applied), 'finding')}{where} ({passes}).")
    else:
        lines.append("Nothing to fix." if not result.held else "No fix was applied.")
    if written is not None and written:
        lines.append("Wrote: " + ", ".join(written))
    for bad in result.rejected:
        lines.append(
            f"BUG: the fix of {bad.rule} in {bad.path} ({bad.description}) was rejected: {bad.problem}. "
            "Please report it; the finding is left as it is."
        )
    for path in result.unstable:
        lines.append(f"{path}: still changing after the maximum number of passes; nothing was written for it.")
    for held in result.held:
        lines.append(f"  not fixed: {held.rule} {held.path}:{held.line} {held.description}: {held.reason}")
    companions = list(dict.fromkeys(a.companion for a in _in_guide_order(result) if a.companion))
    if companions:
        lines.append("A file edit cannot do everything; then run:")
        lines += [f"  {shown(command) if shown else command}" for command in companions]
    return "\n".join(lines) + "\n"


def render_dry_run(result: FixResult) -> str:
    lines = [
        f"would fix {a.rule} {a.path}:{a.line}: {a.description} ({a.applicability}{', ' + a.origin if a.origin else ''})"
        for a in result.applied
    ]
    return "\n".join(lines) + ("\n" if lines else "")


def _step_line(number: int, step: Step) -> str:
    action = step.command or step.title
    where = f"in {step.where}" if step.kind != "edit" else step.where
    head = f"{number:>3}. {_MARKS[step.status]} {_KINDS[step.kind]:<4} {where}: {action}"
    if step.kind != "edit" and step.command:
        head += f"  ({step.title})"
    return head + (f"  [{step.note}]" if step.note else "")


def render_plan(plan: Plan) -> str:
    if plan.message:
        return f"Plan to {plan.target}: {plan.message}\n"
    lines = [f"Plan to {plan.target} ([x] done, [ ] to do, [?] not visible in the files, [!] needs you first):"]
    if plan.note:
        lines.append(f"Note: {plan.note}.")
    current = ""
    for number, step in enumerate(plan.steps, start=1):
        if step.phase != current:
            current = step.phase
            lines.append(f"{'P1: management users with MFA' if current == 'p1' else 'P2: security users with MFA'}")
        lines.append(_step_line(number, step))
    lines.append(render_stop(plan))
    return "\n".join(lines) + "\n"


def render_stop(plan: Plan, command: str = "mfa-guard fix --to {target} --guarded") -> str:
    stop = plan.next_step()
    again = command.format(target=plan.target)
    if stop is None:
        return f"The files are at {plan.target}; run the remaining commands above that are not done yet."
    step = plan.steps[stop]
    if step.kind == "edit" and step.edits:
        return f"Next step: step {stop + 1}: {step.title} ({step.where}): `{again}` writes it (one step per run)."
    where = "" if step.command is not None and step.command.startswith("cd ") else f" in {step.where}"
    what = f"`{step.command}`{where}" if step.command else f"{step.title} ({step.where})"
    after = f" ({step.note})" if step.note else ""
    return f"Next step needs a person: step {stop + 1}: {what}{after}. Then run `{again}` again."


def plan_json(plan: Plan) -> dict[str, Any]:
    return {
        "target": plan.target,
        "message": plan.message,
        "note": plan.note,
        "complete": plan.complete,
        "next_human_step": None if plan.first_stop() is None else (plan.first_stop() or 0) + 1,
        "next_step": None if plan.next_step() is None else (plan.next_step() or 0) + 1,
        "steps": [
            {
                "number": number,
                "kind": step.kind,
                "status": step.status,
                "phase": step.phase,
                "title": step.title,
                "file" if step.kind == "edit" else "cwd": step.where,
                "command": step.command,
                "check": step.check,
                "note": step.note,
                "blocking": step.blocking,
            }
            for number, step in enumerate(plan.steps, start=1)
        ],
    }
