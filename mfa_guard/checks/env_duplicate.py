"""ENV003: a build.env key assigned more than once, read the way yaenv 1.5.3.post1 reads it.

yaenv takes the value from the last *interpolatable* assignment (not blank, not single-quoted),
else from the last one (parse/dotenv.py). Messages name the key and lines only, never a value (a
duplicated key may be AWS_SECRET_ACCESS_KEY). The safe fix removes every other assignment, keeps
their inline comments as comment lines, and is offered only when the CLI would read every key of
the file exactly as before.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Optional

from mfa_guard.checks.base import CheckContext
from mfa_guard.findings import Fix, TextEdit, Violation
from mfa_guard.fix.apply import apply_edits, with_text
from mfa_guard.fix.edits import delete_line
from mfa_guard.parse.dotenv import EnvEntry, EnvFile, parse_env
from mfa_guard.source import SourceFile


def duplicate_key(ctx: CheckContext) -> Iterator[Violation]:
    keys = ctx.params.get("keys")
    for env in ctx.project.build_envs:
        source = ctx.project.sources[env.path]
        seen: dict[str, list[EnvEntry]] = {}
        for entry in env.entries:
            if keys is None or entry.key in keys:
                seen.setdefault(entry.key, []).append(entry)
        for key, entries in seen.items():
            if len(entries) > 1:
                yield from _violations(env, source, key, entries)


def _violations(env: EnvFile, source: SourceFile, key: str, entries: list[EnvEntry]) -> Iterator[Violation]:
    effective = env.effective(key)
    assert effective is not None  # the key has entries
    line = effective.line_span.line
    others = [entry for entry in entries if entry is not effective]
    edits = tuple(_remove_keeping_comment(entry, source) for entry in others)
    fix: Optional[Fix] = None
    if _reads_the_same(source, env.directory, edits):
        fix = Fix("safe", edits, f"keep only line {line}, the {key} assignment the CLI reads (comments kept)")
    lines = _lines(sorted(entry.line_span.line for entry in entries))
    for other in others:
        if other.line_span.line < line:
            message = f"{key} is set again on line {line}, which wins ({key} is assigned on {lines})"
        else:
            message = (
                f"{key} on this line has no effect: the CLI (yaenv) keeps line {line}'s value, as a blank or "
                f"single-quoted value never overrides an earlier one ({key} is assigned on {lines})"
            )
        if fix is None:
            message += "; not fixed automatically: removing a line would change a value the CLI reads"
        yield Violation(other.line_span, message, fix, address=f"{env.path}:{key}")


def _remove_keeping_comment(entry: EnvEntry, source: SourceFile) -> TextEdit:
    """Delete the assignment; an inline comment stays, alone on its line, where it was."""
    after_value = source.text[entry.value_span.end : entry.line_span.end].strip()
    if not after_value.startswith("#"):
        return delete_line(entry.line_span, source)
    line = source.text[entry.line_span.start : entry.line_span.end]
    indent = line[: len(line) - len(line.lstrip())]
    return TextEdit(entry.line_span.path, entry.line_span.start, entry.line_span.end, indent + after_value)


def _reads_the_same(source: SourceFile, directory: str, edits: Sequence[TextEdit]) -> bool:
    """Every key keeps its value, for any environment: names from the environment are unique
    markers, so equal results are equal whatever the environment holds."""
    after = with_text(source, apply_edits(source.text, edits))
    before_env = parse_env(source, directory, environment=_marker)
    after_env = parse_env(after, directory, environment=_marker)
    before, fixed = before_env.values(), after_env.values()
    return before == fixed and None not in before.values() and not after_env.problems


def _marker(name: str) -> str:
    return f"\x00{name}\x00"


def _lines(numbers: Sequence[int]) -> str:
    if len(numbers) == 2:
        return f"lines {numbers[0]} and {numbers[1]}"
    return "lines " + ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"
