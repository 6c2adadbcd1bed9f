"""`mfa-guard fix`: apply safe (and, with --guarded, guarded) fixes, then report what is left like check."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from mfa_guard.analysis import analyse
from mfa_guard.commands.options import add_analysis_arguments, add_output_arguments, analysis_options, emit, exit_code
from mfa_guard.errors import UserError
from mfa_guard.fix.diff import MASKED_NOTE, unified_diffs
from mfa_guard.fix.facts import load_facts
from mfa_guard.fix.fixer import compute_fixes
from mfa_guard.fix.outcome import DEFAULT_MAX_PASSES, FixPolicy, FixResult
from mfa_guard.fix.plan import TARGETS, build_plan
from mfa_guard.fix.render import render_dry_run, render_fix_summary, render_plan
from mfa_guard.project_info import project_info
from mfa_guard.report import Report
from mfa_guard.report.paths import from_cwd, rebase_cd

MACHINE_FORMATS = ("json", "sarif", "github")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_analysis_arguments(parser)
    show = parser.add_mutually_exclusive_group()
    show.add_argument("--diff", action="store_true", help="print a unified diff of the fixes; write nothing")
    show.add_argument("--dry-run", action="store_true", help="list the fixes that would be applied; write nothing")
    parser.add_argument(
        "--guarded",
        action="store_true",
        help="also apply guarded fixes whose preconditions are visible in the files (review them: they need a "
        "companion command such as an apply or `init -reconfigure`)",
    )
    parser.add_argument(
        "--to",
        choices=TARGETS,
        help="follow the ordered plan to this phase: with --guarded, write its file edits up to the first step "
        "that needs a person (an apply), and keep every other fix from jumping ahead of the plan",
    )
    parser.add_argument("--max-passes", type=int, default=DEFAULT_MAX_PASSES, help=argparse.SUPPRESS)
    add_output_arguments(parser)


def _refuse_formats(args: argparse.Namespace) -> None:
    """--diff prints a patch and --dry-run a list (or JSON): no other format has a meaning there."""
    if args.diff and args.format not in ("console", "plain"):
        raise UserError(
            f"--diff prints a patch; --format {args.format} is not available with it (use --dry-run --format json)"
        )
    if args.dry_run and args.format not in ("console", "plain", "json"):
        raise UserError(f"--dry-run prints a list of fixes or JSON; --format {args.format} is not available with it")


def _dry_run_json(result: FixResult) -> str:
    import json

    from mfa_guard.report.json_format import document

    assert result.initial is not None
    initial = result.initial
    data = document(Report(initial.findings, initial.rules, project_info(initial.project, initial.local)))
    data["would_fix"] = [
        {
            "rule": a.rule,
            "path": from_cwd(initial.project.root, a.path),
            "line": a.line,
            "applicability": a.applicability,
            "description": a.description,
        }
        for a in result.applied
    ]
    return json.dumps(data, indent=2) + "\n"


def run(args: argparse.Namespace) -> int:
    from mfa_guard.fix.ordered import planner

    _refuse_formats(args)
    # `--to` directs the plan; it does not demand the phase of the report (`--target-phase` does),
    # so a run that follows the guide reports its progress like `check`.
    options = analysis_options(args)
    policy = FixPolicy(
        guarded=args.guarded,
        max_passes=max(1, args.max_passes),
        planner=planner(args.to, args.guarded) if args.to else None,
    )
    result = compute_fixes(options, policy)
    assert result.initial is not None and result.analysis is not None
    notes: TextIO = sys.stderr if args.format in MACHINE_FORMATS or args.diff else sys.stdout
    if args.diff or args.dry_run:
        pairs = [(result.originals[path], source) for path, source in result.fixed.items()]
        root = result.analysis.project.root
        if args.diff:
            diff, masked = unified_diffs(pairs, lambda path: from_cwd(root, path, always_relative=True))
            sys.stdout.write(diff)
            if masked:
                notes.write(MASKED_NOTE.format(count=masked))
        else:
            sys.stdout.write(_dry_run_json(result) if args.format == "json" else render_dry_run(result))
        notes.write(render_fix_summary(result, None, verb="Would fix", shown=lambda c: rebase_cd(c, root)))
        return exit_code(result.initial.findings, args, result.initial.fail_on)
    written = _write(result)
    after = analyse(options) if written else result.analysis  # what is on disk now
    notes.write(render_fix_summary(result, written, shown=lambda c: rebase_cd(c, after.project.root)))
    emit(Report(after.findings, after.rules, project_info(after.project, after.local)), args)
    if args.to:
        notes.write(render_plan(build_plan(after.project, args.to, load_facts(after.project))))
    return exit_code(after.findings, args, after.fail_on)


def _write(result: FixResult) -> list[str]:
    from mfa_guard.fix.write import remove_leftovers, write_files

    assert result.analysis is not None
    project = result.analysis.project
    directories = {project.root, *((project.root / path).parent for path in project.sources)}
    for leftover in remove_leftovers(directories):
        sys.stderr.write(f"mfa-guard: removed {leftover.name}, a temporary file left by an interrupted run\n")
    if not result.fixed:
        return []
    return write_files(project.root, list(result.fixed.values()), result.originals)
