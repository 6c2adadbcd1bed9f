"""Rules are data: load rules/*.yaml (and a team's own files), validated by the rule schema."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from mfa_guard.errors import UserError

BUILTIN_RULE_PACKAGE_DIR = Path(__file__).parent / "rules"  # inside an installed wheel
BUILTIN_RULE_SOURCE_DIR = Path(__file__).parent.parent / "rules"  # in a source checkout
SCHEMA_FILE = "rule.schema.json"


class RuleFileError(UserError):
    """A rule file is invalid: `file: $.path: message`; exit code 2."""


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: str
    summary: str
    why: str
    target: str
    fix: str  # safe | guarded | manual
    check: str
    params: Mapping[str, Any] = field(default_factory=dict)
    rationale: str = ""
    companion: Optional[str] = None
    ignorable: bool = True
    examples: Mapping[str, str] = field(default_factory=dict)
    references: tuple[str, ...] = ()
    source: str = ""  # the file it came from


def builtin_rules_dir() -> Path:
    if (BUILTIN_RULE_PACKAGE_DIR / SCHEMA_FILE).is_file():
        return BUILTIN_RULE_PACKAGE_DIR
    return BUILTIN_RULE_SOURCE_DIR


def load_rules(extra_files: Sequence[Path] = ()) -> list[Rule]:
    """Every built-in rule plus the rules of `extra_files`, sorted by id; ids must be unique."""
    directory = builtin_rules_dir()
    files = sorted(p for p in directory.glob("*.yaml"))
    if not files:
        raise RuleFileError(f"{directory}: no rule files found (is the installation complete?)")
    validator = _validator(directory / SCHEMA_FILE)
    rules: dict[str, Rule] = {}
    names: dict[str, str] = {}
    for path in [*files, *extra_files]:
        for rule in _rules_of(path, validator, builtin=path.parent == directory):
            if rule.id in rules or rule.name in names:
                clash = rule.id if rule.id in rules else rule.name
                earlier = rules[rule.id].source if rule.id in rules else rules[names[rule.name]].source
                raise RuleFileError(f"{path}: $.id: rule {clash!r} is already defined in {earlier}")
            rules[rule.id] = rule
            names[rule.name] = rule.id
    return sorted(rules.values(), key=lambda r: r.id)


def _validator(schema_path: Path) -> Any:
    import json

    import jsonschema

    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _rules_of(path: Path, validator: Any, builtin: bool) -> Iterable[Rule]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuleFileError(f"{path}: $: cannot read: {exc.strerror}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RuleFileError(f"{path}: $: not valid YAML: {exc}") from None
    documents = data.get("rules") if isinstance(data, dict) and "rules" in data and not builtin else [data]
    if not isinstance(documents, list):
        raise RuleFileError(f"{path}: $.rules: must be a list of rules")
    for position, document in enumerate(documents):
        where = "$" if builtin or documents == [data] else f"$.rules[{position}]"
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        if errors:
            error = _most_specific(errors)
            location = where + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
            raise RuleFileError(f"{path}: {location}: {error.message}")
        if builtin and document["id"] != path.stem:
            raise RuleFileError(f"{path}: $.id: {document['id']!r} must match the file name {path.stem!r}")
        yield _rule(document, path)


def _most_specific(errors: list[Any]) -> Any:
    import jsonschema

    return jsonschema.exceptions.best_match(errors)


def _rule(document: Mapping[str, Any], path: Path) -> Rule:
    return Rule(
        id=document["id"],
        name=document["name"],
        severity=document["severity"],
        summary=document["summary"].strip(),
        why=document["why"].strip(),
        target=document["target"].strip(),
        fix=document["fix"],
        check=document["check"],
        params=document.get("params") or {},
        rationale=(document.get("rationale") or "").strip(),
        companion=document.get("companion"),
        ignorable=document.get("ignorable", True),
        examples=document.get("examples") or {},
        references=tuple(document.get("references") or ()),
        source=str(path),
    )


def find_rule(rules: Sequence[Rule], key: str) -> Optional[Rule]:
    """By id (case-insensitive) or kebab-case name."""
    key_upper = key.upper()
    return next((r for r in rules if r.id == key_upper or r.name == key), None)
