"""Generic checks a team can use from its own rule files (attribute values, build.env keys)."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Callable, Optional, Union

from mfa_guard.checks import timed_regex
from mfa_guard.checks.base import CheckContext, CheckSpec
from mfa_guard.findings import Fix, Violation
from mfa_guard.fix.edits import replace_span
from mfa_guard.parse.dotenv import EnvFile
from mfa_guard.parse.hcl_types import Attribute, Block, Expr
from mfa_guard.secret_names import shown as shown_value
from mfa_guard.span import Span

Scalar = Union[bool, int, float, str]

# Only these files are parsed as HCL for a glob, so `**` never turns a GPG key into a syntax error.
HCL_SUFFIXES = (".tf", ".tfvars", ".hcl", ".tfvars.example")
_GLOB_PART = re.compile(r"\*\*/|\*\*|\*|\?|[^*?]+")


@functools.lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A repo-relative glob as a regex: `*` and `?` stay in one segment, `**/` spans any depth.

    No character classes: `[` is literal, as Leverage paths never need them.
    """
    parts = []
    for token in _GLOB_PART.findall(pattern.lstrip("/")):
        if token == "**/":
            parts.append(r"(?:[^/]+/)*")
        elif token == "**":
            parts.append(r".*")
        elif token == "*":
            parts.append(r"[^/]*")
        elif token == "?":
            parts.append(r"[^/]")
        else:
            parts.append(re.escape(token))
    return re.compile("".join(parts) + r"\Z")


def matches_any(path: str, globs: Iterable[str]) -> bool:
    return any(glob_regex(glob).match(path) for glob in globs)


def hcl_file_predicate(rule_params: Iterable[Mapping[str, Any]]) -> Callable[[str], bool]:
    """Which files the loader must parse so that the given rules' `files` globs can be checked."""
    globs = tuple(glob for params in rule_params if isinstance(params.get("files"), list) for glob in params["files"])
    if not globs:
        return lambda _path: False
    return lambda path: path.endswith(HCL_SUFFIXES) and matches_any(path, globs)


