"""Steps both phases of the runbook build: a confirmation, a backend profile edit, a re-initialisation. Pure."""

from __future__ import annotations

from typing import Optional

from mfa_guard.findings import TextEdit
from mfa_guard.fix.edits import replace_string_value
from mfa_guard.guide import commands
from mfa_guard.guide.facts import guide_order
from mfa_guard.guide.plan_model import LOCKOUT, Facts, Step
from mfa_guard.guide.records import CONFIRMATIONS
from mfa_guard.model import Account, Project


def confirm_step(project: Project, what: str, phase: str, passed: bool) -> Step:
    record = project.records.confirmed(what)
    fetch = guide_order(project.state.cli).fetch_mfa_first  # 3.x: the -mfa profiles need the device at once
    configure = commands.configure(what.split("-")[0].upper(), fetch_mfa=fetch, skip_keys=False)
    title = f"confirm that {CONFIRMATIONS[what]}; then `{configure}`"
    command = commands.confirm(what)
    if record is not None:
        note = f"confirmed {record.date or ''} by {record.user or 'unknown'}".replace("  ", " ")
        return Step("manual", title, ".", phase, "done", command, note=note, blocking=True)
    if passed:  # the files are already past the step this guards: not blocking, but never [x]
        return Step("manual", title, ".", phase, "check", command, note="not recorded", blocking=True)
    return Step("manual", title, ".", phase, "todo", command, note=LOCKOUT, blocking=True)


def profile_edit(project: Project, account: Account, wanted: str) -> tuple[Optional[TextEdit], Optional[str]]:
    """(edit or None when already there, why it cannot be written)."""
    attribute = account.backend.profile if account.backend is not None else None
    if attribute is not None and account.backend is not None and account.backend.profile_value == wanted:
        return None, None
    if attribute is None or attribute.value.kind != "string":
        return None, f"{account.backend_path} has no literal profile; write it by hand"
    return replace_string_value(attribute.value.span, project.sources[attribute.span.path], wanted), None


def reconfigure_step(account: Account, profile: str, facts: Facts, phase: str) -> Step:
    """One step per account, listing its layers initialised with another profile (all of them
    when .terraform cannot be seen)."""
    known = {layer: facts.initialised[layer] for layer in account.layers if layer in facts.initialised}
    stale = [layer for layer, current in known.items() if current != profile]
    title = f"re-initialise the backends of {account.directory}/ with {profile}"
    if known and not stale:
        return Step(
            "command",
            title,
            account.directory,
            phase,
            "done",
            commands.reconfigure_all(known),
            account=account.directory,
        )
    if stale:
        note = "initialised with another profile: " + ", ".join(stale)
        return Step(
            "command",
            title,
            account.directory,
            phase,
            "todo",
            commands.reconfigure_all(stale),
            note=note,
            account=account.directory,
        )
    layers = list(account.layers)
    note = f"in each layer initialised before ({len(layers)} layers)"
    return Step(
        "command",
        title,
        account.directory,
        phase,
        "check",
        commands.reconfigure_all(layers),
        note=note,
        account=account.directory,
    )
