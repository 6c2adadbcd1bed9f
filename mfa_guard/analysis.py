"""One analysis run: after prepare() (root, config, rules, file listing), load the model, evaluate,
then apply inline suppressions and the baseline. Shared by every command."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Callable, Optional

from mfa_guard.checks import REGISTRY
from mfa_guard.checks.base import Settings
from mfa_guard.checks.generic import hcl_file_predicate
from mfa_guard.config import Config
from mfa_guard.engine import evaluate
from mfa_guard.findings import Finding
from mfa_guard.generation import CliGeneration, from_local_config
from mfa_guard.load.project import DEFAULT_OUTPUT_FILTER, LoadOptions, load_project
from mfa_guard.local.model import LocalState
from mfa_guard.model import Project
from mfa_guard.phase import infer_state
from mfa_guard.prepare import Options, Prepared, prepare
from mfa_guard.rules import Rule
from mfa_guard.source import SourceFile
from mfa_guard.suppress import SuppressSettings, Use, apply_suppressions


@dataclass(frozen=True)
class Analysis:
    project: Project
    rules: list[Rule]  # enabled
    findings: list[Finding]
    local: Optional[LocalState] = None  # what the LOC rules read, when they ran
    config: Config = field(default_factory=Config)
    fail_on: str = "warning"
    suppressions: tuple[Use, ...] = ()  # every rule named by every inline suppression
    unbaselined: tuple[Finding, ...] = ()  # the findings before the baseline (what a new baseline records)
    baselined: int = 0  # findings the baseline hid
    all_rules: tuple[Rule, ...] = ()  # enabled or not (suppressions may name any rule)


def output_filter(rules: Sequence[Rule]) -> re.Pattern[str]:
    """The cheap text check deciding which outputs.tf to parse: defaults + every rule's patterns."""
    patterns = [DEFAULT_OUTPUT_FILTER]
    for rule in rules:
        patterns.extend(str(p) for p in rule.params.get("patterns", ()) if rule.check.startswith("output"))
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def analyse(options: Options, overlay: Optional[Mapping[str, SourceFile]] = None) -> Analysis:
    """Analyse the project; `overlay` replaces file texts in memory (the fix loop re-evaluates with it)."""
    return analyse_prepared(prepare(options), overlay)


def analyse_prepared(prepared: Prepared, overlay: Optional[Mapping[str, SourceFile]] = None) -> Analysis:
    """The analysis after prepare(): `check` prepares first to consult the results cache."""
    options, rules = prepared.options, prepared.rules
    load_options = LoadOptions(
        management_account=options.management_account,
        short_name=options.short_name,
        target_phase=options.target_phase,
        leverage_cli=options.leverage_cli,
        leverage_cli_from=options.leverage_cli_from,
        output_filter=output_filter(rules),
        cache_dir=prepared.cache_dir,
        extra_hcl=hcl_file_predicate(rule.params for rule in rules if REGISTRY[rule.check].generic),
        overlay=overlay or {},
    )
    project = load_project(prepared.root, load_options, prepared.index)
    local = None
    if options.local and not options.ci:  # the action must never read a runner's home directory
        from mfa_guard.local.load import load_local

        local = load_local(project, options.aws_dir)
        from mfa_guard.local.cli_version import probe

        project = with_local_generation(project, local, options.target_phase, probe)
    findings = evaluate(project, rules, Settings(ci=options.ci, local=local))
    return _accountable(options, prepared.config, project, prepared.all_rules, rules, findings, local)


def with_local_generation(
    project: Project, local: LocalState, target_phase: Optional[str], ask_cli: Callable[[], Optional[CliGeneration]]
) -> Project:
    """`--local`: when the repository cannot tell the CLI generation, the profiles it wrote can, and
    last the `leverage` installed on the workstation (`ask_cli`, a bounded `leverage --version`)."""
    if project.state.cli.known:
        return project
    sections = local.config.sections
    found = None
    if sections is not None:
        found = from_local_config(sections, [name for name, section in sections.items() if section.get("role_arn")])
    if found is None:
        found = ask_cli()
    if found is None:
        return project
    return dataclasses.replace(project, state=infer_state(project, target_phase, found))


def _accountable(
    options: Options,
    config: Config,
    project: Project,
    all_rules: list[Rule],
    rules: list[Rule],
    findings: list[Finding],
    local: Optional[LocalState],
) -> Analysis:
    """The suppression pass, then the baseline pass (both skipped for hiding by --no-suppressions)."""
    assert options.today is not None and options.require_reason is not None  # set by effective()
    settings = SuppressSettings(options.today, options.require_reason, not options.no_suppressions, options.ci)
    outcome = apply_suppressions(findings, project, all_rules, rules, settings)
    shown, hidden = outcome.findings, 0
    if options.baseline is not None and not options.no_suppressions:
        from mfa_guard.baseline import apply_baseline, load

        result = apply_baseline(shown, project, load(options.baseline), all_rules, rules, options.ci)
        shown, hidden = result.findings, result.hidden
    return Analysis(
        project,
        rules,
        shown,
        local,
        config=config,
        fail_on=options.fail_on or "warning",
        suppressions=tuple(outcome.uses),
        unbaselined=tuple(outcome.findings),
        baselined=hidden,
        all_rules=tuple(all_rules),
    )
