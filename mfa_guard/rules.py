"""Rules are data: load rules/*.yaml (and a team's own files), validated by the rule schema."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from mfa_guard.errors import UserError

BUILTIN_RULE_PACKAGE_DIR = Path(__file__).parent / "rules"  # inside an installed wheel
BUILTIN_RULE_SOURCE_DIR = Path(__file__).parent.parent / "rules"  # in a source checkout
SCHEMA_FILE = "rule.schema.json"
# The digest of the schema and every built-in rule file, written by `python -m mfa_guard.rule_schema`
# only after all of them validated. When the installed files still match it, they are not
# validated again at run time (jsonschema costs ~70 ms to import and run, most of a cold check).
STAMP_FILE = "validated.sha256"


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
    security: bool = False  # a security finding (SARIF `security` tag and security-severity)
    examples: Mapping[str, str] = field(default_factory=dict)
    references: tuple[str, ...] = ()
    source: str = ""  # the file it came from
    # What differs per Leverage CLI generation: {2: {"summary", "why", "rationale", "target"}, 3: {...}}. The
    # fields above then say both, labelled (the generation is unknown); `for_cli` picks one.
    by_cli: Mapping[int, Mapping[str, str]] = field(default_factory=dict)

    def for_cli(self, number: Optional[int]) -> Rule:
        """The rule's texts for a project on Leverage CLI `number` (2 | 3); unknown: both, as loaded."""
        texts = self.by_cli.get(number) if number is not None else None
        if not texts:
            return self
        return dataclasses.replace(
            self,
            summary=texts.get("summary", self.summary),
            why=texts.get("why", self.why),
            rationale=texts.get("rationale", self.rationale),
            target=texts.get("target", self.target),
            by_cli={},
        )


def builtin_rules_dir() -> Path:
    if (BUILTIN_RULE_PACKAGE_DIR / SCHEMA_FILE).is_file():
        return BUILTIN_RULE_PACKAGE_DIR
    return BUILTIN_RULE_SOURCE_DIR


def load_rules(
    extra_files: Sequence[Path] = (), cache_dir: Optional[Path] = None, trust_stamp: bool = True
) -> list[Rule]:
    """Every built-in rule plus the rules of `extra_files`, sorted by id; ids must be unique.

    With `cache_dir`, rules already validated in an earlier run with byte-identical rule files
    and schema are taken from the cache, which skips YAML parsing and schema validation. With
    `trust_stamp`, built-in files matching the release stamp skip schema validation.
    """
    return load_rules_keyed(extra_files, cache_dir, trust_stamp)[0]


def load_rules_keyed(
    extra_files: Sequence[Path] = (), cache_dir: Optional[Path] = None, trust_stamp: bool = True
) -> tuple[list[Rule], Optional[str]]:
    """load_rules(), and with `cache_dir` the digest of every rule file's name and text: the rules
    are a function of it (and of the code), so it can stand for them in other caches' keys."""
    directory = builtin_rules_dir()
    files = sorted(p for p in directory.glob("*.yaml"))
    if not files:
        raise RuleFileError(f"{directory}: no rule files found (is the installation complete?)")
    if cache_dir is None:
        return _load_and_validate(directory, files, extra_files, trust_stamp), None
    from mfa_guard.cache import rules_store
    from mfa_guard.hashing import digest
    from mfa_guard.user_files import read_user_file

    store = rules_store(cache_dir)
    try:
        key = digest(
            *(f"{p}\0{p.read_text(encoding='utf-8')}" for p in [directory / SCHEMA_FILE, *files]),
            # team files: regular files only, size-capped (a FIFO named with --rules must not hang)
            *(f"{p}\0{read_user_file(p, RuleFileError)}" for p in extra_files),
        )
    except (OSError, UnicodeDecodeError):
        return _load_and_validate(directory, files, extra_files, trust_stamp), None
    cached = store.get(key)
    if cached is None:
        cached = _load_and_validate(directory, files, extra_files, trust_stamp)
        store.put(key, cached)
    store.save()
    return list(cached), key


