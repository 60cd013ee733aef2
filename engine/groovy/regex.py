"""Groovy's regular expression operators: `~"pattern"` (a Pattern), `text =~ pattern` (a
Matcher: true when the pattern is found, `matcher[0]` the first match) and `text ==~ pattern`
(the whole text matches). Patterns are Java's, read by gdk_strings.java_pattern."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from engine.groovy import values
from engine.groovy.builtins import ScriptObject
from engine.groovy.errors import GroovyRuntimeError
from engine.groovy.gdk_strings import java_pattern


class Pattern(ScriptObject):
    """java.util.regex.Pattern, what `~/.../` makes."""

    EL_METHODS: ClassVar[dict[str, str]] = {
        "matcher": "matcher",
        "pattern": "source",
        "toString": "source",
    }

    def __init__(self, source: str) -> None:
        self.compiled = java_pattern(source)
        self.text = source

    def matcher(self, text: Any) -> Matcher:
        return Matcher(self.compiled, values.to_string(text))

    def source(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text


class Matcher(ScriptObject):
    """java.util.regex.Matcher as Groovy uses it: true when the pattern occurs, indexed by
    match (a match is its text, or [text, group 1, ...] when the pattern has groups)."""

    EL_METHODS: ClassVar[dict[str, str]] = {
        "find": "find",
        "matches": "matches",
        "group": "group",
        "size": "size",
        "getCount": "size",
    }

    def __init__(self, compiled: re.Pattern[str], text: str) -> None:
        self.compiled = compiled
        self.text = text
        self.found = list(compiled.finditer(text))
        self.cursor = -1

    def __bool__(self) -> bool:
        return bool(self.found)

    def find(self) -> bool:
        self.cursor += 1
        return self.cursor < len(self.found)

    def matches(self) -> bool:
        return self.compiled.fullmatch(self.text) is not None

    def group(self, number: int = 0) -> str | None:
        if not 0 <= self.cursor < len(self.found):
            raise GroovyRuntimeError("No match found")
        return self.found[self.cursor].group(number)

    def size(self) -> int:
        return len(self.found)

    def get_at(self, index: int) -> Any:
        position = index + len(self.found) if index < 0 else index
        if not 0 <= position < len(self.found):
            raise GroovyRuntimeError(f"index is out of range {index}")
        match = self.found[position]
        return [match.group(0), *match.groups()] if self.compiled.groups else match.group(0)


def pattern_of(value: Any) -> re.Pattern[str]:
    if isinstance(value, Pattern):
        return value.compiled
    if isinstance(value, str):
        return java_pattern(value)
    raise GroovyRuntimeError(f"a regular expression is a String, not {values.type_name(value)}")


def find(text: Any, pattern: Any) -> Matcher:
    """`text =~ pattern`."""
    return Matcher(pattern_of(pattern), values.to_string(text))


def match(text: Any, pattern: Any) -> bool:
    """`text ==~ pattern`: the whole text."""
    return pattern_of(pattern).fullmatch(values.to_string(text)) is not None
