"""Output checks (OUT): secret-bearing outputs and how IAM users' secrets are encrypted (§4, §5.5).

Messages name the output and the attribute it references, never the expression of a literal
value: a secret must not reach a terminal or a CI log through mfa-guard either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Optional

from mfa_guard.checks.base import CheckContext, CheckSpec
from mfa_guard.checks.blocks import bool_state, header_span
from mfa_guard.checks.pgp import missing_gpg_key_file, user_without_pgp_key
from mfa_guard.errors import UserError
from mfa_guard.findings import Fix, Violation
from mfa_guard.fix.edits import insert_attribute, set_attribute
from mfa_guard.model import Output, Project
from mfa_guard.parse.hcl_lexical import without_comments
from mfa_guard.span import Span

_WORD = re.compile(r"\w")
_PATTERNS = {"type": "array", "items": {"type": "string", "minLength": 1, "format": "regex"}, "minItems": 1}


def _compile(ctx: CheckContext, key: str) -> list[re.Pattern[str]]:
    compiled = []
    for pattern in ctx.params.get(key, ()):
        try:
            compiled.append(re.compile(str(pattern)))
        except re.error as exc:
            raise UserError(f"params.{key}: {pattern!r} is not a valid regular expression: {exc}") from None
    return compiled


def _referenced(output: Output, patterns: Sequence[re.Pattern[str]]) -> Optional[str]:
    """What the value references that matches, for messages: the whole identifier, else None."""
    value = output.value
    if value is None:
        return None
    text = value.value.text
    searched = text if text.lstrip().startswith("<<") else without_comments(text)
    for pattern in patterns:
        match = pattern.search(searched)
        if match is None:
            continue
        heredoc = text.lstrip().startswith("<<")
        if value.value.kind == "string" or heredoc or _in_literal(text, match.start()):
            return "a literal matching a secret pattern (not shown)"  # it may be the secret itself
        start, end = match.start(), match.end()
        while start > 0 and _WORD.match(text[start - 1]):
            start -= 1
        while end < len(text) and _WORD.match(text[end]):
            end += 1
        return f"`{text[start:end]}`"
    return None


def _in_literal(text: str, position: int) -> bool:
    """Is `position` inside quoted text (and not inside a `${...}` interpolation)?"""
    in_string, depth, index = False, 0, 0
    while index < position:
        char = text[index]
        if in_string and depth == 0:
            if char == "\\":
                index += 1
            elif char == '"':
                in_string = False
            elif text.startswith("${", index):
                depth, index = 1, index + 1
        elif in_string:
            depth += {"{": 1, "}": -1}.get(char, 0)
        elif char == '"':
            in_string = True
        index += 1
    return in_string and depth == 0


def _sensitive_state(output: Output) -> str:
    if any(attribute.name == "sensitive" for attribute in output.block.body.duplicates()):
        return "unknown"  # Terraform rejects the block (PAR001 reports it): never guess from the last line
    return bool_state(output.sensitive)


def _how(output: Output, state: str) -> str:
    attribute = output.sensitive
    if attribute is None:
        return "has no `sensitive` (default false)"
    return f"has `sensitive = {attribute.value.text}`" if state == "false" else "has `sensitive = null`"


def sensitive_fix(project: Project, output: Output) -> Optional[Fix]:
    """Set an existing `sensitive` to true, or add `sensitive = true` in the block's own style.
    None while the block repeats an attribute: Terraform rejects it until a person resolves that."""
    if output.block.body.duplicates():
        return None
    attribute = output.sensitive
    if attribute is not None:
        return Fix("safe", (set_attribute(attribute, "true"),), f"set sensitive = true on output {output.name}")
    source = project.sources[output.path]
    edit = insert_attribute(output.block, source, "sensitive", "true")
    return Fix("safe", (edit,), f"add sensitive = true to output {output.name}")


def _span(project: Project, output: Output) -> Span:
    attribute = output.sensitive
    return attribute.span if attribute is not None else header_span(project, output.path, output.block)


def output_not_sensitive(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    patterns, excluded = _compile(ctx, "patterns"), _compile(ctx, "exclude")
    for output in project.outputs:
        referenced = _referenced(output, patterns)
        if referenced is None or _referenced(output, excluded) is not None:
            continue  # excluded outputs belong to a stricter rule (OUT002 for plaintext secrets)
        state = _sensitive_state(output)
        if state in ("true", "unknown"):
            continue  # an expression (var.x) is never guessed
        yield Violation(
            _span(project, output),
            f"output `{output.name}` {_how(output, state)}",
            sensitive_fix(project, output),
            address=f"output.{output.name}",
            detail=f"Its value references {referenced}.",
        )


def output_plaintext_secret(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    patterns = _compile(ctx, "patterns")
    for output in project.outputs:
        referenced = _referenced(output, patterns)
        value = output.value
        if referenced is None or value is None:
            continue
        state = _sensitive_state(output)
        message = f"output `{output.name}` references {referenced}, a plaintext secret stored unencrypted in the state"
        fix = None
        if state in ("false", "absent"):
            message += f", and it {_how(output, state)}"
            fix = sensitive_fix(project, output)
        yield Violation(value.span, message, fix, address=f"output.{output.name}")


CHECKS = {
    "output_not_sensitive": CheckSpec(
        output_not_sensitive,
        "An output whose value matches one of `patterns` (and none of `exclude`) is not `sensitive = true`.",
        params={"patterns": _PATTERNS, "exclude": _PATTERNS},
        required=("patterns",),
        generic=True,
    ),
    "output_plaintext_secret": CheckSpec(
        output_plaintext_secret,
        "An output's value matches one of `patterns` (a plaintext secret); not sensitive is fixed to true.",
        params={"patterns": _PATTERNS},
        required=("patterns",),
        generic=True,
    ),
    "user_without_pgp_key": CheckSpec(
        user_without_pgp_key, "An iam-user module creates a password or access key without pgp_key."
    ),
    "missing_gpg_key_file": CheckSpec(
        missing_gpg_key_file, 'pgp_key = file("keys/...") names a key file that does not exist.'
    ),
}
