"""project.yaml through pyyaml's safe composer, keeping the location of every scalar."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Union

from mfa_guard.source import SourceFile
from mfa_guard.span import Span


class YamlSyntaxError(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


@dataclass(frozen=True)
class YamlValue:
    """A located YAML node: a scalar (str), a mapping (dict) or a sequence (tuple)."""

    value: Union[str, dict[str, YamlValue], tuple[YamlValue, ...], None]
    span: Span

    def get(self, *keys: str) -> Optional[YamlValue]:
        node: Optional[YamlValue] = self
        for key in keys:
            if node is None or not isinstance(node.value, dict):
                return None
            node = node.value.get(key)
        return node

    def text(self, *keys: str) -> Optional[str]:
        node = self.get(*keys)
        return node.value if node is not None and isinstance(node.value, str) else None


def parse_yaml(source: SourceFile) -> Optional[YamlValue]:
    import yaml

    try:
        node = yaml.compose(source.text, Loader=yaml.SafeLoader)
        return None if node is None else _Converter(source).convert(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise YamlSyntaxError(f"YAML syntax error: {problem}", line, column) from None
    except RecursionError:
        raise YamlSyntaxError("YAML syntax error: nested too deeply", 1, 1) from None


class _Converter:
    """Nodes reached through aliases are converted once (no exponential expansion, no cycles)."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.done: dict[int, YamlValue] = {}
        self.active: set[int] = set()

    def convert(self, node: Any) -> YamlValue:
        import yaml

        key = id(node)
        if key in self.done:
            return self.done[key]
        if key in self.active:
            mark = node.start_mark
            raise YamlSyntaxError("YAML syntax error: recursive alias", mark.line + 1, mark.column + 1)
        self.active.add(key)
        span = self.source.index.span(self.source.path, node.start_mark.index, node.end_mark.index)
        if isinstance(node, yaml.MappingNode):
            value = YamlValue({str(k.value): self.convert(v) for k, v in node.value}, span)
        elif isinstance(node, yaml.SequenceNode):
            value = YamlValue(tuple(self.convert(item) for item in node.value), span)
        else:
            value = YamlValue(None if node.value in ("", "~", "null") else str(node.value), span)
        self.active.discard(key)
        self.done[key] = value
        return value
