"""A checker of the layout rules of `terraform fmt`, written for the tests from what hclwrite's
formatter (format.go) documents, independently of mfa_guard/fix/layout.py and align.py:

- each line is split into a lead, an assign cell (from the first `=` that is not the line's first
  token, when the brackets from there to the line end balance) and a comment cell (a trailing
  `#`/`//` comment after other tokens);
- indentation is two spaces per bracket level opened on earlier lines (a line that closes
  brackets is dedented first);
- consecutive lines with an assign cell put `=` one column after the widest lead; exactly one
  space follows `=`;
- consecutive lines with a comment cell put it one column after the widest code.

`problems(text)` lists what `terraform fmt` would change in these respects (empty: fmt-clean here).
Other spacing inside expressions is not checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN = re.compile(
    r"""
    (?P<newline>\r?\n)
  | (?P<space>[ \t]+)
  | (?P<linecomment>(?:\#|//)[^\r\n]*(?:\r?\n)?)
  | (?P<blockcomment>/\*.*?(?:\*/|\Z))
  | (?P<heredoc><<-?(?P<marker>[A-Za-z_][\w-]*)[ \t]*\r?\n)
  | (?P<string>")
  | (?P<op>==|!=|<=|>=|=>|&&|\|\||\.\.\.)
  | (?P<equal>=)
  | (?P<open>[{\[(])
  | (?P<close>[}\])])
  | (?P<word>[\w.\-]+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass
class Tok:
    kind: str
    start: int
    end: int


@dataclass
class FmtLine:
    number: int  # 1-based, of the physical line the formatter line starts on
    start: int
    tokens: list[Tok] = field(default_factory=list)


def _string_end(text: str, at: int) -> int:
    depth, i = 0, at + 1
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if depth == 0 and c == '"':
            return i + 1
        if depth == 0 and c == "\n":
            return i
        if text.startswith("${", i) or text.startswith("%{", i):
            depth += 1
            i += 2
            continue
        if depth and c == "{":
            depth += 1
        elif depth and c == "}":
            depth -= 1
        elif depth and c == '"':
            i = _string_end(text, i)
            continue
        i += 1
    return len(text)


def tokens(text: str) -> list[Tok]:
    found: list[Tok] = []
    i = 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        assert m is not None
        kind = m.lastgroup or "other"
        end = m.end()
        if kind == "marker":
            kind = "heredoc"
        if kind == "string":
            end = _string_end(text, i)
        elif kind == "heredoc":
            marker = m.group("marker")
            close = re.compile(rf"^[ \t]*{re.escape(marker)}[ \t]*\r?$", re.M).search(text, end)
            end = close.end() if close else len(text)
            if text.endswith("\r", 0, end):
                end -= 1
        if kind != "space":
            found.append(Tok(kind, i, end))
        i = end
    return found


def lines(text: str) -> list[FmtLine]:
    result = [FmtLine(1, 0)]
    for tok in tokens(text):
        result[-1].tokens.append(tok)
        ends_line = tok.kind == "newline" or (tok.kind == "linecomment" and text[tok.end - 1 : tok.end] == "\n")
        if ends_line:
            result.append(FmtLine(text.count("\n", 0, tok.end) + 1, tok.end))
    return result


def _col(text: str, offset: int) -> int:
    return offset - (text.rfind("\n", 0, offset) + 1)


def _net(toks: list[Tok]) -> int:
    return sum(1 if t.kind == "open" else -1 if t.kind == "close" else 0 for t in toks)


def cells(line: FmtLine) -> tuple[list[Tok], list[Tok], list[Tok]]:
    """(lead, assign, comment) as hclwrite splits a line (the newline token dropped)."""
    toks = [t for t in line.tokens if t.kind != "newline"]
    comment: list[Tok] = []
    if len(toks) > 1 and toks[-1].kind == "linecomment":
        comment, toks = toks[-1:], toks[:-1]
    for i, tok in enumerate(toks):
        if i > 0 and tok.kind == "equal":
            if _net(toks[i:]) == 0:
                return toks[:i], toks[i:], comment
            break
    return toks, [], comment


def problems(text: str) -> list[str]:
    found: list[str] = [
        f"line {number}: trailing whitespace"
        for number, physical in enumerate(text.split("\n"), start=1)
        if physical.rstrip("\r") != physical.rstrip("\r").rstrip(" \t") and not _in_token(text, number)
    ]
    split = [(line, *cells(line)) for line in lines(text)]
    # Indentation (formatIndent): a stack of bracket counts opened per line.
    stack: list[int] = []
    for line, lead, assign, comment in split:
        toks = lead + assign + comment
        if not toks:
            continue
        net = 0
        for tok in lead:
            net += 1 if tok.kind == "open" else -1 if tok.kind == "close" else 0
            if tok.kind == "heredoc":
                break
        net += _net(assign)
        if net < 0:
            closed = -net
            while closed > 0 and stack:
                if closed >= stack[-1]:
                    closed -= stack.pop()
                else:
                    stack[-1] -= closed
                    closed = 0
        indent = text[line.start : toks[0].start]
        if indent != " " * (2 * len(stack)):
            found.append(f"line {line.number}: indented {indent!r}, fmt wants {2 * len(stack)} spaces")
        if net > 0:
            stack.append(net)
    # `=` alignment and the space after it (formatCells).
    run: list[tuple[FmtLine, list[Tok], list[Tok]]] = []
    ends: dict[int, int] = {}
    for item in [*split, None]:
        if item is not None and item[2]:
            run.append((item[0], item[1], item[2]))
            continue
        if run:
            widest = max(_col(text, lead[-1].end) for _, lead, _ in run)
            for line, lead, assign in run:
                at = _col(text, assign[0].start)
                if at != widest + 1 or text[lead[-1].end : assign[0].start].strip(" "):
                    found.append(f"line {line.number}: `=` at column {at + 1}, fmt wants {widest + 2} (spaces)")
                if len(assign) > 1 and text[assign[0].end : assign[1].start] != " ":
                    found.append(f"line {line.number}: not one space after `=`")
            run = []
    for line, lead, assign, _comment in split:
        code = assign or lead
        if code:
            ends[line.number] = _col(text, code[-1].end)
    # Trailing comment alignment.
    comments: list[tuple[FmtLine, Tok]] = []
    for item in [*split, None]:
        if item is not None and item[3]:
            comments.append((item[0], item[3][0]))
            continue
        if comments:
            widest = max(ends[line.number] for line, _ in comments)
            for line, tok in comments:
                at = _col(text, tok.start)
                code = [t for t in line.tokens if t.kind not in ("newline", "linecomment")]
                if at != widest + 1 or text[code[-1].end : tok.start].strip(" "):
                    found.append(f"line {line.number}: comment at column {at + 1}, fmt wants {widest + 2} (spaces)")
            comments = []
    return found


def _in_token(text: str, number: int) -> bool:
    """Does physical line `number` end inside a heredoc or block comment (its spaces are content)?"""
    end = -1
    for _ in range(number):
        end = text.find("\n", end + 1)
    end = len(text) if end < 0 else end
    return any(t.start < end < t.end for t in tokens(text) if t.kind in ("heredoc", "blockcomment"))


def canonical(text: str) -> str:
    """`text` with every `=` and trailing comment aligned as fmt aligns them (indentation untouched)."""
    split = [(line, *cells(line)) for line in lines(text)]
    edits: list[tuple[int, int, int]] = []  # start, end, spaces

    def runs(index: int) -> list[list[tuple[FmtLine, list[Tok], list[Tok], list[Tok]]]]:
        out, run = [], []
        for item in split:
            if item[index]:
                run.append(item)
            elif run:
                out.append(run)
                run = []
        if run:
            out.append(run)
        return out

    shift: dict[int, int] = {}
    for run in runs(2):
        widest = max(_col(text, lead[-1].end) for _, lead, _, _ in run)
        for line, lead, assign, _ in run:
            spaces = widest + 1 - _col(text, lead[-1].end)
            shift[line.number] = spaces - (assign[0].start - lead[-1].end)
            edits.append((lead[-1].end, assign[0].start, spaces))
    for run in runs(3):
        code_ends = {}
        for line, lead, assign, _ in run:
            code = assign or lead
            code_ends[line.number] = _col(text, code[-1].end) + shift.get(line.number, 0)
        widest = max(code_ends.values())
        for line, lead, assign, comment in run:
            code = assign or lead
            edits.append((code[-1].end, comment[0].start, widest + 1 - code_ends[line.number]))
    for start, end, spaces in sorted(edits, reverse=True):
        text = text[:start] + " " * spaces + text[end:]
    return text


def collapsed(text: str) -> str:
    """`text` with one space before every `=` and trailing comment: an unaligned variant."""
    split = [(line, *cells(line)) for line in lines(text)]
    edits = []
    for _line, lead, assign, comment in split:
        if assign:
            edits.append((lead[-1].end, assign[0].start))
        if comment:
            code = assign or lead
            edits.append((code[-1].end, comment[0].start))
    for start, end in sorted(edits, reverse=True):
        text = text[:start] + " " + text[end:]
    return text
