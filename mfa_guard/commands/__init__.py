"""One module per sub-command, each with HELP, add_arguments(parser) and run(args) -> int."""

from __future__ import annotations

from types import ModuleType

from mfa_guard.commands import check, explain, rules_list, validate_rules

COMMANDS: dict[str, ModuleType] = {
    "check": check,
    "rules": rules_list,
    "explain": explain,
    "validate-rules": validate_rules,
}