def builtin_digest(directory: Path) -> str:
    """The digest the stamp records: the schema and every built-in rule file, by name and bytes."""
    import hashlib

    h = hashlib.sha256()
    for path in [directory / SCHEMA_FILE, *sorted(directory.glob("*.yaml"))]:
        data = path.read_bytes()
        h.update(f"{path.name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def builtin_rules_stamped() -> bool:
    return stamped(builtin_rules_dir())


def stamped(directory: Path) -> bool:
    """Whether the built-in files in `directory` are exactly those the release stamp was written for."""
    try:
        recorded = (directory / STAMP_FILE).read_text(encoding="utf-8").split()
        return bool(recorded) and recorded[0] == builtin_digest(directory)
    except OSError:
        return False


def _load_and_validate(
    directory: Path, files: Sequence[Path], extra_files: Sequence[Path], trust_stamp: bool = True
) -> list[Rule]:
    validator = _LazyValidator(directory / SCHEMA_FILE)
    trusted = trust_stamp and stamped(directory)
    rules: dict[str, Rule] = {}
    names: dict[str, str] = {}
    for path in [*files, *extra_files]:
        builtin = path.parent == directory
        for where, rule in _rules_of(path, None if builtin and trusted else validator, builtin):
            if rule.id in rules or rule.name in names:
                clash, key = (rule.id, "id") if rule.id in rules else (rule.name, "name")
                earlier = rules[rule.id].source if rule.id in rules else rules[names[rule.name]].source
                raise RuleFileError(f"{path}: {where}.{key}: rule {clash!r} is already defined in {earlier}")
            rules[rule.id] = rule
            names[rule.name] = rule.id
    return sorted(rules.values(), key=lambda r: r.id)


class _LazyValidator:
    """Builds the jsonschema validator on first use: a run with only stamped rules never imports it."""

    def __init__(self, schema_path: Path) -> None:
        self.schema_path = schema_path
        self._validator: Any = None

    def iter_errors(self, document: Any) -> Iterable[Any]:
        if self._validator is None:
            self._validator = _validator(self.schema_path)
        return self._validator.iter_errors(document)  # type: ignore[no-any-return]


def _validator(schema_path: Path) -> Any:
    import json

    import jsonschema

    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    # Format checking makes `"format": "regex"` params fail validation instead of crashing a check.
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _rules_of(path: Path, validator: Optional[_LazyValidator], builtin: bool) -> Iterable[tuple[str, Rule]]:
    """`validator` None: a stamped built-in file, validated when the release was stamped."""
    from mfa_guard.user_files import read_user_file

    text = read_user_file(path, RuleFileError)  # a regular file, size-capped (paths: see config.py)
    if builtin:
        import yaml

        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # shipped, trusted
    else:
        from mfa_guard.parse.yamlfile import YamlSyntaxError, load_data

        try:
            data = load_data(text)  # no aliases: a team file must not expand into a billion laughs
        except YamlSyntaxError as exc:
            raise RuleFileError(
                f"{path}: $: not valid YAML (line {exc.line}, column {exc.column}): {exc.message}"
            ) from None
    documents = data.get("rules") if isinstance(data, dict) and "rules" in data and not builtin else [data]
    if not isinstance(documents, list):
        raise RuleFileError(f"{path}: $.rules: must be a list of rules")
    problems = []  # every error of the file, not only the first: one line each
    for position, document in enumerate(documents):
        where = "$" if builtin or documents == [data] else f"$.rules[{position}]"
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)) if validator else []
        problems += [f"{path}: {location}: {message}" for location, message in _each_error(where, errors)]
    if problems:
        raise RuleFileError("\n".join(problems))
    for position, document in enumerate(documents):
        where = "$" if builtin or documents == [data] else f"$.rules[{position}]"
        if builtin and document["id"] != path.stem:
            raise RuleFileError(f"{path}: $.id: {document['id']!r} must match the file name {path.stem!r}")
        if not builtin:
            _require_generic(document["check"], path, where)
        yield where, _rule(document, path)


