"""Sub-commands: name -> (module, one-line help). A module is imported only when its command runs,
so `mfa-guard --version` and `--help` stay fast."""

from __future__ import annotations

import importlib
from types import ModuleType

COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("init", "write .mfa-guard.yaml (and a baseline of today's findings), print the pre-commit and CI set-up"),
    "check": ("check", "check a Leverage project and report findings"),
    "fix": ("fix", "apply the safe fixes (and guarded ones with --guarded), then report what is left"),
    "plan": ("plan", "print the ordered steps (file edits and commands) from the current state to p1 or p2"),
    "status": ("status", "show where the project stands on the post-deployment guide, one row per account"),
    "profiles": (
        "profiles",
        "check the local ~/.aws/<short> profiles the project needs and print (or run) the commands that fix them",
    ),
    "suppressions": ("suppressions", "list the inline suppressions of the project and whether each is still used"),
    "rules": ("rules_list", "list the rules"),
    "explain": ("explain", "show the documentation of one rule"),
    "validate-rules": ("validate_rules", "validate rule files (the built-in ones and any FILE given)"),
}


def load(name: str) -> ModuleType:
    """The module implementing `name`: add_arguments(parser) and run(args) -> int."""
    return importlib.import_module(f"mfa_guard.commands.{COMMANDS[name][0]}")
