"""project.yaml through pyyaml's safe composer, keeping the location of every scalar."""

from __future__ import annotations

import re
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


# project.yaml is a Leverage file (the CLI reads it with aliases allowed): a few are accepted; the
# team's config and rule files refuse them. Nodes are shared, never expanded, but every consumer
# that walks the data (schema validation, checks) would walk each alias again: a billion laughs.
MAX_PROJECT_ALIASES = 100


def parse_yaml(source: SourceFile) -> Optional[YamlValue]:
    import yaml

    try:
        node = yaml.compose(source.text, Loader=_loader(MAX_PROJECT_ALIASES))
        return None if node is None else _Converter(source).convert(node)
    except yaml.YAMLError as exc:
        line, column = _position(exc)
        raise YamlSyntaxError(f"YAML syntax error: {safe_problem(exc)}", line, column) from None
    except RecursionError:
        raise YamlSyntaxError("YAML syntax error: nested too deeply", 1, 1) from None


def load_data(text: str) -> Any:
    """Plain data from a team file (config, rule file): no aliases, no tags beyond the safe ones.
    Raises YamlSyntaxError with a message that never quotes the file's text."""
    import yaml

    try:
        return yaml.load(text, Loader=_loader(0))
    except yaml.YAMLError as exc:
        line, column = _position(exc)
        raise YamlSyntaxError(safe_problem(exc), line, column) from None
    except RecursionError:
        raise YamlSyntaxError("nested too deeply", 1, 1) from None


def safe_problem(exc: Exception) -> str:
    """pyyaml's problem without the text it quotes (alias names, characters, a secret's start):
    quoted tokens such as '<block end>' are kept, any other quoted text is dropped."""
    problem = str(getattr(exc, "problem", None) or "invalid YAML")

    def hide(match: re.Match[str]) -> str:
        quoted = match.group(0)[1:-1]
        return match.group(0) if quoted.startswith("<") or _PUNCTUATION.fullmatch(quoted) else "(text not shown)"

    return _QUOTED.sub(hide, problem)


_PUNCTUATION = re.compile(r"[^\w\s]{1,3}")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def _position(exc: Exception) -> tuple[int, int]:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


_LOADERS: dict[int, Any] = {}


def _loader(max_aliases: int) -> Any:
    """A SafeLoader that counts aliases while composing and stops past `max_aliases`."""
    if max_aliases in _LOADERS:
        return _LOADERS[max_aliases]
    import yaml

    class Loader(yaml.SafeLoader):
        def __init__(self, stream: Any) -> None:
            super().__init__(stream)
            self.aliases = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                self.aliases += 1
                if self.aliases > max_aliases:
                    mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                    problem = (
                        "aliases (*name) are not allowed here"
                        if max_aliases == 0
                        else (f"more than {max_aliases} aliases (*name)")
                    )
                    raise yaml.composer.ComposerError(None, None, problem, mark)
            return super().compose_node(parent, index)

    _LOADERS[max_aliases] = Loader
    return Loader


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
