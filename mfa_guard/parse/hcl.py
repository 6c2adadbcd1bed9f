"""HCL parsing through python-hcl2's lark grammar (the parser itself: hcl_parser.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

from mfa_guard.log import get_logger
from mfa_guard.parse.hcl_lexical import unterminated_string
from mfa_guard.parse.hcl_parser import MAX_NESTING, BoundExceeded, hcl_parser
from mfa_guard.parse.hcl_types import Attribute, Block, Body, Expr, HclDocument, HclSyntaxError, Item
from mfa_guard.source import SourceFile
from mfa_guard.span import Span

log = get_logger(__name__)
T = TypeVar("T")

_ESCAPES = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
# Deeper nesting (MAX_NESTING, counted again here in blocks and expressions) is rejected as a syntax
# error: no real configuration comes close, and deeper trees would exhaust the recursion limit later.
_REFERENCE_TREES = frozenset({"get_attr_expr_term", "index_expr_term", "attr_splat_expr_term", "full_splat_expr_term"})


def parse_hcl(source: SourceFile, cache_dir: Optional[Path] = None) -> HclDocument:
    """Parse one file into located blocks and attributes, or raise HclSyntaxError.

    `cache_dir`: where parser tables may be cached if they ever have to be built (see hcl_parser);
    None (`--no-cache`) writes nothing.
    """
    parser = hcl_parser(cache_dir)
    try:
        tree = parser.parse(source.text + "\n")
    except BoundExceeded as exc:
        line = min(exc.line, source.text.count("\n") + 1)
        raise HclSyntaxError(exc.message, line, exc.column) from None
    except parser.unexpected_input as exc:
        unclosed = unterminated_string(source.text)
        if unclosed is not None:
            raise HclSyntaxError("HCL syntax error: unterminated string", *unclosed) from None
        line, column = getattr(exc, "line", 1) or 1, getattr(exc, "column", 1) or 1
        return _raise_syntax(source, line, column, exc)
    except (parser.lark_error, RecursionError) as exc:
        raise HclSyntaxError(f"cannot parse HCL: {type(exc).__name__}", 1, 1) from None
    try:
        return HclDocument(source.path, _Converter(source).body(tree.children[0]))
    except RecursionError:  # the converter recurses once per nesting level
        raise HclSyntaxError("cannot parse HCL: expressions nested too deeply", 1, 1) from None


def _raise_syntax(source: SourceFile, line: int, column: int, exc: Exception) -> HclDocument:
    """The token's kind and position, never its text: it may be a pasted secret (issue 16)."""
    token = getattr(exc, "token", None)
    line = min(line, source.text.count("\n") + 1)
    if token is not None and getattr(token, "type", "") == "$END":
        detail = "unexpected end of file (unclosed block, string or bracket?)"
    elif token is not None:
        detail = f"unexpected {_describe(str(getattr(token, 'type', '')), str(token))} at line {line}, column {column}"
    else:
        char = getattr(exc, "char", None)
        what = _describe("character", char) if isinstance(char, str) else "character"
        detail = f"unexpected {what} at line {line}, column {column}"
    raise HclSyntaxError(f"HCL syntax error: {detail}", line, column)


def _describe(kind: str, token: str) -> str:
    from mfa_guard.parse.hcl_tokens import describe_token

    return describe_token(kind, token)


