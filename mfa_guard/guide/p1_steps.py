"""P1 of the runbook (leverage-domain.md §5.8 steps 1-8): management users with MFA. Pure."""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from mfa_guard.findings import TextEdit
from mfa_guard.fix.edits import delete_line, replace_span, set_attribute
from mfa_guard.guide import commands
from mfa_guard.guide.facts import EXPRESSION, MFA_KEY, guide_order, mfa_flag_on, truth_requires_mfa
from mfa_guard.guide.flags import account_env, account_mfa_value, own_flag_entry
from mfa_guard.guide.plan_model import (
    CHECK_EMPTY_FLAG,
    CHECK_OAAR,
    CHECK_SWITCH,
    CHECK_UNMANAGED,
    LOCKOUT,
    MFA,
    Facts,
    Step,
    apply_recorded,
    oaar_roles,
)
from mfa_guard.guide.shared_steps import confirm_step, profile_edit, reconfigure_step
from mfa_guard.model import Account, Project, Role


def _switched(account: Optional[Account]) -> bool:
    """The management backend left base credentials: the files show step 5 was done."""
    profile = account.backend.profile_value if account is not None and account.backend is not None else None
    return profile is not None and profile.rsplit("-", 1)[-1] not in ("bootstrap", "management", "security")


def p1_steps(project: Project, accounts: list[Account], facts: Facts) -> list[Step]:
    management = project.management
    order = guide_order(project.state.cli)
    past = _switched(management)
    first_edit = any(truth_requires_mfa(r.mfa_state) for a in accounts[:1] for r in oaar_roles(project, a.directory))
    steps = [confirm_step(project, "management-mfa", "p1", past or first_edit)]
    if order.empty_flag_on_base_credentials and management is not None:
        steps.append(_empty_flag_step(project, management, past))
    before_oaar = len(steps)
    for account in accounts:
        steps += _oaar_steps(project, account, facts, past, first=len(steps) == before_oaar)
    if management is not None:
        steps.append(_switch_step(project, management))
        if not order.fetch_mfa_first:  # 3.x fetched the device with the first configure run
            steps.append(
                Step(
                    "command",
                    "fetch the MFA device into the role profiles",
                    ".",
                    "p1",
                    "check",
                    commands.configure("MANAGEMENT"),
                )
            )
        steps.append(reconfigure_step(management, f"{project.short_name}-{management.name}-oaar", facts, "p1"))
    return steps


def _empty_flag_step(project: Project, management: Account, past: bool) -> Step:
    """3.x: the management layers run on base credentials until the switch, which the 3.x CLI's MFA
    step cannot do (exit 40): an empty MFA_ENABLED= in the management account's build.env turns
    that step off for them only (leverage-cli-3.md §5)."""
    env_path = f"{management.directory}/build.env"
    title = (
        f"keep an empty {MFA_KEY}= in {env_path} while {management.backend_path} uses base credentials "
        "(the 3.x CLI's MFA step off for the management layers only)"
    )
    own = own_flag_entry(project, management)
    if own is not None:  # an appended empty value would not override it: empty this one (mfa-guard writes it)
        edit = replace_span(own.value_span, "")
        base = Step(
            "edit",
            title,
            env_path,
            "p1",
            "todo",
            edits=(edit,),
            check=CHECK_EMPTY_FLAG,  # the state this step ends (MFA006)
            blocking=True,
            account=management.directory,
        )
    else:
        command = commands.empty_mfa_flag_in(management.directory)
        base = Step("command", title, ".", "p1", "todo", command, blocking=True, account=management.directory)
    if past:
        return replace(base, status="done", note="not needed after the switch to the role profile")
    if account_mfa_value(project, management) == "":
        return replace(base, status="done")
    return base


