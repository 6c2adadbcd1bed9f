"""One analysis run: find the project, load rules and model, evaluate. Shared by every command."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from mfa_guard.checks.base import Settings
from mfa_guard.discover import find_root
from mfa_guard.engine import evaluate
from mfa_guard.findings import Finding
from mfa_guard.load.project import DEFAULT_OUTPUT_FILTER, LoadOptions, load_project
from mfa_guard.model import Project
from mfa_guard.rules import Rule, load_rules
from mfa_guard.selection import select_rules


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


@dataclass(frozen=True)
class Analysis:
    project: Project
    rules: list[Rule]  # enabled
    findings: list[Finding]


def output_filter(rules: Sequence[Rule]) -> re.Pattern[str]:
    """The cheap text check deciding which outputs.tf to parse: defaults + every rule's patterns."""
    patterns = [DEFAULT_OUTPUT_FILTER]
    for rule in rules:
        patterns.extend(str(p) for p in rule.params.get("patterns", ()) if rule.check.startswith("output"))
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def analyse(options: Options) -> Analysis:
    root = find_root(options.path)
    rules = select_rules(load_rules(options.rule_files), options.select, options.ignore, options.severity)
    load_options = LoadOptions(
        management_account=options.management_account,
        short_name=options.short_name,
        target_phase=options.target_phase,
        output_filter=output_filter(rules),
    )
    project = load_project(root, load_options)
    findings = evaluate(project, rules, Settings(ci=options.ci))
    return Analysis(project, rules, findings)