class _Converter:
    """Walks lark's tree for one file and keeps only what the model needs, with spans."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.text = source.text
        self.depth = 0

    def span(self, start: int, end: int) -> Span:
        end = min(end, len(self.text))
        return self.source.index.span(self.source.path, start, end)

    def node_span(self, node: Any) -> Span:
        start, end = _bounds(node)
        return self.span(start, end)

    def body(self, tree: Any) -> Body:
        attributes: list[Attribute] = []
        blocks: list[Block] = []
        for child in tree.children:
            kind = getattr(child, "data", None)
            if kind == "attribute":
                attributes.append(self.attribute(child))
            elif kind == "block":
                blocks.append(self.block(child))
        return Body(tuple(attributes), tuple(blocks))

    def attribute(self, tree: Any) -> Attribute:
        name_node, _eq, value_node = tree.children[0], tree.children[1], tree.children[-1]
        value = self.expr(value_node)
        name_start, name_end = _bounds(name_node)
        return Attribute(
            name=_leaf_text(name_node),
            name_span=self.span(name_start, name_end),
            value=value,
            span=self.span(name_start, value.span.end),
        )

    def block(self, tree: Any) -> Block:
        return self.nested(tree, self._block)

    def _block(self, tree: Any) -> Block:
        children = tree.children
        lbrace = next(i for i, c in enumerate(children) if getattr(c, "type", None) == "LBRACE")
        header = [c for c in children[:lbrace] if getattr(c, "data", None) != "new_line_or_comment"]
        labels = tuple(self.label(node) for node in header[1:])
        rbrace = children[-1]
        start, _ = _bounds(children[0])
        return Block(
            type=_leaf_text(header[0]),
            labels=labels,
            body=self.body(children[lbrace + 1]),
            span=self.span(start, rbrace.end_pos),
            open_brace_end=children[lbrace].end_pos,
            close_brace_start=rbrace.start_pos,
        )

    def label(self, node: Any) -> str:
        if getattr(node, "data", None) == "string":
            return _unescape(self.string_body(node))
        return _leaf_text(node)

    def string_body(self, node: Any) -> str:
        start, end = _bounds(node)
        return self.text[start + 1 : end - 1]

    def nested(self, node: Any, convert: Callable[[Any], T]) -> T:
        self.depth += 1
        try:
            if self.depth > MAX_NESTING:
                line, column = self.source.index.position(_bounds(node)[0])
                raise HclSyntaxError(f"HCL syntax error: nested more than {MAX_NESTING} levels deep", line, column)
            return convert(node)
        finally:
            self.depth -= 1

    def expr(self, node: Any) -> Expr:
        return self.nested(node, self._expr)

    def _expr(self, node: Any) -> Expr:
        start, end = _bounds(node)
        span, text = self.span(start, end), self.text[start:end]
        inner = node
        while getattr(inner, "data", None) == "expr_term":
            meaningful = [c for c in inner.children if getattr(c, "data", None) != "new_line_or_comment"]
            inner = meaningful[1] if len(meaningful) == 3 else meaningful[0]
        kind = getattr(inner, "data", "other")
        if kind == "string":
            parts = [c for c in inner.children if getattr(c, "data", None) == "string_part"]
            if "\n" in self.string_body(inner) and not any(hasattr(p.children[0], "data") for p in parts):
                # python-hcl2 accepts this; Terraform rejects quoted strings that span lines.
                line, column = span.line, span.column
                raise HclSyntaxError(
                    "HCL syntax error: unterminated string (quoted strings cannot span lines)", line, column
                )
            if all(getattr(p.children[0], "type", "") == "STRING_CHARS" for p in parts):
                return Expr("string", text, span, _unescape(self.string_body(inner)))
            return Expr("template", text, span)
        if kind == "literal_value":
            word = _leaf_text(inner)
            return Expr("null" if word == "null" else "bool", text, span, None if word == "null" else word == "true")
        if kind in ("int_lit", "float_lit"):
            return Expr("number", text, span, _number(_leaf_text(inner)))
        if kind == "unary_op" and _leaf_text(inner.children[0]) == "-":
            operand = self.expr(inner.children[1])
            if operand.kind == "number" and isinstance(operand.value, (int, float)):
                return Expr("number", text, span, -operand.value)
        if kind == "object":
            return Expr("object", text, span, items=tuple(self.object_items(inner)))
        if kind == "tuple":
            elements = [c for c in inner.children if getattr(c, "data", None) not in (None, "new_line_or_comment")]
            return Expr("tuple", text, span, items=tuple(Item(None, None, self.expr(e)) for e in elements))
        if kind == "identifier" or kind in _REFERENCE_TREES:
            return Expr("reference", text, span)
        if kind == "function_call":
            return Expr("call", text, span)
        if kind in ("heredoc_template", "heredoc_template_trim", "template_string"):
            return Expr("template", text, span)
        return Expr("other", text, span)

    def object_items(self, tree: Any) -> list[Item]:
        items = []
        for elem in tree.children:
            if getattr(elem, "data", None) != "object_elem":
                continue
            key_node, value_node = elem.children[0], elem.children[-1]
            key = self.expr(key_node.children[0]) if hasattr(key_node.children[0], "data") else None
            if key is None:
                key_text = str(key_node.children[0])
                key_span = self.node_span(key_node)
            else:
                key_text = str(key.value) if key.kind == "string" else key.text
                key_span = key.span
            items.append(Item(key_text, key_span, self.expr(value_node)))
        return items


def _bounds(node: Any) -> tuple[int, int]:
    if hasattr(node, "meta"):
        return node.meta.start_pos, node.meta.end_pos
    return node.start_pos, node.end_pos


def _leaf_text(node: Any) -> str:
    while hasattr(node, "children"):
        node = node.children[0]
    return str(node)


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        return float(text)


def _unescape(raw: str) -> str:
    def replace(match: re.Match[str]) -> str:
        escape = match.group(1)
        if escape[0] in "uU" and len(escape) > 1:
            return chr(int(escape[1:], 16))
        return _SIMPLE_ESCAPES.get(escape, "\\" + escape)

    return _ESCAPES.sub(replace, raw)
