"""What every analysis settles before reading a project file: root, config, effective options,
rules and the file listing. Light on imports: a run answered from the results cache stops here."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from mfa_guard.cache_dir import user_cache_dir
from mfa_guard.config import Config, check_selectors, load_config
from mfa_guard.discover import FileIndex, find_root, walk
from mfa_guard.rules import Rule, load_rules_keyed
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
    leverage_cli: Optional[int] = None  # --leverage-cli, else the config's; None: inferred
    leverage_cli_from: str = ""  # where leverage_cli came from (set by effective())
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
class Prepared:
    root: Path
    config: Config
    options: Options  # effective: the config file's values merged in, `today` set
    cache_dir: Optional[Path]  # None: --no-cache, or no writable user cache directory
    all_rules: list[Rule]  # enabled or not (suppressions may name any rule)
    rules: list[Rule]  # enabled, with severity overrides
    index: FileIndex  # the walk, exclusions applied
    rules_key: Optional[str] = None  # the digest all_rules were loaded from (None: not from the rules cache)


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
        leverage_cli=options.leverage_cli or config.leverage_cli,
        leverage_cli_from="--leverage-cli" if options.leverage_cli else str(config.path) if config.leverage_cli else "",
        ci=options.ci or config.ci,
        exclude=(*config.exclude, *options.exclude),
        fail_on=options.fail_on or config.fail_on or "warning",
        require_reason=config.require_reason if options.require_reason is None else options.require_reason,
        baseline=None if options.no_baseline else (options.baseline or config.baseline),
        today=options.today or dt.date.today(),
    )


def prepare(options: Options) -> Prepared:
    root = find_root(options.path)
    config = load_config(root, options.config, options.no_config)
    options = effective(options, config)
    cache_dir = None if options.no_cache else user_cache_dir()
    all_rules, rules_key = load_rules_keyed(options.rule_files, cache_dir)
    check_selectors(config, all_rules)
    rules = select_rules(all_rules, options.select, options.ignore, options.severity)
    excluded: Callable[[str], bool] = _nothing
    if options.exclude:
        from mfa_guard.exclude import Excluder

        excluded = Excluder(root, options.exclude)
    return Prepared(root, config, options, cache_dir, all_rules, rules, walk(root, excluded), rules_key)


def _nothing(_path: str) -> bool:
    return False
