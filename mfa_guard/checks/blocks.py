"""Small helpers the roles and outputs checks share: spans of HCL blocks and literal states."""

from __future__ import annotations

from typing import Optional

from mfa_guard.model import Attribute, Block, Project
from mfa_guard.span import Span


def header_span(project: Project, path: str, block: Block) -> Span:
    """The block's first line up to `{` (e.g. `module "x" {`): where a missing attribute is reported."""
    return project.sources[path].index.span(path, block.span.start, block.open_brace_end)


def bool_state(attribute: Optional[Attribute]) -> str:
    """true | false | absent | unknown. Quoted "true"/"false" convert like Terraform does."""
    if attribute is None:
        return "absent"
    expr = attribute.value
    if expr.kind == "bool":
        return "true" if expr.value else "false"
    if expr.kind == "string" and expr.value in ("true", "false"):
        return str(expr.value)
    if expr.kind == "null":
        return "absent"  # null means "use the default"
    return "unknown"


def number_value(attribute: Optional[Attribute]) -> Optional[float]:
    if attribute is None or attribute.value.kind != "number":
        return None
    value = attribute.value.value
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def layer_of(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def shown(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number)
