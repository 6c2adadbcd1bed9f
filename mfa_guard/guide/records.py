"""What a person recorded: applies (`plan --applied LAYER`) and confirmations (`plan --confirm WHAT`).

`leverage tf apply` leaves no trace in the files, so an apply is done only when it is recorded:
never inferred from the code. Pure: parsing and formatting the records file; I/O is in fix/facts.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Optional

from mfa_guard.guide.commands import RECORD

CONFIRM_PREFIX = "confirm:"
# What a person confirms before the guide may write the step that could lock them out (§5.9).
CONFIRMATIONS = {
    "management-mfa": "every management IAM user has a virtual MFA device (named like the user)",
    "security-mfa": "every security IAM user has a virtual MFA device (named like the user)",
}
_HEADER = (
    f"# Written by `{RECORD} LAYER` / `--confirm WHAT`; commit it with the change.\n"
    "# <layer or confirm:WHAT> <TAB> <digest of the OrganizationAccountAccessRole code applied> <TAB> <date> <TAB> <user>\n"
)


@dataclass(frozen=True)
class Record:
    key: str  # a layer directory, or `confirm:<what>`
    digest: str  # the OAAR code the apply ran with ("-" for a confirmation)
    date: Optional[str] = None
    user: Optional[str] = None


@dataclass(frozen=True)
class Records:
    entries: Mapping[str, Record]
    path: Optional[str] = None  # the file read (None: none exists)

    def applied(self, layer: str, digest: str) -> Optional[Record]:
        record = self.entries.get(layer)
        return record if record is not None and record.digest == digest else None

    def confirmed(self, what: str) -> Optional[Record]:
        return self.entries.get(CONFIRM_PREFIX + what)

    @property
    def digests(self) -> dict[str, str]:
        return {k: r.digest for k, r in self.entries.items() if not k.startswith(CONFIRM_PREFIX)}


NO_RECORDS = Records({})


def parse_records(text: str) -> dict[str, Record]:
    """Tab-separated lines; the legacy format `<layer> <digest>` (space-separated) is still read."""
    entries: dict[str, Record] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if "\t" in line:
            parts = line.split("\t")
            key, digest = parts[0].strip(), parts[1].strip() if len(parts) > 1 else ""
            date = parts[2].strip() or None if len(parts) > 2 else None
            user = parts[3].strip() or None if len(parts) > 3 else None
        else:
            words = line.split("#", 1)[0].rsplit(None, 1)
            if len(words) != 2:
                continue
            key, digest, date, user = words[0], words[1], None, None
        if key and digest:
            entries[key] = Record(key, digest, date, user)
    return entries


def format_records(entries: Mapping[str, Record]) -> str:
    lines = [
        "\t".join((r.key, r.digest, r.date or "", r.user or "")) + "\n"
        for r in sorted(entries.values(), key=lambda r: r.key)
    ]
    return _HEADER + "".join(lines)
