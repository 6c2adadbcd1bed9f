"""Reads and parses each project file at most once; problems become located ParseProblems."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Optional

from mfa_guard.cache import DataStore
from mfa_guard.discover import FileIndex
from mfa_guard.hashing import digest
from mfa_guard.model import ParseProblem
from mfa_guard.parse.dotenv import EnvEntry, EnvFile, parse_env
from mfa_guard.parse.hcl_types import Attribute, Body, HclDocument, HclSyntaxError
from mfa_guard.parse.yamlfile import YamlSyntaxError, YamlValue, parse_yaml
from mfa_guard.source import ReadProblem, SourceFile, read_source
from mfa_guard.span import Span


class Reader:
    def __init__(
        self,
        index: FileIndex,
        cache: Optional[DataStore] = None,
        overlay: Optional[Mapping[str, SourceFile]] = None,
        table_dir: Optional[Path] = None,
    ) -> None:
        self.index = index
        self.table_dir = table_dir  # where parser tables may be cached if ever built; None: nowhere
        self._base = str(index.root)  # read_source joins strings: a Path would be converted per file
        self.cache = cache
        self.overlay = overlay or {}  # in-memory texts that replace files on disk (the fix loop)
        self.sources: dict[str, SourceFile] = {}
        self.documents: dict[str, HclDocument] = {}
        self.problems: list[ParseProblem] = []
        self._failed: set[str] = set()

    def text(self, relpath: str) -> Optional[SourceFile]:
        real = self.index.real(relpath)
        if real in self.sources:
            return self.sources[real]
        if real in self._failed:
            return None
        if real in self.overlay:
            self.sources[real] = self.overlay[real]
            return self.overlay[real]
        try:
            source = read_source(self._base, real)
        except ReadProblem as exc:
            self._failed.add(real)
            span = Span(real, exc.line, exc.column, exc.line, exc.column, 0, 0)  # no decoded text to index
            self.problems.append(ParseProblem(real, str(exc), span, "read"))
            return None
        self.sources[real] = source
        return source

    def hcl(self, relpath: str) -> Optional[HclDocument]:
        """Parse once per run, and once per content across runs when a cache is given."""
        from mfa_guard.parse.hcl import parse_hcl

        real = self.index.real(relpath)
        if real in self.documents:
            return self.documents[real]
        source = self.text(real)
        if source is None or real in self._failed:
            return None
        key = digest("hcl", real, source.text) if self.cache is not None else ""
        cached = self.cache.get(key) if self.cache is not None else None
        if cached is None:
            try:
                cached = parse_hcl(source, self.table_dir)
            except HclSyntaxError as exc:
                cached = (exc.message, exc.line, exc.column)
            if self.cache is not None:
                self.cache.put(key, cached)
        if isinstance(cached, tuple):
            self._syntax(source, *cached)
            return None
        self.documents[real] = cached
        return cached

    def env(self, relpath: str, directory: str) -> Optional[EnvFile]:
        """Lines yaenv rejects make every leverage command fail, so they are syntax problems; the
        readable entries are still used."""
        source = self.text(relpath)
        if source is None:
            return None
        env = parse_env(source, directory)
        for problem in env.problems:
            self.problems.append(ParseProblem(source.path, problem.message, problem.span, "syntax"))
        for entry in env.entries:
            message = _yaenv_rejects(source, entry)
            if message is not None:
                self.problems.append(ParseProblem(source.path, message, entry.line_span, "syntax"))
        return env

    def yaml(self, relpath: str) -> Optional[YamlValue]:
        source = self.text(relpath)
        if source is None:
            return None
        try:
            return parse_yaml(source)
        except YamlSyntaxError as exc:
            self._syntax(source, exc.message, exc.line, exc.column)
            return None

    def _syntax(self, source: SourceFile, message: str, line: int, column: int) -> None:
        self._failed.add(source.path)
        lines = source.text.count("\n") + 1
        line = max(1, min(line, lines))
        offset = min(source.index.line_start(line) + column - 1, len(source.text))
        span = source.index.span(source.path, offset, offset)
        self.problems.append(ParseProblem(source.path, message, span, "syntax"))


def _yaenv_rejects(source: SourceFile, entry: EnvEntry) -> Optional[str]:
    """Values yaenv 1.5.3 raises EnvError on (checked against it): an unbalanced quote, or a second
    token after the value ("Surplus token"). `export` lines are ENV001's."""
    if entry.exported:
        return None
    raw = entry.raw_value
    if not entry.quote:
        if raw[:1] in ("'", '"') or raw[-1:] in ("'", '"'):
            return f"{entry.key}: unbalanced quote; yaenv raises 'Mismatched quotes' and rejects the file"
        if any(char.isspace() for char in raw):
            return f"{entry.key}: an unquoted value with a blank; yaenv raises 'Surplus token' and rejects the file"
        return None
    after = source.text[entry.value_span.end : entry.line_span.end].strip()
    if after and not after.startswith("#"):
        return f"{entry.key}: text after the closing quote; yaenv raises 'Surplus token' and rejects the file"
    return None


def duplicate_problems(path: str, body: Body) -> list[ParseProblem]:
    """Terraform (and python-hcl2, how the CLI reads common.tfvars) rejects a repeated attribute,
    so the last value is not taken as meant: the file is reported (PAR001)."""
    first: dict[str, Attribute] = {}
    for attribute in body.attributes:
        first.setdefault(attribute.name, attribute)
    problems = []
    for attribute in body.duplicates():
        line = first[attribute.name].span.line
        message = (
            f"`{attribute.name}` is set again (first on line {line}): Terraform and python-hcl2 (the "
            "Leverage CLI) reject duplicate attributes"
        )
        problems.append(ParseProblem(path, message, attribute.name_span, "syntax"))
    return problems
