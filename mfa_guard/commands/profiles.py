"""`mfa-guard profiles`: verify the local Leverage AWS profiles and delegate their setup to the CLI."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from mfa_guard.analysis import Analysis, analyse
from mfa_guard.commands.local_options import (
    EXIT_UNREADABLE,
    add_aws_dir_argument,
    local_notes,
    refuse_in_ci,
    unreadable,
    warn_notes,
)
from mfa_guard.commands.options import PHASE_CHOICES, add_output_arguments, emit, exit_code
from mfa_guard.findings import Finding
from mfa_guard.guide.order import in_guide_order
from mfa_guard.local.model import KEY_ID, LocalState, mask
from mfa_guard.local.plan import Step, build_plan, unplanned
from mfa_guard.local.usage import used_profiles
from mfa_guard.prepare import Options
from mfa_guard.project_info import project_info
from mfa_guard.report import Report

LOCAL_RULES = ("LOC",)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", nargs="?", type=Path, default=Path(), metavar="PATH", help="a directory inside the project"
    )
    add_aws_dir_argument(parser)
    parser.add_argument(
        "--exec",
        dest="execute",
        action="store_true",
        help="run the printed `leverage` commands in order (terminal attached), stop at the first failure, re-check",
    )
    parser.add_argument("--target-phase", choices=PHASE_CHOICES, help="the phase to check against (default: inferred)")
    parser.add_argument("--management-account", metavar="DIR", help="the management account directory")
    parser.add_argument(
        "--leverage-cli", type=int, choices=(2, 3), help="the Leverage CLI generation (default: inferred)"
    )
    add_output_arguments(parser)


def run(args: argparse.Namespace) -> int:
    refuse_in_ci(False)
    options = Options(
        path=args.path,
        select=LOCAL_RULES,
        target_phase=args.target_phase,
        management_account=args.management_account,
        leverage_cli=args.leverage_cli,
        local=True,
        aws_dir=args.aws_dir,
    )
    analysis = analyse(options)
    console = args.format == "console"
    if args.execute:
        return _execute(analysis, options, args)
    _print(analysis, args, sys.stdout if console else sys.stderr, overview=console)
    code = exit_code(analysis.findings, args, analysis.fail_on)
    return EXIT_UNREADABLE if unreadable(analysis) else code


def _print(analysis: Analysis, args: argparse.Namespace, plan_stream: TextIO, overview: bool) -> None:
    assert analysis.local is not None
    if overview:
        sys.stdout.write(render_overview(analysis, analysis.local))
    emit(
        Report(
            analysis.findings,
            analysis.rules,
            project_info(analysis.project, analysis.local),
            notes=local_notes(analysis),
        ),
        args,
    )
    warn_notes(analysis, args.format)
    plan = render_plan(
        build_plan(analysis.findings, [a.directory for a in in_guide_order(analysis.project.accounts)]),
        analysis.findings,
    )
    plan_stream.write(("\n" if overview and plan else "") + plan)
    if unreadable(analysis):
        sys.stderr.write("mfa-guard: some local files could not be read; the checks that need them were skipped\n")


def _execute(analysis: Analysis, options: Options, args: argparse.Namespace) -> int:
    from mfa_guard.local.run import find_leverage, run_steps

    steps = build_plan(analysis.findings, [a.directory for a in in_guide_order(analysis.project.accounts)])
    runnable = [step for step in steps if step.runnable]
    log = sys.stderr
    if not runnable or unreadable(analysis):
        _print(analysis, args, sys.stdout if args.format == "console" else log, overview=args.format == "console")
        # never let the CLI rewrite files mfa-guard could not even read
        log.write("mfa-guard: nothing was run\n" if runnable else "mfa-guard: no `leverage` command to run\n")
        return EXIT_UNREADABLE if unreadable(analysis) else exit_code(analysis.findings, args, analysis.fail_on)
    leverage = find_leverage()  # before anything runs: a clear message when the CLI is missing
    log.write(render_plan(steps, analysis.findings))
    # With a machine format, stdout carries only the report: the CLI's own output goes to stderr.
    child_stdout = None if args.format == "console" else log
    from mfa_guard.local.dockerless_exec import checks_for

    checks = checks_for(analysis, options)  # 3.x: the files, not the exit codes, say what happened
    outcome = run_steps(steps, analysis.project.root, log, leverage, stdout=child_stdout, checks=checks)
    after = analyse(options)  # re-check: the files changed under us
    log.write("==> re-checking the local profiles\n")
    _print(after, args, sys.stdout if args.format == "console" else log, overview=args.format == "console")
    if outcome.failed is not None:
        return 1
    return EXIT_UNREADABLE if unreadable(after) else exit_code(after.findings, args, after.fail_on)


def render_overview(analysis: Analysis, local: LocalState) -> str:
    project = analysis.project
    state = project.state
    lines = [
        f"Project {project.short_name or '?'}: {state.mode.upper()} mode, phase {state.phase}"
        + (f" (target {state.target_phase})" if state.target_phase != state.phase else "")
        + f", MFA_ENABLED {'true' if state.mfa_enabled else 'not true'}"
        if not state.cli.dockerless
        else f", MFA step {'on' if state.mfa_enabled else 'off'}",
        f"Leverage CLI {state.cli.label}: {state.cli.reason}",
        f"Local AWS files: {local.directory} ({_count(local.config.sections, 'profile')} in config, "
        f"{_count(local.credentials.sections, 'section')} in credentials)",
    ]
    by_profile: dict[str, list[str]] = {}
    for finding in analysis.findings:
        key = (finding.address or "").split(":")
        if key[0] == "profile" and len(key) > 1:
            by_profile.setdefault(key[1], []).append(finding.rule)
    uses = used_profiles(project)
    if uses:
        lines += ["", "Profiles this project uses:"]
        width = max(len(use.profile.text) for use in uses)
        for use in uses:
            status = ", ".join(sorted(set(by_profile.get(use.profile.text, [])))) or "ok"
            lines.append(f"  {use.profile.text:<{width}}  {use.where:<44} {status}")
    if local.credentials.sections:
        lines += ["", "Credentials (keys masked):"]
        for section in local.credentials.sections.values():
            key_id = section.get(KEY_ID)
            shown = f"{KEY_ID} {mask(key_id)}" if key_id else "no access key"
            secret = "secret set" if section.get("aws_secret_access_key") else "no secret"
            lines.append(f"  [{section.name}] {shown}, {secret}")
    return "\n".join(lines) + "\n\n"


def _count(sections: object, noun: str) -> str:
    if sections is None:
        return "unreadable"
    n = len(sections)  # type: ignore[arg-type]
    return f"{n} {noun}{'s' if n != 1 else ''}"


def render_plan(steps: list[Step], findings: list[Finding]) -> str:
    if not steps and not unplanned(findings):
        return "Nothing to run: the local profiles match the project.\n" if not findings else ""
    lines = []
    if steps:
        lines.append("Run these in this order, from the project root (`mfa-guard profiles --exec` runs the commands):")
        for position, step in enumerate(steps, 1):
            label = step.command if step.runnable else f"(by hand) {step.command}"
            lines += [f"  {position}. {label}", f"     fixes {step.fixes()}"]
    left = unplanned(findings)
    if left:
        lines.append("No command fixes these (profiles the Leverage CLI does not write); edit them by hand:")
        lines += [f"  - {f.rule} {f.span.path}:{f.span.line}" for f in left]
    return "\n".join(lines) + "\n"
