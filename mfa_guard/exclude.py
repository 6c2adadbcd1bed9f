"""gitignore-style globs for the `exclude` setting: decides, from a path alone, what is never read."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Pattern:
    text: str
    regex: re.Pattern[str]
    negated: bool
    directory_only: bool


def _char_class(pattern: str, start: int) -> tuple[str, int]:
    """Translate `[...]` starting at `start`; an unclosed `[` is a literal."""
    end = pattern.find("]", start + 2 if pattern[start + 1 : start + 2] in ("!", "]") else start + 1)
    if end < 0:
        return re.escape("["), start + 1
    body = pattern[start + 1 : end]
    if body.startswith("!"):
        body = "^" + body[1:]
    return "[" + body.replace("\\", "\\\\") + "]", end + 1


def _translate(glob: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("/**", i) and i + 3 == len(glob):
            out.append("/.*")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        elif glob[i] == "[":
            text, i = _char_class(glob, i)
            out.append(text)
        elif glob[i] == "\\" and i + 1 < len(glob):
            out.append(re.escape(glob[i + 1]))
            i += 2
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return "".join(out)


def compile_pattern(text: str) -> Pattern:
    glob, negated = (text[1:], True) if text.startswith("!") else (text, False)
    directory_only = glob.endswith("/")
    glob = glob.rstrip("/")
    # As in .gitignore: a slash at the start or in the middle anchors the glob at the root;
    # otherwise it matches a file or directory name at any depth.
    anchored = "/" in glob
    body = _translate(glob.lstrip("/"))
    regex = re.compile(("^" if anchored else "^(?:.*/)?") + body + "$")
    return Pattern(text, regex, negated, directory_only)


class Excluder:
    """`excluded(relpath)` for discovery: the last matching pattern wins (`!` re-includes)."""

    def __init__(self, root: Path, patterns: Sequence[str]) -> None:
        self.root = root
        self.patterns = tuple(compile_pattern(p) for p in patterns)

    def __call__(self, relpath: str) -> bool:
        result = False
        for pattern in self.patterns:
            if pattern.regex.match(relpath) and (not pattern.directory_only or (self.root / relpath).is_dir()):
                result = not pattern.negated
        return result
