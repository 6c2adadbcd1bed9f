"""Reads and parses each project file at most once; problems become located ParseProblems."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Optional

from mfa_guard.cache import PickleStore, digest
from mfa_guard.discover import FileIndex
from mfa_guard.model import ParseProblem
from mfa_guard.parse.dotenv import EnvFile, parse_env
from mfa_guard.parse.hcl_types import HclDocument, HclSyntaxError
from mfa_guard.parse.yamlfile import YamlSyntaxError, YamlValue, parse_yaml
from mfa_guard.source import ReadProblem, SourceFile, read_source
from mfa_guard.span import Span


class Reader:
    def __init__(
        self,
        index: FileIndex,
        cache: Optional[PickleStore] = None,
        overlay: Optional[Mapping[str, SourceFile]] = None,
    ) -> None:
        self.index = index
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
            source = read_source(self.index.root, real)
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
                cached = parse_hcl(source)
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
        source = self.text(relpath)
        return None if source is None else parse_env(source, directory)

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
