"""How a parse error names the token it stopped at: by kind and position, never by its text
(issue 16: `secret_key = '<40-char key>'` printed 39 characters of the key)."""

from __future__ import annotations

# Tokens whose text is fixed by the grammar (operators, brackets): quoting them shows nothing of the file.
FIXED_TEXT = frozenset(
    [
        *("=", "==", "!=", "<", ">", "<=", ">=", "-", "*", "/", "%", "&&", "||", "+", "!", "?", "(", ")"),
        *("{", "}", "[", "]", ",", ".", ":", '"', "${", "%{", "~", ".*", "[*]", "=>", "...", "::", "$"),
        *("#", ";", "@", "`", "^", "'", "\\"),
    ]
)
KEYWORDS = frozenset(["if", "in", "for", "for_each", "else", "endif", "endfor", "null", "true", "false"])
# python-hcl2's terminal names (hcl2.lark) as words.
KINDS = {
    "NAME": "name",
    "STRING_CHARS": "string text",
    "TEMPLATE_STRING": "string",
    "INT_LITERAL": "number",
    "FLOAT_LITERAL": "number",
    "DECIMAL": "number",
    "NEGATIVE_DECIMAL": "number",
    "HEREDOC_TEMPLATE": "heredoc",
    "HEREDOC_TEMPLATE_TRIM": "heredoc",
    "ESCAPED_INTERPOLATION": "escaped template sequence",
    "ESCAPED_DIRECTIVE": "escaped template sequence",
    "NL_OR_COMMENT": "end of line or comment",
}


def describe_token(kind: str, token: str) -> str:
    """Grammar-fixed text is quoted; names, strings, numbers and other characters are named by
    kind and length only."""
    text = token.strip()
    if not text:
        return "end of line"
    if text in FIXED_TEXT:
        return f"`{text}`"
    if text in KEYWORDS:
        return f"keyword `{text}`"
    if kind == "character":
        return "character (not shown)"
    return f"{KINDS.get(kind, 'token')} ({len(text)} characters, not shown)"
