"""Mode (IAM/SSO) and phase of the post-deployment guide, inferred from the model (§5.3)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Optional

from mfa_guard.generation import UNKNOWN, CliGeneration, configured, from_build_env
from mfa_guard.guide.facts import mfa_flag_on, truth_requires_mfa
from mfa_guard.model import Account, Project, State
from mfa_guard.parse.dotenv import EnvFile
from mfa_guard.profiles import ProfileName, parse_profile

PHASES = ("p0", "p1", "p2")


def sso_enabled(project: Project) -> bool:
    """Leverage tests Python truthiness: a quoted "false" is a non-empty string, so SSO is on."""
    attribute = project.common_attr("sso_enabled")
    if attribute is None:
        return False
    expr = attribute.value
    if expr.kind == "bool":
        return bool(expr.value)
    if expr.kind == "string":
        return bool(expr.value)
    if expr.kind == "number":
        return bool(expr.value)
    return False


def mfa_enabled(project: Project, cli: CliGeneration = UNKNOWN) -> bool:
    """Does the root build.env turn the CLI's MFA step on (in the terms of its generation)?"""
    env = project.root_env
    entry = env.effective("MFA_ENABLED") if env is not None else None
    if entry is not None and entry.value is None:
        return False  # an unresolved interpolation: never guessed (see _flag_unresolved)
    return mfa_flag_on(entry.value if entry is not None else None, cli)


def cli_generation(envs: Iterable[EnvFile], number: Optional[int] = None, where: str = "") -> CliGeneration:
    """Configured (option or .mfa-guard.yaml) first, else the build.env markers."""
    if number is not None:
        return configured(number, where or ".mfa-guard.yaml")
    return from_build_env((env.path, entry.key, entry.key_span.line) for env in envs for entry in env.entries)


def _flag_unresolved(project: Project) -> bool:
    env = project.root_env
    entry = env.effective("MFA_ENABLED") if env is not None else None
    return entry is not None and entry.value is None


def backend_profile(project: Project, account: Account) -> Optional[ProfileName]:
    if account.backend is None or account.backend.profile_value is None:
        return None
    return parse_profile(account.backend.profile_value)


def oaar_requires_mfa(project: Project) -> dict[str, Optional[bool]]:
    """Per account directory: does its OAAR module require MFA (absent counts as true)?"""
    result: dict[str, Optional[bool]] = {}
    for role in project.roles:
        if role.kind == "oaar" and not role.oidc:
            result[role.account] = truth_requires_mfa(role.mfa_state)
    return result


def mode_unknown(project: Project) -> bool:
    """IAM or SSO is unknown: the file that holds sso_enabled exists but cannot be read or parsed,
    or sso_enabled is an expression (a tfvars file cannot reference anything; never guessed)."""
    path = project.common_path
    if path is not None and (project.common is None or any(p.path == path for p in project.problems)):
        return True
    attribute = project.common_attr("sso_enabled")
    return attribute is not None and not attribute.value.is_literal


def infer_state(project: Project, target_override: Optional[str] = None, cli: CliGeneration = UNKNOWN) -> State:
    # What the CLI does (3.x: `false` is on) vs what the team meant (`true` = the P1 marker in both).
    mfa, meant = mfa_enabled(project, cli), mfa_enabled(project)
    if mode_unknown(project):
        # Never guessed: every mode-dependent rule stays quiet while PAR001 reports the file.
        fact = f"sso_enabled in {project.common_path} cannot be read, so the mode (IAM or SSO) is unknown"
        overridden = target_override is not None
        return State("unknown", mfa, "unknown", target_override or "unknown", overridden, (fact,), cli)
    if sso_enabled(project):
        overridden = target_override is not None
        return State("sso", mfa, "sso", target_override or "sso", overridden, ("sso_enabled is truthy",), cli)
    # Member backends on `-oaar` are the same in P0 and P1, so they only matter next to `-devops`.
    markers: dict[str, set[str]] = {"p0": set(), "p1": set(), "p2": set(), "members": set(), "unknown": set()}
    facts: list[str] = []
    if _flag_unresolved(project):
        markers["unknown"].add("mfa")  # an interpolation yaenv resolves at run time: never guessed
        facts.append("MFA_ENABLED cannot be resolved")
    else:
        (markers["p1"] if meant else markers["p0"]).add("mfa")
        facts.append(f"MFA_ENABLED is {'true' if meant else 'not true'}")
        if cli.dockerless:
            facts.append(f"the 3.x CLI's MFA step is {'on' if mfa else 'off'}")
    management = project.management
    oaar = oaar_requires_mfa(project)
    known = [value for value in oaar.values() if value is not None]
    if known:
        if all(known):
            markers["p1"].add("oaar")
            facts.append("every OrganizationAccountAccessRole requires MFA")
        elif not any(known):
            markers["p0"].add("oaar")
            facts.append("no OrganizationAccountAccessRole requires MFA")
        else:
            markers["p1"].add("oaar-partial")
            facts.append("some OrganizationAccountAccessRoles require MFA, some do not")
    for account in project.accounts:
        profile = backend_profile(project, account)
        if profile is None:
            continue
        if account.is_management:
            if profile.is_bootstrap:
                markers["p0"].add("management-backend")
            elif profile.suffix == "oaar":
                markers["p1"].add("management-backend")
            facts.append(f"management backend uses {profile.text}")
        elif profile.suffix == "devops":
            markers["p2"].add("member-backend")
            markers["members"].add("devops")
        elif profile.suffix == "oaar":
            markers["members"].add("oaar")
    phase = _phase(markers, management is not None)
    if target_override is not None:
        return State("iam", mfa, phase, target_override, True, tuple(facts), cli)
    return State("iam", mfa, phase, _target(phase, markers), False, tuple(facts), cli)


def _phase(markers: dict[str, set[str]], has_management: bool) -> str:
    p0, p1, p2 = markers["p0"], markers["p1"], markers["p2"]
    if not p1 and not p2:
        return "p0"
    if p0 or "oaar-partial" in p1:
        return "transitional"
    required = ({"mfa", "management-backend"} if has_management else {"mfa"}) - markers["unknown"]
    if not required <= p1:
        return "transitional"
    if p2 and "oaar" in markers["members"]:
        return "transitional"
    return "p2" if p2 else "p1"


def _target(phase: str, markers: dict[str, set[str]]) -> str:
    """Where the project is heading: the furthest phase any marker already shows."""
    if phase in PHASES:
        return phase
    if markers["p2"]:
        return "p2"
    return "p1"


def at_least(state: State, phase: str) -> bool:
    """Is the target phase `phase` or later (IAM mode only)?"""
    return (
        state.mode == "iam" and state.target_phase in PHASES and PHASES.index(state.target_phase) >= PHASES.index(phase)
    )
