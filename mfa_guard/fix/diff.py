"""Unified diffs of fixed files, as `git apply` / `patch -p1` read them, with secrets masked.

`fix --diff` goes to terminals and CI logs, so secret-looking values (shared list in
secret_names.py) are replaced by `***` in every line shown; a hunk with a masked line then no
longer applies as printed, and the caller says so.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Callable, Optional

from mfa_guard.secret_names import MASK, is_secret_name, mask_secret_values
from mfa_guard.source import SourceFile

_NO_NEWLINE = "\\ No newline at end of file\n"
# `name = value`, `name: value`, `"name" = value` (HCL, build.env, INI, YAML); group 2 is the value
# up to an inline comment (a quoted value is taken whole).
_ASSIGNMENT = re.compile(
    r"""^(\s*(?:export\s+)?["']?(?P<name>[A-Za-z_][\w.\-]*)["']?\s*[=:]\s*)(?P<value>"(?:[^"\\]|\\.)*"|'[^']*'|[^\s#]+)"""
)
MASKED_NOTE = (
    "mfa-guard: {count} secret-looking value(s) in the diff are shown as `***`; those hunks do not apply "
    "as printed (`mfa-guard fix` writes the real edit)\n"
)


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        # difflib would glue the next line onto this one; mark it as `diff` does.
        lines[-1] += "\n" + _NO_NEWLINE
    return lines


def mask_line(line: str, hcl: bool) -> tuple[str, int]:
    """One file line with secret values masked: values of secret-looking names (in HCL only
    string literals; an expression such as `var.password` is no secret) and secret-shaped text."""
    count = 0
    match = _ASSIGNMENT.match(line)
    if match is not None and is_secret_name(match.group("name")):
        value = match.group("value")
        quoted = value[:1] in ('"', "'")
        if (quoted or not hcl) and value.strip("\"'"):
            replacement = f"{value[0]}{MASK}{value[0]}" if quoted else MASK
            line = line[: match.start("value")] + replacement + line[match.end("value") :]
            count += 1
    line, shaped = mask_secret_values(line)
    return line, count + shaped


def unified_diff(
    before: SourceFile, after: SourceFile, shown: Optional[Callable[[str], str]] = None
) -> tuple[str, int]:
    """The diff of one file and how many values it masks; CR characters of CRLF files are kept.

    `shown` maps the project-relative path to the one printed (from the working directory, so
    `git apply` works where the user stands).
    """
    if before.text == after.text:
        return "", 0
    path = shown(before.path) if shown else before.path
    chunks = difflib.unified_diff(_lines(before.text), _lines(after.text), fromfile=f"a/{path}", tofile=f"b/{path}")
    hcl = before.path.endswith((".tf", ".tfvars", ".hcl"))
    out, masked = [], 0
    for index, chunk in enumerate(chunks):
        if index >= 2 and chunk[:1] in (" ", "-", "+"):  # the first two are the `---`/`+++` header
            body, count = mask_line(chunk[1:], hcl)
            chunk, masked = chunk[0] + body, masked + count
        out.append(chunk)
    return "".join(out), masked


def unified_diffs(
    pairs: Iterable[tuple[SourceFile, SourceFile]], shown: Optional[Callable[[str], str]] = None
) -> tuple[str, int]:
    """Every file's diff, by path, and the number of masked values."""
    texts, masked = [], 0
    for before, after in sorted(pairs, key=lambda p: p[0].path):
        text, count = unified_diff(before, after, shown)
        texts.append(text)
        masked += count
    return "".join(texts), masked
