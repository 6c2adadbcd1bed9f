"""A fix as the fix loop applies it: its HCL edits realigned like `terraform fmt`, stale comments named."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from mfa_guard.findings import Fix, TextEdit
from mfa_guard.fix.align import is_hcl, realign
from mfa_guard.fix.apply import EditError, apply_edits
from mfa_guard.fix.stale_comments import note
from mfa_guard.source import SourceFile


def tidy(fix: Fix, sources: Mapping[str, SourceFile]) -> Fix:
    """`fix` with the alignment edits of every HCL file it edits, and a note on comments to review."""
    by_path: dict[str, list[TextEdit]] = {}
    for edit in fix.edits:
        by_path.setdefault(edit.path, []).append(edit)
    edits: list[TextEdit] = []
    notes = []
    for path, file_edits in by_path.items():
        source = sources.get(path)
        if source is None or not is_hcl(path):
            edits.extend(file_edits)
            continue
        try:
            edits.extend(realign(source.text, file_edits))
        except EditError:
            return fix  # overlapping edits: the fix loop rejects the fix as it is
        notes.append(note(source.text, file_edits))
    tidied = tuple(edits)
    description = fix.description + "".join(notes)
    if tidied == fix.edits and description == fix.description:
        return fix
    return replace(fix, edits=tidied, description=description)


def laid_out_alike(source: SourceFile, primary: Sequence[TextEdit], combined: str) -> bool:
    """Is `combined` (several tidied fixes applied together) what aligning all their primary edits
    at once gives? Non-HCL files, and edits that cannot be aligned together, count as alike."""
    if not is_hcl(source.path):
        return True
    try:
        return apply_edits(source.text, realign(source.text, primary)) == combined
    except EditError:
        return True