def _oaar_steps(project: Project, account: Account, facts: Facts, past: bool, first: bool) -> list[Step]:
    layer = account.identities_layer
    if not any(il.account == account.directory for il in project.identity_layers):
        return []  # no base-identities layer: ROL004 and the account's own guide cover it
    roles = oaar_roles(project, account.directory)
    if not roles:
        title = "add the OrganizationAccountAccessRole module with role_requires_mfa = true and import the role"
        return [
            Step(
                "manual",
                title,
                layer,
                "p1",
                "blocked",
                commands.import_oaar_in(layer),
                check=CHECK_UNMANAGED,
                blocking=True,
                account=account.directory,
            )
        ]
    steps = [_role_step(project, role) for role in roles]
    edited = all(s.status == "done" for s in steps)
    applied = edited and apply_recorded(project, account, facts)
    record = project.records.entries.get(layer)
    if applied:
        status, note = "done", f"recorded {record.date or ''} by {record.user or 'unknown'}" if record else None
    elif edited and past:
        status, note = "check", f"not recorded; after checking it ran, record it: `{commands.record_apply(layer)}`"
    else:
        status, note = "todo", f"after it succeeds, record it: `{commands.record_apply(layer)}`"
    if first and status != "done":
        note = f"{LOCKOUT}; {note}"
    steps.append(
        Step(
            "apply",
            f"apply the OrganizationAccountAccessRole MFA requirement of {account.directory}",
            layer,
            "p1",
            status,
            commands.apply_in(layer),
            note=note,
            blocking=True,
            account=account.directory,
        )
    )
    return steps


def _role_step(project: Project, role: Role) -> Step:
    title = f"set {MFA} = true on module.{role.module_name}"
    base = Step("edit", title, role.path, "p1", "done", check=CHECK_OAAR, account=role.account)
    state = role.mfa_state
    attribute = role.requires_mfa
    if truth_requires_mfa(state) or attribute is None:
        return base
    if state == EXPRESSION:
        note = f"{MFA} is an expression ({attribute.value.text}); set it to true by hand"
        return replace(base, kind="manual", status="blocked", note=note, blocking=True)
    return replace(base, status="todo", edits=(set_attribute(attribute, "true"),))


def _flag_edit(project: Project) -> tuple[Optional[TextEdit], Optional[str]]:
    env = project.root_env
    if env is None:
        return None, "there is no root build.env"
    entry = env.effective(MFA_KEY)
    if entry is not None and mfa_flag_on(
        entry.value, project.state.cli
    ):  # quoted is still on; ENV002 handles the style
        return None, None
    if entry is not None:
        return replace_span(entry.value_span, "true"), None
    source = project.sources[env.path]
    prefix = "" if not source.text or source.text.endswith("\n") else source.newline
    return TextEdit(env.path, len(source.text), len(source.text), f"{prefix}{MFA_KEY}=true{source.newline}"), None


def _switch_step(project: Project, management: Account) -> Step:
    """§5.8 steps 5 and 6 in one commit: a switched backend with MFA off breaks the CLI (and MFA
    on with a bootstrap backend too), so the two edits never land apart. On 3.x the empty
    MFA_ENABLED= of the management account's build.env goes in the same commit."""
    wanted = f"{project.short_name}-{management.name}-oaar"
    env_path = project.root_env.path if project.root_env is not None else "build.env"
    dockerless = guide_order(project.state.cli).empty_flag_on_base_credentials
    if dockerless:
        title = (
            f'set profile = "{wanted}" in {management.backend_path} and turn the 3.x MFA step on for '
            f"{management.directory}/ (no empty {MFA_KEY}= in {management.directory}/build.env or {env_path})"
        )
    else:
        title = f'set profile = "{wanted}" in {management.backend_path} and {MFA_KEY}=true in {env_path}'
    profile, why_profile = profile_edit(project, management, wanted)
    flag, why_flag = _flag_edit(project)
    base = Step("edit", title, management.backend_path, "p1", "done", check=CHECK_SWITCH, account=management.directory)
    why = why_profile or why_flag
    if why is not None:
        return replace(base, kind="manual", status="blocked", note=why, blocking=True)
    removal = _empty_flag_removal(project, management) if dockerless else None
    edits = tuple(e for e in (profile, flag, removal) if e is not None)
    return replace(base, status="todo", edits=edits) if edits else base


def _empty_flag_removal(project: Project, management: Account) -> Optional[TextEdit]:
    """Delete the management account's `MFA_ENABLED=` line (3.x: the step on again there)."""
    env = account_env(project, management)
    entry = env.effective(MFA_KEY) if env is not None else None
    if env is None or entry is None or entry.value != "":
        return None
    return delete_line(entry.line_span, project.sources[env.path])