def _literal_text(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # JSON escapes are valid HCL escapes; `${` and `%{` would start a template.
        return json.dumps(value, ensure_ascii=False).replace("${", "$${").replace("%{", "%%{")
    return repr(value)


def _equal(expr: Expr, wanted: Scalar) -> Optional[bool]:
    """Whether the expression is the wanted literal; None when it cannot be known (never guessed)."""
    if not expr.is_literal:
        return None
    if isinstance(wanted, bool) or expr.kind == "bool":
        return expr.kind == "bool" and expr.value is wanted
    if isinstance(wanted, str):
        return expr.kind == "string" and expr.value == wanted
    return expr.kind == "number" and not isinstance(expr.value, bool) and expr.value == wanted


def _expression_text(attribute: Attribute) -> str:
    value = attribute.value
    return value.value if value.kind == "string" and isinstance(value.value, str) else value.text


def _block_matches(block: Block, params: Mapping[str, Any]) -> bool:
    if block.type != params["block_type"]:
        return False
    label = params.get("block_label")
    if label is not None and not timed_regex.search(label, ".".join(block.labels)):
        return False
    for name, pattern in (params.get("where") or {}).items():
        attribute = block.body.get(name)
        if attribute is None or not timed_regex.search(pattern, _expression_text(attribute)):
            return False
    return True


def attribute_must_equal(ctx: CheckContext) -> Iterator[Violation]:
    """In the matching blocks, or, without `block_type`, at the top level of each file (a .tfvars)."""
    params = ctx.params
    name = params["attribute"]
    for path in sorted(ctx.project.documents):
        if not path.endswith(HCL_SUFFIXES) or not matches_any(path, params["files"]):
            continue
        source = ctx.project.sources[path]
        body = ctx.project.documents[path].body
        if "block_type" not in params:
            start = source.index.span(path, 0, 0)  # a file without the attribute is reported at its start
            yield from _attribute_violations(params, body.get(name), path, start, name)
            continue
        for block in body.blocks:
            address = ".".join((block.type, *block.labels))
            head = source.index.span(path, block.span.start, block.open_brace_end)
            try:
                matched = _block_matches(block, params)
            except timed_regex.PatternProblem as exc:
                yield Violation(head, f"{address} in {path}: {exc}", address=address)
                continue
            if matched:
                yield from _attribute_violations(params, block.body.get(name), f"{address} in {path}", head, address)


def _attribute_violations(
    params: Mapping[str, Any], attribute: Optional[Attribute], what: str, missing_span: Span, address: str
) -> Iterator[Violation]:
    name, wanted = params["attribute"], params["equals"]
    expected = _literal_text(wanted)
    if attribute is None:
        if params.get("missing", "violation") == "violation":
            yield Violation(missing_span, f"{what} does not set {name} (expected {expected})", address=address)
        return
    if _equal(attribute.value, wanted) is not False:
        return
    shown = shown_value(name, attribute.value.text)
    fix = Fix("guarded", (replace_span(attribute.value.span, expected),), f"set {name} = {expected}")
    yield Violation(attribute.value.span, f"{what} sets {name} = {shown}, expected {expected}", fix, address=address)


def _env_files(ctx: CheckContext) -> Sequence[EnvFile]:
    if ctx.params.get("files", "root") == "all":
        return ctx.project.build_envs
    root = ctx.project.root_env
    return () if root is None else (root,)


def env_key_must_match(ctx: CheckContext) -> Iterator[Violation]:
    key, pattern = ctx.params["key"], ctx.params["pattern"]
    for env in _env_files(ctx):
        entry = env.effective(key)
        address = f"{env.path}:{key}"
        if entry is None:
            # Nested build.env files inherit from their parents: only the root one can miss a key.
            if env.directory == "" and ctx.params.get("missing", "violation") == "violation":
                span = ctx.project.sources[env.path].index.span(env.path, 0, 0)
                yield Violation(span, f"{env.path} does not set {key}", address=address)
            continue
        if entry.value is None:
            continue  # an unresolved ${X} interpolation is never guessed
        try:
            if timed_regex.fullmatch(pattern, entry.value):
                continue
        except timed_regex.PatternProblem as exc:
            yield Violation(entry.line_span, f"{key} in {env.path}: {exc}", address=address)
            continue
        shown = shown_value(key, repr(entry.raw_value) if entry.raw_value else "empty")
        yield Violation(
            entry.value_span if entry.raw_value else entry.line_span,
            f"{key} is {shown} in {env.path}, which does not match {ctx.params['pattern']!r}",
            address=address,
        )


_REGEX = {"type": "string", "format": "regex"}
_MISSING = {"enum": ["ok", "violation"], "default": "violation"}

CHECKS = {
    "attribute_must_equal": CheckSpec(
        attribute_must_equal,
        "An attribute of the matching HCL blocks (or, without block_type, of the files' top level) must equal a "
        "literal (bool, number or string).",
        params={
            "files": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
            "block_type": {"type": "string", "minLength": 1},
            "block_label": _REGEX,
            "where": {"type": "object", "additionalProperties": _REGEX, "minProperties": 1},
            "attribute": {"type": "string", "minLength": 1},
            "equals": {"type": ["boolean", "number", "string"]},
            "missing": _MISSING,
        },
        required=("files", "attribute", "equals"),
        generic=True,
        dependent_required={"block_label": ("block_type",), "where": ("block_type",)},
    ),
    "env_key_must_match": CheckSpec(
        env_key_must_match,
        "The effective value of a build.env key must fully match a regex.",
        params={
            "key": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_.]*$"},
            "pattern": _REGEX,
            "files": {"enum": ["root", "all"], "default": "root"},
            "missing": _MISSING,
        },
        required=("key", "pattern"),
        generic=True,
    ),
}
