"""Groovy source text as tokens: names, numbers, strings (GStrings keep their `${...}` parts
as source to parse), operators and the newlines that end statements.

A newline ends a statement only where Groovy's would: not inside parentheses or brackets, and
not before a line that continues a method chain (`.`, `?.`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.groovy.errors import GroovySyntaxError

# Longest first, so that `<=>` is not read as `<=` and `>`.
OPERATORS = sorted(
    [
        "..<", "..", "?.", "*.", ".&", "?:", "<=>", "==~", "=~", "**=", "**", "<<=", ">>=", "<<",
        ">>",
        "==", "!=", "<=", ">=", "&&", "||", "++", "--", "+=", "-=", "*=", "/=", "%=", "->", "+",
        "-", "*", "/", "%", "=", "<", ">", "!", "?", ":", ".", ",", ";", "(", ")", "[", "]", "{",
        "}", "&", "|", "^", "~", "@",
    ],
    key=len,
    reverse=True,
)
_NAME = re.compile(r"[A-Za-z_$][\w$]*")
_NUMBER = re.compile(
    r"0[xX][0-9a-fA-F_]+[lLgGiI]?"
    r"|(?P<digits>\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][-+]?\d+)?)(?P<suffix>[lLgGiIdDfF]?)"
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "\\": "\\", "'": "'",
            '"': '"', "$": "$", "/": "/"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "name", "number", "string", "gstring", "op", "newline", "end"
    value: Any  # a GString's value: its parts, text or (source, line) of an expression
    line: int
    spaced: bool = False  # whitespace (or a line break) comes before it


def tokenize(source: str) -> list[Token]:
    return _Lexer(source).run()


class _Lexer:
    def __init__(self, source: str) -> None:
        self.text = source
        self.at = 0
        self.line = 1
        self.tokens: list[Token] = []
        self.nesting: list[str] = []  # open brackets: a newline counts only in `{` or at top

    def fail(self, message: str) -> GroovySyntaxError:
        return GroovySyntaxError(message, self.line)

    def run(self) -> list[Token]:
        spaced = False
        while self.at < len(self.text):
            char = self.text[self.at]
            if char in " \t\r\f":
                self.at += 1
                spaced = True
            elif char == "\\" and self.text.startswith("\n", self.at + 1):
                self.at += 2
                self.line += 1
            elif char == "\n":
                self.newline()
                spaced = True
            elif self.text.startswith("//", self.at) or self.text.startswith("#!", self.at):
                end = self.text.find("\n", self.at)
                self.at = len(self.text) if end < 0 else end
            elif self.text.startswith("/*", self.at):
                end = self.text.find("*/", self.at + 2)
                if end < 0:
                    raise self.fail("a comment /* is not closed")
                self.line += self.text.count("\n", self.at, end)
                self.at = end + 2
                spaced = True
            else:
                self.token(char, spaced)
                spaced = False
        self.add("end", None, False)
        return self.tokens

    def add(self, kind: str, value: Any, spaced: bool, line: int | None = None) -> None:
        self.tokens.append(Token(kind, value, self.line if line is None else line, spaced))

    def newline(self) -> None:
        self.at += 1
        self.line += 1
        if self.nesting and self.nesting[-1] != "{":
            return
        rest = self.text[self.at:].lstrip(" \t\r\n")
        if rest.startswith(("?.", "*.")) or rest.startswith(".") and not rest.startswith(".."):
            return  # the next line continues a method chain
        if self.tokens and self.tokens[-1].kind != "newline":
            self.add("newline", None, True, self.line - 1)

    def token(self, char: str, spaced: bool) -> None:
        line = self.line
        if char.isdigit():
            self.number(spaced)
        elif _NAME.match(char):
            match = _NAME.match(self.text, self.at)
            assert match is not None
            self.at = match.end()
            self.add("name", match.group(), spaced)
        elif char in "'\"" or char == "/" and self.operand_expected():
            self.string(char, spaced)
        elif char == "$" and self.text.startswith("$/", self.at):
            raise self.fail("dollar-slashy strings ($/.../$) are not supported")
        else:
            for operator in OPERATORS:
                if self.text.startswith(operator, self.at):
                    self.at += len(operator)
                    self.bracket(operator)
                    self.add("op", operator, spaced, line)
                    return
            raise self.fail(f"unexpected character {char!r}")

    def operand_expected(self) -> bool:
        """Whether a `/` here starts a slashy string (`~/\\d+/`, `s ==~ /[a-z]+/`): where an
        operand is due, not after one (then it divides)."""
        if not self.tokens or self.tokens[-1].kind == "newline":
            return True
        last = self.tokens[-1]
        if last.kind == "name":
            return last.value in ("return", "case", "in", "assert")
        return last.kind == "op" and last.value not in (")", "]", "}", "++", "--")

    def bracket(self, operator: str) -> None:
        if operator in "([{":
            self.nesting.append(operator)
        elif operator in ")]}":
            if not self.nesting or "([{"[")]}".index(operator)] != self.nesting[-1]:
                raise self.fail(f"'{operator}' does not close an open bracket")
            self.nesting.pop()

    def number(self, spaced: bool) -> None:
        # `1..3` lexes as 1, `..`, 3: a fraction needs a digit after its dot.
        match = _NUMBER.match(self.text, self.at)
        assert match is not None
        self.at = match.end()
        self.add("number", _number(match.group(), self), spaced)

    def string(self, quote: str, spaced: bool) -> None:
        """'...', "..." (a GString), their triple-quoted forms, and /.../ (slashy: a
        backslash escapes only the slash, for regular expressions)."""
        slashy = quote == "/"
        triple = not slashy and self.text.startswith(quote * 3, self.at)
        delimiter = quote * 3 if triple else quote
        self.at += len(delimiter)
        start_line = self.line
        parts: list[Any] = []
        text: list[str] = []
        while True:
            if self.at >= len(self.text):
                raise GroovySyntaxError("a string is not closed", start_line)
            if self.text.startswith(delimiter, self.at):
                self.at += len(delimiter)
                break
            char = self.text[self.at]
            if char == "\n" and not (triple or slashy):
                raise GroovySyntaxError("a string is not closed on its line", start_line)
            if char == "\\" and slashy:
                escaped = self.text.startswith("/", self.at + 1)
                text.append("/" if escaped else "\\")
                self.at += 2 if escaped else 1
            elif char == "\\":
                text.append(self.escape())
            elif char == "$" and (quote == '"' or slashy and self.interpolates()):
                if text:
                    parts.append("".join(text))
                    text = []
                parts.append(self.interpolation())
            else:
                if char == "\n":
                    self.line += 1
                text.append(char)
                self.at += 1
        if text or not parts:
            parts.append("".join(text))
        if quote == "'" or all(isinstance(part, str) for part in parts):
            self.add("string", "".join(parts), spaced, start_line)
        else:
            self.add("gstring", tuple(parts), spaced, start_line)

    def interpolates(self) -> bool:
        # In a slashy string `$` is text unless an expression follows (`$/` ends a regex).
        following = self.text[self.at + 1: self.at + 2]
        return following == "{" or bool(following) and (following.isalpha() or following == "_")

    def escape(self) -> str:
        following = self.text[self.at + 1: self.at + 2]
        if following == "u":
            digits = self.text[self.at + 2: self.at + 6]
            if not re.fullmatch(r"[0-9a-fA-F]{4}", digits):
                raise self.fail("a \\u escape needs four hexadecimal digits")
            self.at += 6
            return chr(int(digits, 16))
        if following == "\n":
            self.at += 2
            self.line += 1
            return ""
        if following not in _ESCAPES:
            raise self.fail(f"unknown escape \\{following}")
        self.at += 2
        return _ESCAPES[following]

    def interpolation(self) -> tuple[str, int]:
        """`${expression}` or `$name.path` in a GString: the expression's source and line."""
        line = self.line
        if self.text.startswith("${", self.at):
            depth, position = 1, self.at + 2
            while depth:
                if position >= len(self.text):
                    raise GroovySyntaxError("a ${ in a string is not closed", line)
                char = self.text[position]
                if char in "'\"":
                    position = self.text.find(char, position + 1)
                    if position < 0:
                        raise GroovySyntaxError("a string inside ${...} is not closed", line)
                depth += {"{": 1, "}": -1}.get(char, 0)
                position += 1
            source = self.text[self.at + 2: position - 1]
            self.line += source.count("\n")
            self.at = position
            if not source.strip():
                raise GroovySyntaxError("an empty ${} in a string", line)
            return source, line
        match = re.compile(r"[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*").match(self.text, self.at + 1)
        if match is None:
            raise self.fail("a $ in a double-quoted string must start an expression (\\$ for $)")
        self.at = match.end()
        return match.group(), line


def _number(text: str, lexer: _Lexer) -> int | float | Decimal:
    clean = text.replace("_", "")
    if clean[:2] in ("0x", "0X"):
        return int(clean.rstrip("lLgGiI"), 16)
    suffix = clean[-1] if clean[-1] in "lLgGiIdDfF" else ""
    body = clean[:-1] if suffix else clean
    if suffix in ("d", "D", "f", "F"):
        return float(body)
    if "." in body or "e" in body or "E" in body:
        if suffix:
            raise lexer.fail(f"'{text}' is not a number")
        return Decimal(body)
    return int(body)
