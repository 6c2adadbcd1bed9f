"""Layer provider profiles and secret-bearing outputs outside base-identities."""

from __future__ import annotations

import re
from re import Pattern
from typing import Optional

from mfa_guard.load.reader import Reader, duplicate_problems
from mfa_guard.model import Account, LayerProfile, Output

# The MFA entrypoint collects `^\s+profile` lines of config.tf and locals.tf, skipping `lookup`.
_PROFILE_LINE = re.compile(r"^[ \t]+profile[ \t]*=[ \t]*(?P<value>[^\r\n#]*?)[ \t]*(?:(?:#|//).*)?\r?$", re.M)
_PROFILE_FILES = ("config.tf", "locals.tf")
_PROFILE_FILES_3X = (*_PROFILE_FILES, "runtime.tf")  # 3.x get_profiles also reads runtime.tf (auth.py:95-103)


def layer_profiles(
    reader: Reader, account: Account, backend_profile: Optional[str], short: Optional[str], dockerless: bool = False
) -> list[LayerProfile]:
    found = []
    for layer in account.layers:
        for name in _PROFILE_FILES_3X if dockerless else _PROFILE_FILES:
            relpath = f"{layer}/{name}"
            if not reader.index.exists(relpath):
                continue
            source = reader.text(relpath)
            if source is None or "profile" not in source.text:
                continue
            for match in _PROFILE_LINE.finditer(source.text):
                expression = match.group("value")
                if not expression or "lookup" in match.group(0) or (dockerless and "local." in expression):
                    continue  # 3.x also skips `local.` values (auth.py:449-467)
                span = source.index.span(relpath, match.start("value"), match.end("value"))
                resolved = resolve_profile(expression, backend_profile, short)
                found.append(LayerProfile(account.directory, layer, relpath, expression, span, resolved))
    return found


def resolve_profile(expression: str, backend_profile: Optional[str], short: Optional[str]) -> Optional[str]:
    """Substitute what the entrypoint substitutes (var.profile, var.project); else unknown."""
    if expression == "var.profile":
        return backend_profile
    if not (expression.startswith('"') and expression.endswith('"') and len(expression) >= 2):
        return None
    value = expression[1:-1]
    if "${var.project}" in value:
        if short is None:
            return None
        value = value.replace("${var.project}", short)
    if "${var.profile}" in value:
        if backend_profile is None:
            return None
        value = value.replace("${var.profile}", backend_profile)
    return None if "${" in value or "%{" in value else value


_OUTPUT_BLOCK = re.compile(r"^[ \t]*output\b", re.M)


def secret_outputs(reader: Reader, accounts: tuple[Account, ...], wanted: Pattern[str]) -> list[Output]:
    """Outputs of every layer whose text can mention a secret (cheap checks first). Terraform reads
    every *.tf of a layer, so outputs in output.tf, or in users.tf next to the module, count as much
    as in outputs.tf: files named for outputs are read, and any .tf read for another reason is searched."""
    layers = {layer for account in accounts for layer in account.layers}
    found: list[Output] = []
    for relpath in reader.index.files:
        layer, _, name = relpath.rpartition("/")
        if layer not in layers or not name.endswith(".tf"):
            continue
        if "output" not in name and reader.index.real(relpath) not in reader.sources:
            continue  # never read a file only for this (a 10 MB dump.tf does not matter)
        source = reader.text(relpath)
        if source is None or not _OUTPUT_BLOCK.search(source.text) or not wanted.search(source.text):
            continue
        document = reader.hcl(relpath)
        if document is not None:
            for block in document.body.blocks_of("output"):
                reader.problems.extend(duplicate_problems(document.path, block.body))
                found.append(Output(document.path, block))
    return found
