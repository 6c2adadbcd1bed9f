"""Applying TextEdits: conflict detection, back-to-front application, and the re-parse check."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Optional

from mfa_guard.findings import TextEdit
from mfa_guard.parse.hcl_types import Body
from mfa_guard.source import SourceFile


class EditError(ValueError):
    """Edits that cannot be applied together (a bug in whoever built them)."""


def conflicts(a: TextEdit, b: TextEdit) -> bool:
    """Do two edits of one file touch the same text (or insert at the same point)?

    Identical edits do not conflict: two findings may carry the same fix.
    Two insertions at one offset do conflict, as their order would be arbitrary.
    """
    if a.path != b.path or a == b:
        return False
    if a.start == b.start:
        return True
    return a.start < b.end and b.start < a.end


def compatible(edits: Iterable[TextEdit], taken: Sequence[TextEdit]) -> bool:
    return not any(conflicts(edit, other) for edit in edits for other in taken)


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """Apply non-conflicting edits of one file, back to front so earlier offsets stay valid."""
    unique = sorted(set(edits), key=lambda e: (e.start, e.end), reverse=True)
    for earlier, later in zip(unique[1:], unique):
        if conflicts(earlier, later):
            raise EditError(f"{later.path}: overlapping edits at offsets {earlier.start} and {later.start}")
    for edit in unique:
        if not 0 <= edit.start <= edit.end <= len(text):
            raise EditError(f"{edit.path}: edit {edit.start}..{edit.end} outside the text (length {len(text)})")
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def problems(source: SourceFile) -> list[str]:
    """Why `source` does not parse as its kind of file (files of unknown kind always parse)."""
    name = source.path.rsplit("/", 1)[-1]
    if name == "build.env" or name.endswith(".env"):
        from mfa_guard.parse.dotenv import parse_env

        env = parse_env(source, "")
        found = [p.message for p in env.problems]
        return found + [f"`export {e.key}=` is rejected by yaenv" for e in env.entries if e.exported]
    if name.endswith((".tf", ".tfvars", ".hcl", ".tfvars.example")):
        from mfa_guard.parse.hcl import parse_hcl
        from mfa_guard.parse.hcl_types import HclSyntaxError

        try:
            document = parse_hcl(source)
        except HclSyntaxError as exc:
            return [f"{exc.message} (line {exc.line})"]
        return list(_repeated(document.body))
    if name.endswith((".yaml", ".yml")):
        from mfa_guard.parse.yamlfile import YamlSyntaxError, parse_yaml

        try:
            parse_yaml(source)
        except YamlSyntaxError as exc:
            return [f"{exc.message} (line {exc.line})"]
    return []


def _repeated(body: Body) -> Iterator[str]:
    """Attributes set twice in one block: Terraform rejects the file although it parses."""
    for attribute in body.duplicates():
        yield f"`{attribute.name}` is set twice in one block (line {attribute.name_span.line})"
    for block in body.blocks:
        yield from _repeated(block.body)


def breaks(before: SourceFile, after: SourceFile) -> Optional[str]:
    """The parse problem `after` has that `before` did not, or None if the edit kept the file valid."""
    new = Counter(problems(after)) - Counter(problems(before))
    return "; ".join(sorted(new)) or None


def with_text(source: SourceFile, text: str) -> SourceFile:
    """The same file (path, BOM, newline style) holding new text."""
    return SourceFile(source.path, source.abspath, text, source.bom, source.newline)
