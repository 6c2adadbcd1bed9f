"""build.env checks (ENV): how the Leverage CLI really reads MFA_ENABLED and friends."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Optional

from mfa_guard.checks.base import CheckContext, CheckSpec
from mfa_guard.checks.env_duplicate import duplicate_key
from mfa_guard.checks.wiring import backend_profile, flag_blocker
from mfa_guard.findings import Fix, TextEdit, Violation
from mfa_guard.fix.edits import replace_span
from mfa_guard.generation import caveat
from mfa_guard.guide.facts import mfa_flag_on
from mfa_guard.parse.dotenv import EnvFile
from mfa_guard.phase import at_least

MFA_KEY = "MFA_ENABLED"
CANONICAL = ("true", "false")


def export_prefix(ctx: CheckContext) -> Iterator[Violation]:
    for env in ctx.project.build_envs:
        source = ctx.project.sources[env.path]
        for entry in env.entries:
            if not entry.exported:
                continue
            start = source.text.rfind("export", entry.line_span.start, entry.key_span.start)
            span = source.index.span(env.path, start, entry.key_span.start)
            fix = Fix("safe", (replace_span(span, ""),), f"drop `export` before {entry.key}")
            yield Violation(span, f"`export {entry.key}=...` in {env.path}", fix, address=f"{env.path}:{entry.key}")


def mfa_value_for(ctx: CheckContext) -> str:
    return "true" if at_least(ctx.project.state, "p1") else "false"


def flag_noncanonical(ctx: CheckContext) -> Iterator[Violation]:
    if ctx.project.state.cli.dockerless:
        yield from _noncanonical_3x(ctx)
        return
    for env in ctx.project.build_envs:
        for entry in env.all(MFA_KEY):
            if entry.value is None:
                continue  # unresolved interpolation: never guess
            if entry.value in CANONICAL:
                if entry.quote:
                    fix = Fix("safe", (replace_span(entry.value_span, entry.value),), "remove the quotes")
                    yield Violation(
                        entry.value_span,
                        f"{MFA_KEY} is quoted ({entry.raw_value}); quotes are stripped, so this is style only",
                        fix,
                        severity="note",
                        address=f"{env.path}:{MFA_KEY}",
                    )
                continue
            wanted = mfa_value_for(ctx)
            value_fix: Optional[Fix] = Fix(
                "guarded",
                (replace_span(entry.value_span, wanted),),
                f"set {MFA_KEY}={wanted} (the target phase's value)",
                blocked_by=flag_blocker(ctx.project) if wanted == "true" else None,
            )
            if ctx.project.state.mode not in ("iam", "sso"):
                value_fix = None  # the mode is unknown (common.tfvars unreadable): the wanted value is too
            shown = entry.raw_value or "an empty value"
            yield Violation(
                entry.value_span,
                f"{MFA_KEY} is {shown} in {env.path}, which the CLI reads as off (only the exact lower-case `true` turns MFA on)"
                + caveat(ctx.project.state.cli),
                value_fix,
                address=f"{env.path}:{MFA_KEY}",
            )


def _noncanonical_3x(ctx: CheckContext) -> Iterator[Violation]:
    """3.x never casts the value: anything but empty is on, so `false` is the misleading spelling;
    the empty value is 3.x's one way to say off and is never rewritten (to `false`: exit 40).

    From P1 on the fix writes `true`, which the 3.x CLI reads as it reads the value found: only the
    spelling changes. In P0 there is no fix: the guide's 3.x order keeps the inherited value and
    turns the MFA step off only where layers run on base credentials (MFA006, an empty value in
    that account's build.env); respelling it `true` would also move the guide's position."""
    if ctx.project.state.mode == "sso":
        return  # SSO comes first in 3.x (auth.py:130-134): the value is not read at all
    in_p1 = at_least(ctx.project.state, "p1")
    for env in ctx.project.build_envs:
        for entry in env.all(MFA_KEY):
            if entry.value is None or entry.value in ("true", ""):
                continue
            fix = None
            if in_p1 and ctx.project.state.mode == "iam":
                fix = Fix(
                    "guarded",
                    (replace_span(entry.value_span, "true"),),
                    f"set {MFA_KEY}=true (what the 3.x CLI reads it as)",
                )
            yield Violation(
                entry.value_span,
                f"{MFA_KEY} is {entry.raw_value} in {env.path}, which the 3.x CLI reads as on (any non-empty "
                "value turns its MFA step on; only an empty value turns it off)"
                + (
                    ""
                    if in_p1
                    else "; in P0 it stays: only the accounts on base credentials need an empty one (MFA006)"
                ),
                fix,
                severity="note",
                address=f"{env.path}:{MFA_KEY}",
            )


def flag_missing(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    if project.state.mode != "iam":
        return
    env = project.root_env
    if env is None:
        return  # no root build.env: the project root check reports that elsewhere
    if env.effective(MFA_KEY) is not None:
        return
    wanted = mfa_value_for(ctx)
    if project.state.cli.dockerless and wanted != "true":
        message = f"the root build.env has no {MFA_KEY}: the 3.x CLI's default ('false') turns its MFA step on"
        yield Violation(project.sources[env.path].index.span(env.path, 0, 0), message, severity="note")
        return  # P0 on 3.x: MFA006 says where an empty MFA_ENABLED= is needed
    source = project.sources[env.path]
    text = source.text
    prefix = "" if not text or text.endswith("\n") else source.newline
    edit = TextEdit(env.path, len(text), len(text), f"{prefix}{MFA_KEY}={wanted}{source.newline}")
    severity = None if wanted == "true" and not project.state.cli.dockerless else "note"
    start = source.index.span(env.path, 0, 0)
    blocker = flag_blocker(project) if wanted == "true" else None  # §5.8: step 5 before step 6
    off = "so the CLI runs with MFA off"
    on = "the 3.x CLI's default ('false') already turns its MFA step on; say so"
    yield Violation(
        start,
        f"the root build.env has no {MFA_KEY}, {on if project.state.cli.dockerless else off}"
        + caveat(project.state.cli),
        Fix("safe", (edit,), f"add {MFA_KEY}={wanted}", blocked_by=blocker),
        severity=severity,
        address=f"{env.path}:{MFA_KEY}",
    )


def layer_override(ctx: CheckContext) -> Iterator[Violation]:
    envs = sorted(ctx.project.build_envs, key=lambda e: e.directory.count("/") if e.directory else -1)
    for env in envs:
        if env.directory == "":
            continue
        entry = env.effective(MFA_KEY)
        if entry is None or entry.value is None:
            continue
        inherited = _inherited(envs, env)
        cli = ctx.project.state.cli
        if cli.dockerless:
            if mfa_flag_on(entry.value, cli) == mfa_flag_on(inherited, cli) or _base_credentials_off(
                ctx, env, entry.value
            ):
                continue  # 3.x: only on/off matters; an empty value over a bootstrap backend is its P0 fix
            state = "on" if mfa_flag_on(entry.value, cli) else "off"
            yield Violation(
                entry.value_span,
                f"sets {MFA_KEY}={entry.raw_value} while its parents give {inherited!r}, so every layer below "
                f"this directory runs with the 3.x CLI's MFA step {state}",
                address=f"{env.path}:{MFA_KEY}",
            )
        elif entry.value != inherited:
            yield Violation(
                entry.value_span,
                f"sets {MFA_KEY}={entry.raw_value} while its parents give {inherited}, so every layer below this "
                f"directory runs with MFA {'on' if entry.value == 'true' else 'off'}",
                address=f"{env.path}:{MFA_KEY}",
            )


def _base_credentials_off(ctx: CheckContext, env: EnvFile, value: str) -> bool:
    """`<account>/build.env` with MFA_ENABLED= for an account on base credentials (MFA006's fix)."""
    account = ctx.project.account(env.directory)
    profile = backend_profile(account) if account is not None else None
    return value == "" and profile is not None and profile.account is None


def _inherited(envs: list[EnvFile], env: EnvFile) -> str:
    """The MFA_ENABLED value the hierarchy above `env` gives (parent to child, last wins)."""
    value = "false"
    for parent in envs:
        inside = parent.directory == "" or env.directory.startswith(parent.directory + "/")
        entry = parent.effective(MFA_KEY) if inside and parent is not env else None
        if entry is not None and entry.value is not None:
            value = entry.value
    return value


def project_mismatch(ctx: CheckContext) -> Iterator[Violation]:
    sources = [
        s for s in ctx.project.short_names if s.origin not in ("configuration", "inferred from backend profiles")
    ]
    values = {s.value for s in sources}
    if len(values) < 2:
        return
    listing = ", ".join(f"{s.origin} says {s.value!r}" for s in sources)
    first = sources[0]
    for source in sources[1:]:
        if source.value != first.value:
            yield Violation(
                source.span,
                f"short name {source.value!r} disagrees with {first.origin} ({first.value!r}): {listing}",
                address=f"short-name:{source.origin}",
            )


CHECKS = {
    "env_export_prefix": CheckSpec(export_prefix, "A build.env line starts with `export `."),
    "mfa_flag_noncanonical": CheckSpec(flag_noncanonical, "MFA_ENABLED is not exactly `true` or `false`."),
    "env_duplicate_key": CheckSpec(
        duplicate_key,
        "A build.env key is assigned more than once (optionally only the listed keys).",
        params={"keys": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
    ),
    "mfa_flag_missing": CheckSpec(flag_missing, "The root build.env has no MFA_ENABLED."),
    "mfa_flag_layer_override": CheckSpec(layer_override, "A nested build.env changes the effective MFA_ENABLED."),
    "project_name_mismatch": CheckSpec(project_mismatch, "The short name differs between its sources."),
}
