"""Splits FEEL text into tokens; positions are 1-based so messages point where an author looks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.dmn.feel.errors import FeelError

MAX_TEXT_LENGTH = 16 * 1024

# Longest first: "**" before "*", "<=" before "<", ".." before ".".
SYMBOLS = ("**", "..", "<=", ">=", "!=", "+", "-", "*", "/", "<", ">", "=", "(", ")", "[", "]",
           "{", "}", ",", ".", ":", "?", "@")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# No leading "." and a digit required after the dot, so "5..8" reads as 5, "..", 8.
_NUMBER = re.compile(r"\d+(\.\d+)?")
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r", "'": "'"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "number", "string", "name", "symbol", "end"
    value: str
    position: int


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_TEXT_LENGTH:
        raise FeelError(f"text is longer than {MAX_TEXT_LENGTH} characters", text[:40] + "...")
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c.isspace():
            i += 1
        elif c == '"':
            value, end = _read_string(text, i)
            tokens.append(Token("string", value, i + 1))
            i = end
        elif match := _NUMBER.match(text, i):
            tokens.append(Token("number", match.group(), i + 1))
            i = match.end()
        elif match := _NAME.match(text, i):
            tokens.append(Token("name", match.group(), i + 1))
            i = match.end()
        else:
            symbol = next((s for s in SYMBOLS if text.startswith(s, i)), None)
            if symbol is None:
                raise FeelError(f"unexpected character '{c}'", text, i + 1)
            tokens.append(Token("symbol", symbol, i + 1))
            i += len(symbol)
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


def _read_string(text: str, start: int) -> tuple[str, int]:
    chars: list[str] = []
    i = start + 1
    while i < len(text):
        c = text[i]
        if c == '"':
            return "".join(chars), i + 1
        if c == "\\":
            escaped = text[i + 1 : i + 2]
            if escaped == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[i + 2 : i + 6]):
                chars.append(chr(int(text[i + 2 : i + 6], 16)))
                i += 6
                continue
            if escaped not in _ESCAPES:
                # Not an escape: the backslash stays, so a pattern such as "\d+" reads as
                # written (the DMN TCK's reading; FEEL engines differ here).
                chars.append(c)
                i += 1
                continue
            chars.append(_ESCAPES[escaped])
            i += 2
            continue
        chars.append(c)
        i += 1
    raise FeelError("string is not closed", text, start + 1)
