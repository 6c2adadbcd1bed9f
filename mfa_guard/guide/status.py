"""`mfa-guard status`: where the project stands, one row per account in the guide's order.

One data shape (`status_data`) rendered four ways: a rich table on a terminal, plain text, JSON,
and Markdown for the GitHub job summary (`render_markdown`). Pure.
"""

from __future__ import annotations

from typing import Any, Optional

from mfa_guard.guide.facts import ABSENT, NULL, truth_requires_mfa
from mfa_guard.guide.position import Position, summary
from mfa_guard.local.model import LocalState

COLUMNS = ("account", "role", "backend profile", "OAAR role_requires_mfa", "DevOps MFA", "local profile", "position")
_TRUTH = {ABSENT: "absent (default true)", NULL: "null (not MFA)"}


def _truth(value: Optional[str]) -> str:
    return "-" if value is None else _TRUTH.get(value, value)


def _oaar_text(truth: Optional[str], applied: bool) -> str:
    if truth is None:
        return "no module"
    if not truth_requires_mfa(truth):
        return _truth(truth)
    return f"{_truth(truth)} / apply {'recorded' if applied else 'not recorded'}"


def _local_state(local: Optional[LocalState], profile: Optional[str]) -> Optional[str]:
    """What ~/.aws/<short>/config holds for the backend profile (only with --local)."""
    if local is None or profile is None:
        return None
    if not local.config.usable:
        return "config unreadable"
    section = local.config.section(profile)
    if section is None:
        return "missing"
    parts = ["present"]
    parts.append("mfa_serial" if section.get("mfa_serial") else "no mfa_serial")
    source = section.get("source_profile")
    if source:
        parts.append(f"source {source}")
    return ", ".join(parts)


def status_data(pos: Position, local: Optional[LocalState] = None) -> dict[str, Any]:
    rows = []
    for account in pos.accounts:
        backend = account.backend or "-"
        target = account.target or "-"
        rows.append(
            {
                "account": account.directory,
                "name": account.name,
                "role": account.role,
                "backend": {"now": account.backend, "target": account.target},
                "backend_text": backend if backend == target else f"{backend} → {target}",
                "oaar": {"code": account.oaar, "apply_recorded": account.oaar_applied},
                "oaar_text": _oaar_text(account.oaar, account.oaar_applied),
                "devops": account.devops,
                "devops_text": "-" if account.role == "management" else _truth(account.devops),
                "local": _local_state(local, account.backend),
                "position": account.stage,
            }
        )
    index = pos.next_step()
    next_step = None
    if pos.plan is not None and index is not None:
        step = pos.plan.steps[index]
        next_step = {
            "number": index + 1,
            "of": len(pos.plan.steps),
            "kind": step.kind,
            "title": step.title,
            "where": step.where,
            "command": step.command,
        }
    return {
        "mode": pos.mode,
        "phase": pos.phase,
        "target": pos.target,
        "on_path": pos.on_path,
        "deviations": list(pos.deviations),
        "mfa_enabled": {"value": pos.mfa_value, "effective": pos.mfa_on},
        "leverage_cli": {"value": pos.cli.number, "reason": pos.cli.reason},
        "local": local is not None,
        "accounts": rows,
        "next_step": next_step,
        "summary": summary(pos),
        "plan_note": pos.plan.note if pos.plan is not None else None,
    }


def _cells(row: dict[str, Any], local: bool) -> list[str]:
    cells = [row["account"], row["role"], row["backend_text"], row["oaar_text"], row["devops_text"]]
    if local:
        cells.append(row["local"] or "-")
    return [*cells, row["position"]]


def _headers(data: dict[str, Any]) -> list[str]:
    return [c for c in COLUMNS if data["local"] or c != "local profile"]


def _footer(data: dict[str, Any], generation: bool = True) -> list[str]:
    flag = data["mfa_enabled"]
    lines = [
        f"phase: {data['phase']} (target {data['target']}), "
        f"{'on the guide' if data['on_path'] else 'off the guide'}'s path",
        f"MFA_ENABLED: {flag['value'] if flag['value'] is not None else 'unresolved'} "
        f"(the CLI runs {'with' if flag['effective'] else 'without'} MFA)",
    ]
    cli = data.get("leverage_cli")
    if cli is not None and generation:
        label = f"{cli['value']}.x" if cli["value"] else "unknown"
        lines.append(f"Leverage CLI: {label} ({cli['reason']})")
    if generation and data.get("plan_note"):
        lines.append(f"note: {data['plan_note']}")
    lines += [f"off the path: {d}" for d in data["deviations"]]
    step = data["next_step"]
    if step is not None:
        what = f"`{step['command']}`" if step["command"] else step["title"]
        lines.append(f"next: step {step['number']} of {step['of']}: {what} ({step['where']})")
    elif data["mode"] == "iam":
        lines.append("next: nothing left to write (run `mfa-guard plan` for the commands to check)")
    return lines


def render_plain(data: dict[str, Any]) -> str:
    headers = _headers(data)
    rows = [_cells(r, data["local"]) for r in data["accounts"]]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join([*lines, "", *_footer(data)]) + "\n"


def render_markdown(data: dict[str, Any], generation: bool = True) -> str:
    """The same table for the GitHub job summary (report/summary.py appends it; its project line
    already names the CLI generation, hence `generation=False` there). Text is escaped as every
    Markdown of the tool is (names never become links or HTML), with its `code spans` kept."""
    from mfa_guard.report.markdown_text import md_text

    headers = _headers(data)
    lines = ["### Post-deployment guide: where the project stands", ""]
    lines.append("| " + " | ".join(headers) + " |")
    lines.append("|" + "---|" * len(headers))
    lines += ["| " + " | ".join(md_text(c) for c in _cells(r, data["local"])) + " |" for r in data["accounts"]]
    lines.append("")
    lines += [f"- {md_text(line)}" for line in _footer(data, generation)]
    return "\n".join(lines) + "\n"


def render_console(data: dict[str, Any], stream: Any, color: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    from mfa_guard.terminal import terminal_width

    # The terminal's width on a terminal (a fixed 140 wrapped every line of a narrower one twice);
    # piped, 140 keeps each row on one line.
    width = terminal_width(stream) or 140
    console = Console(file=stream, force_terminal=color, no_color=not color, highlight=False, width=width)
    table = Table(title="Post-deployment guide", title_justify="left")
    for header in _headers(data):
        table.add_column(header)
    for row in data["accounts"]:
        table.add_row(*_cells(row, data["local"]), style=None if "P0" not in row["position"] else "dim")
    console.print(table)
    for line in _footer(data):
        style = "red" if line.startswith("off the path") else "bold" if line.startswith("next") else None
        console.print(line, style=style, markup=False)
