"""One analysis run: find the project and its config, load rules and model, evaluate, then apply
inline suppressions and the baseline. Shared by every command."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from mfa_guard.cache_dir import user_cache_dir
from mfa_guard.checks import REGISTRY
from mfa_guard.checks.base import Settings
from mfa_guard.checks.generic import hcl_file_predicate
from mfa_guard.config import Config, check_selectors, load_config
from mfa_guard.discover import find_root
from mfa_guard.engine import evaluate
from mfa_guard.exclude import Excluder
from mfa_guard.findings import Finding
from mfa_guard.load.project import DEFAULT_OUTPUT_FILTER, LoadOptions, load_project
from mfa_guard.local.model import LocalState
from mfa_guard.model import Project
from mfa_guard.rules import Rule, load_rules
from mfa_guard.selection import select_rules
from mfa_guard.source import SourceFile
from mfa_guard.suppress import SuppressSettings, Use, apply_suppressions


@dataclass(frozen=True)
class Options:
    path: Path = Path()
    select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    severity: dict[str, str] = field(default_factory=dict)
    rule_files: Sequence[Path] = ()
    target_phase: Optional[str] = None
    management_account: Optional[str] = None
    short_name: Optional[str] = None
    ci: bool = False
    no_cache: bool = False
    local: bool = False  # also read ~/.aws/<short> (LOC rules); never together with ci
    aws_dir: Optional[Path] = None  # default ~/.aws/<short>
    # Team policy controls. Unset values (None, empty, False) fall back to the config file.
    config: Optional[Path] = None  # --config FILE instead of the discovered .mfa-guard.yaml
    no_config: bool = False  # --no-config
    exclude: Sequence[str] = ()  # added to the config's exclude globs
    fail_on: Optional[str] = None  # else the config's, else warning
    require_reason: Optional[bool] = None  # else the config's (default true)
    baseline: Optional[Path] = None  # --baseline FILE, else the config's
    no_baseline: bool = False  # --no-baseline (and --write-baseline: record everything)
    no_suppressions: bool = False  # --no-suppressions: an audit, nothing is hidden
    today: Optional[dt.date] = None  # the clock for `until=` dates (tests inject it); None: today


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


def effective(options: Options, config: Config) -> Options:
    """Command-line values override the config file's; lists given on the command line replace them."""
    severity = {**config.severity, **options.severity}
    return dataclasses.replace(
        options,
        select=tuple(options.select) or config.select,
        ignore=(*(options.ignore or config.ignore), *(k for k, v in severity.items() if v == "disable")),
        severity={k: v for k, v in severity.items() if v != "disable"},
        rule_files=(*config.rule_paths, *options.rule_files),
        target_phase=options.target_phase or config.target_phase,
        management_account=options.management_account or config.management_account,
        short_name=options.short_name or config.short_name,
        ci=options.ci or config.ci,
        exclude=(*config.exclude, *options.exclude),
        fail_on=options.fail_on or config.fail_on or "warning",
        require_reason=config.require_reason if options.require_reason is None else options.require_reason,
        baseline=None if options.no_baseline else (options.baseline or config.baseline),
        today=options.today or dt.date.today(),
    )


def analyse(options: Options, overlay: Optional[Mapping[str, SourceFile]] = None) -> Analysis:
    """Analyse the project; `overlay` replaces file texts in memory (the fix loop re-evaluates with it)."""
    root = find_root(options.path)
    config = load_config(root, options.config, options.no_config)
    options = effective(options, config)
    cache_dir = None if options.no_cache else user_cache_dir()
    all_rules = load_rules(options.rule_files, cache_dir)
    check_selectors(config, all_rules)
    rules = select_rules(all_rules, options.select, options.ignore, options.severity)
    load_options = LoadOptions(
        management_account=options.management_account,
        short_name=options.short_name,
        target_phase=options.target_phase,
        output_filter=output_filter(rules),
        cache_dir=cache_dir,
        extra_hcl=hcl_file_predicate(rule.params for rule in rules if REGISTRY[rule.check].generic),
        overlay=overlay or {},
    )
    if options.exclude:
        load_options = dataclasses.replace(load_options, excluded=Excluder(root, options.exclude))
    project = load_project(root, load_options)
    local = None
    if options.local and not options.ci:  # the action must never read a runner's home directory
        from mfa_guard.local.load import load_local

        local = load_local(project, options.aws_dir)
    findings = evaluate(project, rules, Settings(ci=options.ci, local=local))
    return _accountable(options, config, project, all_rules, rules, findings, local)


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
