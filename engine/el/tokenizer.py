"""Splits expression text into literal text and tokens of ``${...}`` / ``#{...}`` parts.

Positions are 1-based offsets into the whole text, so error messages point at the character an
operator sees in the model.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.el.errors import ExpressionError

KEYWORDS = frozenset(
    {"true", "false", "null", "empty", "div", "mod", "not", "and", "or",
     "eq", "ne", "lt", "gt", "le", "ge", "instanceof"}
)

# Longest first, so that "==" wins over a lone "=".
SYMBOLS = (
    "==", "!=", "<=", ">=", "&&", "||",
    "+", "-", "*", "/", "%", "<", ">", "!", "?", ":", "(", ")", "[", "]", ".", ",",
)

REFUSED_SYMBOLS = {
    "=": "Assignment is not supported in JUEL expressions",
    "+=": "Assignment is not supported in JUEL expressions",
    ";": "Statement sequences are not supported in JUEL expressions",
    "->": "Lambda expressions are not supported in JUEL expressions",
    "{": "Nested '{' is not supported in JUEL expressions",
}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "int", "float", "string", "ident", "keyword", "symbol", "end"
    value: str
    position: int


@dataclass(frozen=True, slots=True)
class ExpressionPart:
    tokens: tuple[Token, ...]
    position: int


Part = str | ExpressionPart


def split_text(text: str) -> list[Part]:
    """Literal text and expression parts, in order; ``\\${`` in text is a literal ``${``."""
    parts: list[Part] = []
    literal: list[str] = []
    i = 0
    length = len(text)
    while i < length:
        c = text[i]
        if c == "\\" and text.startswith(("${", "#{"), i + 1):
            literal.append(text[i + 1 : i + 3])
            i += 3
        elif c in "$#" and i + 1 < length and text[i + 1] == "{":
            if literal:
                parts.append("".join(literal))
                literal = []
            tokens, i = _scan_expression(text, i + 2)
            parts.append(ExpressionPart(tuple(tokens), i))
        else:
            literal.append(c)
            i += 1
    if literal:
        parts.append("".join(literal))
    return parts


def _scan_expression(text: str, i: int) -> tuple[list[Token], int]:
    """Tokens from ``text[i]`` up to and including the closing ``}``; returns the next index."""
    tokens: list[Token] = []
    length = len(text)
    start = i - 2
    while True:
        while i < length and text[i] in " \t\r\n\f":
            i += 1
        if i >= length:
            raise ExpressionError("Missing '}' at the end of the expression", position=start + 1)
        c = text[i]
        if c == "}":
            tokens.append(Token("end", "}", i + 1))
            return tokens, i + 1
        if c.isdigit() or (c == "." and i + 1 < length and text[i + 1].isdigit()):
            token, i = _scan_number(text, i)
        elif c in "'\"":
            token, i = _scan_string(text, i)
        elif c.isalpha() or c in "_$":
            j = i + 1
            while j < length and (text[j].isalnum() or text[j] in "_$"):
                j += 1
            word = text[i:j]
            token = Token("keyword" if word in KEYWORDS else "ident", word, i + 1)
            i = j
        else:
            token, i = _scan_symbol(text, i)
        tokens.append(token)


def _scan_number(text: str, i: int) -> tuple[Token, int]:
    length = len(text)
    j = i
    kind = "int"
    while j < length and text[j].isdigit():
        j += 1
    if j < length and text[j] == ".":
        kind = "float"
        j += 1
        while j < length and text[j].isdigit():
            j += 1
    if j < length and text[j] in "eE":
        k = j + 1
        if k < length and text[k] in "+-":
            k += 1
        if k < length and text[k].isdigit():
            while k < length and text[k].isdigit():
                k += 1
            kind = "float"
            j = k
    literal = text[i:j]
    if not literal.isascii():
        raise ExpressionError(f"Invalid number '{literal}'", position=i + 1)
    return Token(kind, literal, i + 1), j


def _scan_string(text: str, i: int) -> tuple[Token, int]:
    # EL: inside a string literal '\' escapes only '\', "'" and '"'; anything else is an error.
    quote = text[i]
    chars: list[str] = []
    j = i + 1
    length = len(text)
    while j < length:
        c = text[j]
        if c == "\\":
            if j + 1 < length and text[j + 1] in "\\'\"":
                chars.append(text[j + 1])
                j += 2
                continue
            raise ExpressionError("Invalid escape sequence in string literal", position=j + 1)
        if c == quote:
            return Token("string", "".join(chars), i + 1), j + 1
        chars.append(c)
        j += 1
    raise ExpressionError("Unterminated string literal", position=i + 1)


def _scan_symbol(text: str, i: int) -> tuple[Token, int]:
    for refused, reason in REFUSED_SYMBOLS.items():
        if text.startswith(refused, i) and not text.startswith("==", i):
            raise ExpressionError(reason, position=i + 1)
    for symbol in SYMBOLS:
        if text.startswith(symbol, i):
            return Token("symbol", symbol, i + 1), i + len(symbol)
    raise ExpressionError(f"Unexpected character '{text[i]}'", position=i + 1)
