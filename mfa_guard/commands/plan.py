"""`mfa-guard plan`: the ordered runbook of the guide from the files' state to P1 or P2."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from mfa_guard.analysis import analyse
from mfa_guard.commands.options import add_analysis_arguments, analysis_options
from mfa_guard.commands.tracked import untracked_warnings
from mfa_guard.errors import UserError
from mfa_guard.fix.facts import MARKER, load_facts, record_applied, record_confirmed
from mfa_guard.fix.render import plan_json, render_plan
from mfa_guard.guide import commands
from mfa_guard.guide.records import CONFIRMATIONS
from mfa_guard.guide.runbook import TARGETS, Plan, build_plan, oaar_digest
from mfa_guard.model import Project
from mfa_guard.report.paths import rebase_cd


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_analysis_arguments(parser)
    parser.add_argument("--to", choices=TARGETS, help="the phase to reach (default: the inferred target, else p1)")
    parser.add_argument(
        "--applied",
        action="append",
        default=[],
        metavar="LAYER",
        help=f"record that `{commands.APPLY}` succeeded in LAYER (or ACCOUNT) with the current code, in {MARKER}",
    )
    parser.add_argument(
        "--confirm",
        action="append",
        default=[],
        choices=sorted(CONFIRMATIONS),
        help="record that every management (or security) IAM user has a virtual MFA device: the guide "
        "writes the first role edit that needs it only after this",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    options = analysis_options(args)
    if args.to:
        options = dataclasses.replace(options, target_phase=args.to)
    project = analyse(options).project
    target = args.to or (project.state.target_phase if project.state.target_phase in TARGETS else "p1")
    recorded = bool(args.applied or args.confirm)
    for name in args.applied:
        layer = _apply_layer(project, target, name)
        record_applied(project.root, layer, oaar_digest(project, layer))
        sys.stderr.write(f"Recorded the apply of {layer} in {MARKER}.\n")
    for what in args.confirm:
        record_confirmed(project.root, what)
        sys.stderr.write(f"Recorded in {MARKER}: {CONFIRMATIONS[what]}.\n")
    if recorded:
        for warning in untracked_warnings(project.root, (MARKER,)):
            sys.stderr.write(warning + "\n")
        project = analyse(options).project  # the position follows the new records
    plan = build_plan(project, target, load_facts(project))
    if args.format == "json":
        json.dump(plan_json(plan), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_plan(_from_cwd(plan, project.root)))
    return 0


def _from_cwd(plan: Plan, root: Path) -> Plan:
    """The steps' `cd DIR` commands from where the user stands (they are written from the root)."""
    steps = tuple(
        dataclasses.replace(step, command=rebase_cd(step.command, root)) if step.command else step
        for step in plan.steps
    )
    return dataclasses.replace(plan, steps=steps)


def _apply_layer(project: Project, target: str, name: str) -> str:
    """The layer of an apply step of the plan, given as its directory or its account."""
    plan: Plan = build_plan(project, target)
    layers = [s.where for s in plan.steps if s.kind == "apply"]
    wanted = name.strip().rstrip("/")
    for layer in layers:
        if wanted in (layer, layer.split("/", 1)[0]):
            return layer
    choices = ", ".join(layers) or "none"
    raise UserError(f"--applied {name!r}: not a layer with an apply step of the plan (choose from: {choices})")