def _require_generic(check: str, path: Path, where: str) -> None:
    """Team rule files may only use the generic check kinds; the others assume built-in params."""
    from mfa_guard.checks import REGISTRY

    if not REGISTRY[check].generic:
        usable = ", ".join(sorted(name for name, spec in REGISTRY.items() if spec.generic))
        raise RuleFileError(f"{path}: {where}.check: {check!r} is not a generic check; team rules can use: {usable}")


def _each_error(where: str, errors: list[Any]) -> list[tuple[str, str]]:
    """(location, message) per top-level key in error, the most specific error of each."""
    by_key: dict[str, list[Any]] = {}
    for error in errors:
        by_key.setdefault(str(list(error.absolute_path)[:1]), []).append(error)
    result = []
    for group in by_key.values():
        error = _most_specific(group)
        location = where + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        message = str(error.message)
        if isinstance(error.instance, str) and (not list(error.absolute_path) or len(error.instance) > 80):
            # a whole file that is not a rule (a token file named by mistake), or a long line: not echoed
            message = message.replace(repr(error.instance), "a value that is not shown")
        result.append((location, message))
    return result


def _most_specific(errors: list[Any]) -> Any:
    import jsonschema

    return jsonschema.exceptions.best_match(errors)


CLI_KEYS = {2: "cli2", 3: "cli3"}  # a per-generation text in a rule file: `why: {cli2: ..., cli3: ...}`
CLI_LABELS = {2: "Leverage CLI 2.x (Docker-based)", 3: "Leverage CLI 3.x (dockerless)"}
CLI_TEXTS = ("summary", "why", "rationale", "target")


def _per_cli(document: Mapping[str, Any]) -> dict[int, dict[str, str]]:
    """{generation: {field: text}} for every field written per generation; the others are shared."""
    found: dict[int, dict[str, str]] = {}
    for name in CLI_TEXTS:
        value = document.get(name)
        if isinstance(value, Mapping):
            for number, key in CLI_KEYS.items():
                found.setdefault(number, {})[name] = str(value[key]).strip()
    shared = {
        name: str(document.get(name) or "").strip() for name in CLI_TEXTS if not isinstance(document.get(name), Mapping)
    }
    return {number: {**shared, **texts} for number, texts in found.items()}


def both_generations(texts: Mapping[int, str], separator: str = " ") -> str:
    """What each generation does, labelled: the text of a rule whose project's generation is unknown."""
    return separator.join(f"{CLI_LABELS[number]}: {texts[number]}" for number in sorted(texts))


def _text(document: Mapping[str, Any], name: str, by_cli: Mapping[int, Mapping[str, str]]) -> str:
    value = document.get(name)
    if not isinstance(value, Mapping):
        return str(value or "").strip()
    return both_generations(
        {number: texts[name] for number, texts in by_cli.items()}, "\n\n" if name == "rationale" else " "
    )


def _rule(document: Mapping[str, Any], path: Path) -> Rule:
    by_cli = _per_cli(document)
    return Rule(
        id=document["id"],
        name=document["name"],
        severity=document["severity"],
        summary=_text(document, "summary", by_cli),
        why=_text(document, "why", by_cli),
        target=_text(document, "target", by_cli),
        fix=document["fix"],
        check=document["check"],
        params=document.get("params") or {},
        rationale=_text(document, "rationale", by_cli),
        by_cli=by_cli,
        companion=document.get("companion"),
        ignorable=document.get("ignorable", True),
        security=document.get("security", False),
        examples=document.get("examples") or {},
        references=tuple(document.get("references") or ()),
        source=str(path),
    )


def find_rule(rules: Sequence[Rule], key: str) -> Optional[Rule]:
    """By id (case-insensitive) or kebab-case name."""
    key_upper = key.upper()
    return next((r for r in rules if r.id == key_upper or r.name == key), None)
