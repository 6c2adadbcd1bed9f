"""PRF014: the lines the MFA entrypoint greps out of backend.tfvars and common.tfvars.

The script (aws-mfa-entrypoint.sh `get_config`) does not parse HCL. It runs
`grep -oEi "^<key>\\s+=.*\\"([a-zA-Z0-9\\-]+)\\""`, keeps the text between the first and the last
double quote of each matching line, drops the quotes and word-splits the result. We emulate
exactly that and compare it with the value HCL gives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Optional

from mfa_guard.checks.base import CheckContext
from mfa_guard.findings import Fix, TextEdit, Violation
from mfa_guard.model import Attribute, Project, literal_str
from mfa_guard.parse.hcl_types import Body
from mfa_guard.source import BOM, SourceFile

BACKEND_KEYS = ("profile", "region")  # read from the layer account's backend.tfvars
COMMON_KEYS = ("project",)  # read from config/common.tfvars
_VALUE = re.compile(r"[A-Za-z0-9-]+")
_QUOTED = re.compile(r'".+"')


def canonical_line(key: str) -> re.Pattern[str]:
    """The format we require: the key at the line start, space before `=`, a plain quoted value."""
    return re.compile(rf'{re.escape(key)}\s+=\s*"[A-Za-z0-9-]+"')


def entrypoint_reads(text: str, key: str) -> list[tuple[int, str]]:
    """(line number, extracted text) for every line the entrypoint's grep matches."""
    grep = re.compile(rf'{re.escape(key)}\s+=.*"[a-zA-Z0-9-]+"', re.IGNORECASE)
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        match = grep.match(line)
        if match is None:
            continue
        quoted = _QUOTED.search(match.group(0))
        found.append((number, quoted.group(0).replace('"', "") if quoted else ""))
    return found


def entrypoint_value(text: str, key: str) -> str:
    """What `echo $config_value` prints: every match joined, then word-split."""
    return " ".join(" ".join(value for _, value in entrypoint_reads(text, key)).split())


def mfa_script_format(ctx: CheckContext) -> Iterator[Violation]:
    project = ctx.project
    if project.state.cli.dockerless:
        yield from _bom_3x(project)  # 3.x parses HCL: only a BOM still breaks it
        return
    if project.state.mode != "iam" or not project.state.mfa_enabled:
        return
    for account in project.accounts:
        if account.backend is not None:
            yield from _check_file(project, account.backend_path, account.backend.body, BACKEND_KEYS, True)
    if project.common is not None and project.common_path is not None:
        yield from _check_file(project, project.common_path, project.common.body, COMMON_KEYS, False)


def _bom_3x(project: Project) -> Iterator[Violation]:
    paths = [a.backend_path for a in project.accounts if a.backend is not None]
    for path in [*paths, project.common_path]:
        source = project.sources.get(path) if path else None
        if source is not None and source.bom:
            yield Violation(
                source.index.span(source.path, 0, 0),
                f"{source.path} starts with a UTF-8 byte order mark: the 3.x CLI's python-hcl2 fails on it "
                "(UnexpectedToken, a traceback) for every command that reads it",
                address=f"{source.path}:bom",
            )


def _check_file(project: Project, path: str, body: Body, keys: tuple[str, ...], backend: bool) -> Iterator[Violation]:
    source = project.sources.get(path)
    if source is None:
        return
    repeated = {attribute.name for attribute in body.duplicates()} if backend else set()
    for key in keys:
        attribute = body.get(key)
        value = literal_str(attribute)
        if attribute is None or value is None or key in repeated:
            continue  # missing, not a literal or repeated in a backend: PRF013 reports those
        violation = _check_attribute(source, attribute, value)
        if violation is not None:
            yield violation


def _check_attribute(source: SourceFile, attribute: Attribute, value: str) -> Optional[Violation]:
    key, path = attribute.name, source.path
    address = f"{path}:{key}"
    if not _VALUE.fullmatch(value):
        return Violation(
            attribute.value.span,
            f"{key} {value!r} has characters outside [A-Za-z0-9-], which the MFA entrypoint's pattern never reads",
            address=address,
        )
    # The script greps the raw bytes: a BOM sits before `^key` on line 1 (edits cannot remove it).
    raw = BOM + source.text if source.bom else source.text
    line_start = source.index.line_start(attribute.name_span.line)
    line_end = source.text.find("\n", line_start)
    line = source.text[line_start : len(source.text) if line_end < 0 else line_end]
    if source.bom and attribute.name_span.line == 1:
        return Violation(
            attribute.span,
            f"{path} starts with a UTF-8 byte order mark, so the MFA entrypoint's grep never matches `{key}` on line 1",
            address=address,
        )
    if not canonical_line(key).match(line):
        fix = _reformat(source, attribute, value, line_start)
        return Violation(
            attribute.span,
            f'the `{key}` line is not written as `{key} = "{value}"` at the start of the line, so the MFA entrypoint\'s grep reads {_shown(entrypoint_value(raw, key))} from {path}',
            fix,
            address=address,
        )
    reads = entrypoint_reads(raw, key)
    got = entrypoint_value(raw, key)
    if got == value:
        return None
    others = [str(number) for number, _ in reads if number != attribute.name_span.line]
    extra = f" (it also matches line {', '.join(others)})" if others else ""
    return Violation(
        attribute.span,
        f"the MFA entrypoint's grep reads {_shown(got)} for `{key}` from {path}, not {value!r}{extra}",
        address=address,
    )


def _shown(value: str) -> str:
    return repr(value) if value else "nothing"


def _reformat(source: SourceFile, attribute: Attribute, value: str, line_start: int) -> Optional[Fix]:
    """`key = "value"` from the line start to the end of the value; the rest of the line stays."""
    text, key = source.text, attribute.name
    before = text[line_start : attribute.name_span.start]
    between = text[attribute.name_span.end : attribute.value.span.start]
    if before.strip() or between.strip() != "=" or attribute.value.text != f'"{value}"':
        return None  # a comment before the key or inside the assignment: leave it to a human
    edit = TextEdit(source.path, line_start, attribute.value.span.end, f'{key} = "{value}"')
    return Fix("safe", (edit,), f'rewrite the line as `{key} = "{value}"`')
