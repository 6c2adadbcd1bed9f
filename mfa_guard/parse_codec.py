"""The parse cache's data: a parsed HCL document (or its syntax error) as plain JSON lists.

Kept apart from cache_codec.py so that only a run that parses, or loads parses, imports the HCL types.
"""

from __future__ import annotations

from typing import Any, Union

from mfa_guard.cache_codec import span_from_data, span_to_data
from mfa_guard.parse.hcl_types import Attribute, Block, Body, Expr, HclDocument, Item

Data = Any  # JSON values: None, bool, int, float, str, list, dict
ParseResult = Union[HclDocument, tuple[str, int, int]]  # a document, or a syntax error (message, line, column)


def parse_result_to_data(result: ParseResult) -> Data:
    if isinstance(result, HclDocument):
        return {"path": result.path, "body": _body_to(result.body, result.path)}
    message, line, column = result
    return {"error": [message, line, column]}


def parse_result_from_data(data: Data) -> ParseResult:
    if "error" in data:
        message, line, column = data["error"]
        return (str(message), int(line), int(column))
    path = str(data["path"])
    return HclDocument(path, _body_from(data["body"], path))


def _body_to(body: Body, path: str) -> Data:
    return [[_attribute_to(a, path) for a in body.attributes], [_block_to(b, path) for b in body.blocks]]


def _body_from(data: Data, path: str) -> Body:
    attributes, blocks = data
    return Body(tuple(_attribute_from(a, path) for a in attributes), tuple(_block_from(b, path) for b in blocks))


def _attribute_to(attribute: Attribute, path: str) -> Data:
    return [
        attribute.name,
        span_to_data(attribute.name_span, path),
        _expr_to(attribute.value, path),
        span_to_data(attribute.span, path),
    ]


def _attribute_from(data: Data, path: str) -> Attribute:
    name, name_span, value, span = data
    return Attribute(name, span_from_data(name_span, path), _expr_from(value, path), span_from_data(span, path))


def _block_to(block: Block, path: str) -> Data:
    return [
        block.type,
        list(block.labels),
        _body_to(block.body, path),
        span_to_data(block.span, path),
        block.open_brace_end,
        block.close_brace_start,
    ]


def _block_from(data: Data, path: str) -> Block:
    kind, labels, body, span, open_end, close_start = data
    return Block(kind, tuple(labels), _body_from(body, path), span_from_data(span, path), open_end, close_start)


def _expr_to(expr: Expr, path: str) -> Data:
    data = [expr.kind, expr.text, span_to_data(expr.span, path), expr.value]
    if expr.items:
        data.append([_item_to(item, path) for item in expr.items])
    return data


def _expr_from(data: Data, path: str) -> Expr:
    if len(data) == 4:
        kind, text, span, value = data
        return Expr(kind, text, span_from_data(span, path), value)
    kind, text, span, value, items = data
    return Expr(kind, text, span_from_data(span, path), value, tuple(_item_from(item, path) for item in items))


def _item_to(item: Item, path: str) -> Data:
    key_span = span_to_data(item.key_span, path) if item.key_span is not None else None
    return [item.key, key_span, _expr_to(item.value, path)]


def _item_from(data: Data, path: str) -> Item:
    key, key_span, value = data
    return Item(key, None if key_span is None else span_from_data(key_span, path), _expr_from(value, path))
