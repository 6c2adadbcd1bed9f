"""Located HCL structure: what the rules need of a .tf/.tfvars file, with exact spans."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

from mfa_guard.span import Span

# Expression kinds. Anything the tool cannot evaluate (references, calls, templates with
# interpolation) keeps its kind and text so that rules never guess a value.
LITERAL_KINDS = frozenset({"string", "number", "bool", "null"})

Scalar = Union[str, int, float, bool, None]


@dataclass(frozen=True)
class Expr:
    kind: str  # string|template|number|bool|null|reference|object|tuple|call|other
    text: str
    span: Span
    value: Scalar = None
    items: tuple[Item, ...] = ()

    @property
    def is_literal(self) -> bool:
        return self.kind in LITERAL_KINDS

    def item(self, key: str) -> Optional[Item]:
        found = None
        for candidate in self.items:
            if candidate.key == key:
                found = candidate
        return found


@dataclass(frozen=True)
class Item:
    """An object element (key set) or a tuple element (key None)."""

    key: Optional[str]
    key_span: Optional[Span]
    value: Expr


@dataclass(frozen=True)
class Attribute:
    name: str
    name_span: Span
    value: Expr
    span: Span  # from the name to the end of the value


@dataclass(frozen=True)
class Block:
    type: str
    labels: tuple[str, ...]
    body: Body
    span: Span
    open_brace_end: int  # offset just after `{`
    close_brace_start: int  # offset of `}`

    @property
    def label(self) -> str:
        return self.labels[0] if self.labels else ""


@dataclass(frozen=True)
class Body:
    attributes: tuple[Attribute, ...] = ()
    blocks: tuple[Block, ...] = ()

    def get(self, name: str) -> Optional[Attribute]:
        """The effective (last) attribute of that name, as Terraform would reject duplicates."""
        found = None
        for attribute in self.attributes:
            if attribute.name == name:
                found = attribute
        return found

    def blocks_of(self, block_type: str) -> tuple[Block, ...]:
        return tuple(block for block in self.blocks if block.type == block_type)

    def duplicates(self) -> tuple[Attribute, ...]:
        """Attributes that repeat an earlier name (the second and later occurrences)."""
        seen: set[str] = set()
        repeated = []
        for attribute in self.attributes:
            if attribute.name in seen:
                repeated.append(attribute)
            seen.add(attribute.name)
        return tuple(repeated)


@dataclass(frozen=True)
class HclDocument:
    path: str
    body: Body


class HclSyntaxError(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
