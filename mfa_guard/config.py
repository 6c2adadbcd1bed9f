"""The team's `.mfa-guard.yaml`: found upward from the project root, validated by config.schema.json."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from mfa_guard.discover import git_top
from mfa_guard.errors import UserError, shown
from mfa_guard.rules import Rule
from mfa_guard.selection import matches
from mfa_guard.user_files import read_user_file, require_inside

CONFIG_NAMES = (".mfa-guard.yaml", ".mfa-guard.yml")
SCHEMA_PATH = Path(__file__).parent / "config.schema.json"
DISABLE = "disable"

_TYPE_WORDS = {
    "array": "a list",
    "object": "a mapping",
    "string": "a string",
    "boolean": "true or false",
    "integer": "an integer",
    "number": "a number",
    "null": "null",
}


class ConfigError(UserError):
    """An invalid configuration file: `file: $.key.path: reason`; exit code 2."""


@dataclass(frozen=True)
class Config:
    """The validated settings of one config file (all defaults when there is none)."""

    path: Optional[Path] = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)
    fail_on: Optional[str] = None
    exclude: tuple[str, ...] = ()
    target_phase: Optional[str] = None
    management_account: Optional[str] = None
    short_name: Optional[str] = None
    leverage_cli: Optional[int] = None  # 2 | 3; None: inferred
    rule_paths: tuple[Path, ...] = ()  # resolved against the config file's directory
    require_reason: bool = True
    baseline: Optional[Path] = None  # resolved against the config file's directory
    ci: bool = False

    @property
    def disabled(self) -> tuple[str, ...]:
        return tuple(key for key, level in self.severity.items() if level == DISABLE)

    @property
    def severity_overrides(self) -> dict[str, str]:
        return {key: level for key, level in self.severity.items() if level != DISABLE}


def load_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def find_config(root: Path) -> Optional[Path]:
    """The nearest config file from the project root up to the git top level (inclusive).

    Outside a git repository only the project root itself is searched: a stray file in a parent
    directory (a home or temp directory) must never change a run.
    """
    root = root.resolve()
    top = git_top(root)
    chain = [root] if top is None else [root, *root.parents][: [root, *root.parents].index(top) + 1]
    for directory in chain:
        found = [directory / name for name in CONFIG_NAMES if (directory / name).is_file()]
        if len(found) > 1:
            raise ConfigError(f"{found[0]}: $: both {CONFIG_NAMES[0]} and {CONFIG_NAMES[1]} exist here; keep one")
        if found:
            return found[0]
    return None


def load_config(root: Path, explicit: Optional[Path] = None, disabled: bool = False) -> Config:
    """`--no-config` > `--config FILE` > the discovered file > defaults."""
    if disabled:
        return Config()
    path = explicit if explicit is not None else find_config(root)
    if path is None:
        return Config()
    # A discovered (committed) config that is a symlink out of its directory is refused: a pull
    # request must not make the tool read, and print parts of, a file outside the project.
    return parse_config(path, read_user_file(path, ConfigError, None if explicit is not None else path.parent))


def parse_config(path: Path, text: str) -> Config:
    from mfa_guard.parse.yamlfile import YamlSyntaxError, load_data

    try:
        data = load_data(text)
    except YamlSyntaxError as exc:
        raise ConfigError(f"{path}: $: not valid YAML (line {exc.line}, column {exc.column}): {exc.message}") from None
    if data is None:
        data = {}  # an empty file is a valid, empty configuration
    validate(path, data)
    _check_globs(path, data.get("exclude", ()))
    base = path.parent
    return Config(
        path=path,
        select=tuple(data.get("select", ())),
        ignore=tuple(data.get("ignore", ())),
        severity=dict(data.get("severity", {})),
        fail_on=data.get("fail_on"),
        exclude=tuple(data.get("exclude", ())),
        target_phase=data.get("target_phase"),
        management_account=data.get("management_account"),
        short_name=data.get("short_name"),
        leverage_cli=data.get("leverage_cli"),
        rule_paths=tuple(_rule_path(path, base, i, p) for i, p in enumerate(data.get("rule_paths", ()))),
        require_reason=data.get("require_reason", True),
        baseline=_inside(path, base, "$.baseline", base / data["baseline"]) if "baseline" in data else None,
        ci=data.get("ci", False),
    )


def _check_globs(path: Path, globs: Sequence[str]) -> None:
    from mfa_guard.exclude import GlobError, compile_pattern

    for position, glob in enumerate(globs):
        try:
            compile_pattern(glob)
        except GlobError as exc:
            raise ConfigError(f"{path}: $.exclude[{position}]: {str(exc).split(': ', 1)[1]}") from None


def _rule_path(config: Path, base: Path, position: int, value: str) -> Path:
    resolved = _inside(config, base, f"$.rule_paths[{position}]", base / value)
    if not resolved.is_file():
        raise ConfigError(f"{config}: $.rule_paths[{position}]: no such file: {resolved}")
    return resolved


def _inside(config: Path, base: Path, where: str, target: Path) -> Path:
    """Paths a config names stay inside its directory (the project): a committed config must not
    make the tool read files elsewhere. Paths given on the command line are not bounded."""
    try:
        require_inside(target, base, ConfigError, where)
    except ConfigError:
        raise ConfigError(f"{config}: {where}: {target} is outside {base} (the project); not read") from None
    return target


def validate(path: Path, data: Any) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(load_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        error = errors[0]
        where = json_path(list(error.absolute_path))
        message, extra = describe(error)
        raise ConfigError(f"{path}: {where + extra}: {message}")


def json_path(parts: Sequence[Any]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def describe(error: Any) -> tuple[str, str]:
    """(reason, extra path) for one jsonschema error, in words a YAML author reads."""
    kind, instance, schema = error.validator, error.instance, error.schema
    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        unknown = sorted(set(instance) - set(allowed))
        return (
            f"unknown key{_did_you_mean(unknown[0], allowed)} (expected one of: {', '.join(allowed)})",
            f".{unknown[0]}",
        )
    if kind == "type":
        expected = error.validator_value
        expected = expected if isinstance(expected, list) else [expected]
        words = " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in expected)
        return f"expected {words}, got {type_word(instance)}", ""
    if kind == "enum":
        choices = [str(v) for v in error.validator_value]
        hint = _did_you_mean(str(instance), choices)
        return f"expected one of {', '.join(choices)}, got {shown(instance)}{hint}", ""
    if kind == "pattern":
        return f"{shown(instance)} does not match {error.validator_value}", ""
    if kind == "minLength":
        return "must not be empty", ""
    return str(error.message), ""


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6) or [
        c for c in choices if c.lower() == word.lower()
    ]
    return f" (did you mean {close[0]!r}?)" if close else ""


def type_word(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"a string ({shown(value)})"
    if value is None:
        return "null"
    return f"{type(value).__name__} {shown(value)}"


def check_selectors(config: Config, rules: Sequence[Rule]) -> None:
    """Selectors that match no rule are typos: name the file and key path."""
    lists = (("select", config.select), ("ignore", config.ignore))
    for key, selectors in lists:
        for position, selector in enumerate(selectors):
            if not any(matches(rule, selector) for rule in rules):
                raise ConfigError(f"{config.path}: $.{key}[{position}]: {selector!r} matches no rule")
    for selector in config.severity:
        if not any(matches(rule, selector) for rule in rules):
            raise ConfigError(f"{config.path}: $.severity.{selector}: {selector!r} matches no rule")
