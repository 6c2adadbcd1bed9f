"""Reads and parses each project file at most once; problems become located ParseProblems."""

from __future__ import annotations

from typing import Optional

from mfa_guard.discover import FileIndex
from mfa_guard.model import ParseProblem
from mfa_guard.parse.dotenv import EnvFile, parse_env
from mfa_guard.parse.hcl_types import HclDocument, HclSyntaxError
from mfa_guard.parse.yamlfile import YamlSyntaxError, YamlValue, parse_yaml
from mfa_guard.source import ReadProblem, SourceFile, read_source
from mfa_guard.span import Span


class Reader:
    def __init__(self, index: FileIndex) -> None:
        self.index = index
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
        try:
            source = read_source(self.index.root, real)
        except ReadProblem as exc:
            self._failed.add(real)
            self.problems.append(ParseProblem(real, str(exc), Span.whole_file(real), "read"))
            return None
        self.sources[real] = source
        return source

    def hcl(self, relpath: str) -> Optional[HclDocument]:
        from mfa_guard.parse.hcl import parse_hcl

        real = self.index.real(relpath)
        if real in self.documents:
            return self.documents[real]
        source = self.text(real)
        if source is None or real in self._failed:
            return None
        try:
            document = parse_hcl(source)
        except HclSyntaxError as exc:
            self._syntax(source, exc.message, exc.line, exc.column)
            return None
        self.documents[real] = document
        return document

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
