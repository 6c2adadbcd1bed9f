"""The floor: read every .tf/.tfvars/build.env file of a tree and run one regex over it."""

from __future__ import annotations

import os
import re
import sys

PATTERN = re.compile(r'^\s*(profile|role_requires_mfa|sensitive|MFA_ENABLED)\s*=\s*"?([^"\n]*)', re.M)


def main(root: str) -> int:
    hits = 0
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in (".git", ".terraform")]
        for name in files:
            if name.endswith((".tf", ".tfvars")) or name == "build.env":
                with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as stream:  # noqa: PTH118,PTH123 - the floor is plain os/open on purpose
                    hits += len(PATTERN.findall(stream.read()))
    print(hits)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
