"""The GDK on strings and dates: Java's String/Date methods (reused from the expression
language) and Groovy's additions (toInteger, padLeft, tokenize, replaceAll, format...).

Regular expressions are Java's, translated to Python's `re` where the two differ in spelling
(named groups, \\Q...\\E, \\z, POSIX classes, `$1` in a replacement). They are bounded in
length and what a replacement builds is bounded too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any

from engine.el import methods as el_methods
from engine.groovy import arithmetic, dates, values
from engine.groovy.arithmetic import java_trim
from engine.groovy.errors import MAX_CHARS, GroovyLimitError, GroovyRuntimeError, check_size
from engine.groovy.gdk_support import (
    SEQUENCE_METHODS,
    Table,
    call,
    closure_arg,
    from_el,
    int_arg,
    is_closure,
    text_arg,
)
from engine.groovy.java_time.zoned import Instant

MAX_PATTERN = 1000
_TOKEN_DELIMITERS = " \t\n\r\f"  # java.util.StringTokenizer's default
_TRUE_WORDS = frozenset({"true", "y", "1"})

# -- numbers in strings --------------------------------------------------------------------


def _number_format(text: str) -> GroovyRuntimeError:
    return GroovyRuntimeError(f'For input string: "{values.brief(text)}"')


def _to_int(bits: int | None) -> Callable[[str], int]:
    def convert(text: str) -> int:
        number = arithmetic.parse_int(java_trim(text))
        if number is None or not arithmetic.fits(number, bits):
            raise _number_format(text)
        return number

    return convert


def _is(convert: Callable[[str], Any]) -> Callable[[str], bool]:
    def test(text: str) -> bool:
        try:
            convert(text)
        except GroovyRuntimeError:
            return False
        return True

    return test


def _to_double(text: str) -> float:
    number = arithmetic.parse_float(text)
    if number is None:
        raise _number_format(text)
    return number


def _to_big_decimal(text: str) -> Any:
    number = arithmetic.parse_decimal(java_trim(text))
    if number is None:
        raise _number_format(text)
    return number


# -- padding and pieces --------------------------------------------------------------------


def _padding(pad: Any, count: int) -> str:
    fill = text_arg(pad)
    if count <= 0:
        return ""
    if not fill:
        raise GroovyRuntimeError("The padding must not be empty")
    values.check_chars(count)
    return (fill * (count // len(fill) + 1))[:count]


def _pad_left(text: str, width: Any, pad: Any = " ") -> str:
    return _padding(pad, _width(width) - len(text)) + text


def _pad_right(text: str, width: Any, pad: Any = " ") -> str:
    return text + _padding(pad, _width(width) - len(text))


def _center(text: str, width: Any, pad: Any = " ") -> str:
    # Groovy puts the odd padding character on the right.
    missing = _width(width) - len(text)
    if missing <= 0:
        return text
    return _padding(pad, missing // 2) + text + _padding(pad, missing - missing // 2)


def _width(width: Any) -> int:
    size = int_arg(width)
    values.check_chars(size)  # the padded text is this long
    return size


def _characters(text: str) -> list[str]:
    values.check_items(len(text))
    return list(text)


def _tokenize(text: str, delimiters: Any = _TOKEN_DELIMITERS) -> list[str]:
    # Every character of `delimiters` separates tokens; empty tokens are dropped.
    separators = text_arg(delimiters)
    if not separators:
        return [text] if text else []
    tokens = [token for token in re.split("[" + re.escape(separators) + "]+", text) if token]
    check_size(tokens)
    return tokens


def _split(text: str, separator: Any = None) -> list[str]:
    """String.split: by whitespace without an argument, else by a Java regular expression;
    trailing empty strings are dropped, as Java does."""
    if separator is None:
        return _tokenize(text)
    pattern = java_pattern(text_arg(separator))
    pieces: list[str] = []
    start = 0
    for match in pattern.finditer(text):
        if match.end() == 0:
            continue  # a zero-width match at the start splits nothing off (Java 8)
        pieces.append(text[start:match.start()])
        start = match.end()
        values.check_items(len(pieces))
    if not pieces:
        return [text]
    pieces.append(text[start:])
    while pieces and pieces[-1] == "":
        pieces.pop()
    return pieces


def _count(text: str, part: Any) -> int:
    # Groovy counts overlapping occurrences ("aaa".count("aa") is 2).
    needle = values.to_string(part)
    if len(needle) <= 1 or needle[0] not in needle[1:]:
        return text.count(needle)  # occurrences of such a needle cannot overlap
    found, at = 0, text.find(needle)
    while at >= 0:
        found += 1
        at = text.find(needle, at + 1)
    return found


def _each_character(text: str, closure: Any) -> str:
    function = closure_arg(closure)
    for character in text:
        call(function, character)
    return text


# -- regular expressions -------------------------------------------------------------------

# POSIX classes of java.util.regex (US-ASCII), as the inside of a character class.
_POSIX = {
    "Lower": "a-z", "Upper": "A-Z", "ASCII": "\\x00-\\x7f", "Alpha": "a-zA-Z",
    "Digit": "0-9", "Alnum": "a-zA-Z0-9", "Punct": "!-/:-@\\[-`{-~", "Graph": "!-~",
    "Print": " -~", "Blank": " \\t", "Cntrl": "\\x00-\\x1f\\x7f", "XDigit": "0-9a-fA-F",
    "Space": " \\t\\n\\x0b\\f\\r",
}


def _unsupported(pattern: str, what: str) -> GroovyRuntimeError:
    return GroovyRuntimeError(f"Regular expression '{pattern}': {what} is not supported")


def _escape(pattern: str, at: int, in_class: bool) -> tuple[str, int]:
    """The Python spelling of the escape at `at` (a backslash) and where the next one starts."""
    if at + 1 >= len(pattern):
        return "\\\\", at + 1  # Java refuses a trailing backslash; re does too, with its message
    letter = pattern[at + 1]
    if letter == "Q":
        end = pattern.find("\\E", at + 2)
        quoted = pattern[at + 2 :] if end < 0 else pattern[at + 2 : end]
        return re.escape(quoted), len(pattern) if end < 0 else end + 2
    if letter == "z":
        return "\\Z", at + 2
    if letter == "Z":
        return "(?=\\n?\\Z)", at + 2
    if letter == "k" and pattern.startswith("<", at + 2):
        end = pattern.find(">", at + 3)
        if end > 0:
            return f"(?P={pattern[at + 3 : end]})", end + 1
    if letter in "pP":
        return _posix(pattern, at, in_class)
    return pattern[at : at + 2], at + 2


def _posix(pattern: str, at: int, in_class: bool) -> tuple[str, int]:
    negated = pattern[at + 1] == "P"
    if pattern.startswith("{", at + 2):
        end = pattern.find("}", at + 3)
        name, after = (pattern[at + 3 : end], end + 1) if end > 0 else ("", at + 2)
    else:
        name, after = pattern[at + 2 : at + 3], at + 3
    content = _POSIX.get(name.removeprefix("Is"))
    if content is None:
        raise _unsupported(pattern, f"the class \\{pattern[at + 1]}{{{name}}}")
    if in_class:
        if negated:
            raise _unsupported(pattern, "a negated class inside a character class")
        return content, after
    return ("[^" if negated else "[") + content + "]", after


def _translate(pattern: str) -> str:
    parts: list[str] = []
    at, in_class = 0, False
    while at < len(pattern):
        char = pattern[at]
        if char == "\\":
            text, at = _escape(pattern, at, in_class)
            parts.append(text)
            continue
        if in_class:
            if char == "[" or pattern.startswith("&&", at):
                raise _unsupported(pattern, "a character class union or intersection")
            in_class = char != "]"
        elif char == "[":
            in_class = True
            opening = "[^" if pattern.startswith("^", at + 1) else "["
            at += len(opening)
            parts.append(opening)
            if pattern.startswith("]", at):  # a leading ] is a literal one in Java
                parts.append("\\]")
                at += 1
            continue
        elif pattern.startswith("(?<", at) and pattern[at + 3 : at + 4] not in ("=", "!"):
            parts.append("(?P<")  # a named group (not a lookbehind)
            at += 3
            continue
        parts.append(char)
        at += 1
    return "".join(parts)


@lru_cache(maxsize=256)
def java_pattern(pattern: str) -> re.Pattern[str]:
    """A Java regular expression compiled for Python's `re` (ASCII classes, as Java's)."""
    if len(pattern) > MAX_PATTERN:
        raise GroovyRuntimeError(f"Regular expression longer than {MAX_PATTERN} characters")
    try:
        return re.compile(_translate(pattern), re.ASCII)
    except re.error as error:
        raise GroovyRuntimeError(f"Invalid regular expression '{pattern}': {error}") from None


def _replacement(text: str, pattern: re.Pattern[str]) -> list[str | int]:
    """Matcher.appendReplacement's syntax: literal text and group numbers; `\\x` quotes x,
    `$n` and `${name}` refer to groups."""
    parts: list[str | int] = []
    literal: list[str] = []
    at = 0
    while at < len(text):
        char = text[at]
        if char == "\\":
            if at + 1 >= len(text):
                raise GroovyRuntimeError("character to be escaped is missing")
            literal.append(text[at + 1])
            at += 2
        elif char == "$":
            group, at = _group_reference(text, at + 1, pattern)
            parts.extend(["".join(literal), group])
            literal = []
        else:
            literal.append(char)
            at += 1
    parts.append("".join(literal))
    return parts


def _group_reference(text: str, at: int, pattern: re.Pattern[str]) -> tuple[int, int]:
    if text.startswith("{", at):
        end = text.find("}", at)
        name = text[at + 1 : end] if end > 0 else ""
        if name not in pattern.groupindex:
            raise GroovyRuntimeError(f"No group with name {{{name}}}")
        return pattern.groupindex[name], end + 1
    if at >= len(text) or not "0" <= text[at] <= "9":
        raise GroovyRuntimeError("Illegal group reference")
    group = int(text[at])
    if group > pattern.groups:
        raise GroovyRuntimeError(f"No group {group}")
    at += 1
    # Java reads further digits while they still name an existing group.
    while at < len(text) and "0" <= text[at] <= "9" and group * 10 + int(text[at]) <= (
        pattern.groups
    ):
        group = group * 10 + int(text[at])
        at += 1
    return group, at


def _match_value(match: re.Match[str]) -> Any:
    # A closure replacement gets the match, or [match, group1, ...] when there are groups.
    if not match.re.groups:
        return match.group(0)
    return [match.group(0), *match.groups()]


def _replace(text: str, regex: Any, replacement: Any, count: int) -> str:
    pattern = java_pattern(text_arg(regex))
    if is_closure(replacement):
        def make(match: re.Match[str]) -> str:
            return values.to_string(call(replacement, _match_value(match)))
    else:
        parts = _replacement(text_arg(replacement), pattern)

        def make(match: re.Match[str]) -> str:
            return "".join(
                part if isinstance(part, str) else match.group(part) or "" for part in parts
            )

    room = MAX_CHARS - len(text)  # the text kept between matches is never longer than this

    def substitute(match: re.Match[str]) -> str:
        nonlocal room
        produced = make(match)
        room -= len(produced)
        if room < 0:
            raise GroovyLimitError(f"a string of more than {MAX_CHARS} characters")
        return produced

    result = pattern.sub(substitute, text, count=count)
    check_size(result)
    return result


def _matches(text: str, regex: Any) -> bool:
    return java_pattern(text_arg(regex)).fullmatch(text) is not None


STRING_METHODS: Table = {
    **from_el(el_methods.STRING_METHODS, "split"),
    "split": (0, 1, _split),
    "size": (0, 0, len),
    "compareTo": (1, 1, lambda text, other: values.compare(text, text_arg(other))),
    "toInteger": (0, 0, _to_int(32)),
    "toLong": (0, 0, _to_int(64)),
    "toBigInteger": (0, 0, _to_int(None)),
    "toDouble": (0, 0, _to_double),
    "toFloat": (0, 0, _to_double),
    "toBigDecimal": (0, 0, _to_big_decimal),
    "toBoolean": (0, 0, lambda text: java_trim(text).lower() in _TRUE_WORDS),
    "isInteger": (0, 0, _is(_to_int(32))),
    "isLong": (0, 0, _is(_to_int(64))),
    "isBigInteger": (0, 0, _is(_to_int(None))),
    "isDouble": (0, 0, _is(_to_double)),
    "isFloat": (0, 0, _is(_to_double)),
    "isBigDecimal": (0, 0, _is(_to_big_decimal)),
    "isNumber": (0, 0, _is(_to_big_decimal)),
    "capitalize": (0, 0, lambda text: text[:1].upper() + text[1:]),
    "uncapitalize": (0, 0, lambda text: text[:1].lower() + text[1:]),
    "reverse": (0, 0, lambda text: text[::-1]),
    "padLeft": (1, 2, _pad_left),
    "padRight": (1, 2, _pad_right),
    "center": (1, 2, _center),
    "toList": (0, 0, _characters),
    "tokenize": (0, 1, _tokenize),
    "count": (1, 1, _count),
    **SEQUENCE_METHODS,
    "multiply": (1, 1, lambda text, n: values.binary("*", text, n)),
    "replaceAll": (2, 2, lambda text, regex, by: _replace(text, regex, by, 0)),
    "replaceFirst": (2, 2, lambda text, regex, by: _replace(text, regex, by, 1)),
    "matches": (1, 1, _matches),
    "each": (1, 1, _each_character),
}

# -- dates ---------------------------------------------------------------------------------


def _format(moment: datetime, pattern: Any) -> str:
    return dates.format_date(moment, text_arg(pattern))


DATE_METHODS: Table = {
    **from_el(el_methods.DATE_METHODS, "toString"),
    "toString": (0, 0, values.to_string),
    "format": (1, 1, _format),
    "plus": (1, 1, lambda moment, days: values.binary("+", moment, days)),
    "minus": (1, 1, lambda moment, other: values.binary("-", moment, other)),
    "compareTo": (1, 1, values.compare),
    "equals": (1, 1, values.equals),
    "toInstant": (0, 0, Instant),
}
