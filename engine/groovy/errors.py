"""Errors of Groovy scripts: what a script may not say (syntax, constructs outside the
subset), what it may not do when it runs, and the limits that keep it in its sandbox."""

from __future__ import annotations

from typing import Any

# What one script may build: longer strings or bigger collections are refused, so that a
# loop doubling a string cannot take the worker's memory.
MAX_CHARS = 10_000_000
MAX_ITEMS = 1_000_000


class GroovyError(Exception):
    """A script that cannot be read or run; `line` is 1-based within the script when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"{self.message} (line {self.line})" if self.line else self.message


class GroovySyntaxError(GroovyError):
    """Not Groovy, or Groovy outside the subset Legato runs (refused when deployed)."""


class GroovyRuntimeError(GroovyError):
    """A script failed while running (Camunda's ScriptEvaluationException)."""


class GroovyLimitError(GroovyRuntimeError):
    """A script went beyond what one script may use (steps, string length, items)."""


def check_size(value: Any) -> Any:
    """`value`, unless it is a string or collection beyond the limits."""
    if isinstance(value, str):
        if len(value) > MAX_CHARS:
            raise GroovyLimitError(f"a string of more than {MAX_CHARS} characters")
    elif isinstance(value, list | dict | set) and len(value) > MAX_ITEMS:
        raise GroovyLimitError(f"a collection of more than {MAX_ITEMS} items")
    return value
