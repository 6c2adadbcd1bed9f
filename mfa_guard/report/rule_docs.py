"""One Markdown page per rule (docs/rules/<ID>.md), generated from rules/*.yaml; `explain` shows the same text.

Regenerate with `python -m mfa_guard.report.rule_docs` (a test fails when the pages drift).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from mfa_guard.rules import CLI_LABELS, Rule

DOCS_DIR = Path(__file__).resolve().parent.parent.parent / "docs" / "rules"


def render_rule(rule: Rule) -> str:
    """Markdown documentation of a rule."""
    facts = [f"- Severity: {rule.severity}", f"- Fix: {rule.fix}"]
    if rule.security:
        facts.append("- Security finding (SARIF `security` tag)")
    if not rule.ignorable:
        facts.append("- Cannot be suppressed")
    lines = [
        f"# {rule.id} `{rule.name}`",
        "",
        *_text(rule, "summary"),
        "",
        *facts,
        "",
        "## Why",
        "",
        *_text(rule, "why"),
    ]
    if rule.rationale:
        lines += ["", *_text(rule, "rationale")]
    lines += ["", "## Target state", "", *_text(rule, "target")]
    if rule.companion:
        lines += ["", "## Companion command", "", "```sh", rule.companion, "```"]
    for label in ("bad", "good"):
        if label in rule.examples:
            lines += ["", f"## Example ({label})", "", "```", rule.examples[label].rstrip("\n"), "```"]
    lines += ["", "---", "", f"Generated from `rules/{rule.id}.yaml`; `mfa-guard explain {rule.id}` prints this page."]
    return "\n".join(lines) + "\n"


def _text(rule: Rule, name: str) -> list[str]:
    """The text, or, when it differs per Leverage CLI generation (and the generation is not
    chosen), one labelled paragraph per generation."""
    texts = {number: each.get(name, "") for number, each in rule.by_cli.items()}
    if len(set(texts.values())) < 2:
        return [str(getattr(rule, name)).strip()]
    lines: list[str] = []
    for number in sorted(texts):
        lines += [f"**{CLI_LABELS[number]}:** {texts[number].strip()}", ""]
    return lines[:-1]


def pages(rules: Sequence[Rule]) -> dict[str, str]:
    return {f"{rule.id}.md": render_rule(rule) for rule in rules}


def write(directory: Path = DOCS_DIR) -> list[Path]:
    from mfa_guard.rules import load_rules

    directory.mkdir(parents=True, exist_ok=True)
    wanted = pages(load_rules(trust_stamp=False))
    for stale in directory.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()
    written = []
    for name, text in wanted.items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":
    for path in write():
        sys.stdout.write(f"{path}\n")
