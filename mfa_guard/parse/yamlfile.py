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
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise YamlSyntaxError(f"YAML syntax error: {problem}", line, column) from None
    return None if node is None else _convert(node, source)


def _convert(node: Any, source: SourceFile) -> YamlValue:
    import yaml

    span = source.index.span(source.path, node.start_mark.index, node.end_mark.index)
    if isinstance(node, yaml.MappingNode):
        mapping = {str(key.value): _convert(value, source) for key, value in node.value}
        return YamlValue(mapping, span)
    if isinstance(node, yaml.SequenceNode):
        return YamlValue(tuple(_convert(item, source) for item in node.value), span)
    return YamlValue(None if node.value in ("", "~", "null") else str(node.value), span)
