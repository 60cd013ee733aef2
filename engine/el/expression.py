"""Compiled expressions and the compile cache."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from engine.el.compiler import compile_node
from engine.el.context import EvaluationContext
from engine.el.errors import ExpressionError
from engine.el.nodes import Literal
from engine.el.parser import parse

MAX_EXPRESSION_LENGTH = 64 * 1024


class Expression:
    """A parsed expression, immutable and shared between threads through the cache."""

    __slots__ = ("_run", "is_literal", "text")

    def __init__(
        self, text: str, run: Callable[[EvaluationContext], Any], is_literal: bool
    ) -> None:
        self.text = text
        self.is_literal = is_literal
        self._run = run

    def evaluate(self, context: EvaluationContext) -> Any:
        try:
            return self._run(context)
        except ExpressionError as error:
            if not error.expression:
                error.expression = self.text
            raise

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"


def has_expression(text: str) -> bool:
    """Whether `text` holds an expression (`${...}` or `#{...}`) rather than a plain value."""
    return "${" in text or "#{" in text


def compile_expression(text: str) -> Expression:
    """Parse ``text`` (plain text, ``${...}``/``#{...}``, or both mixed); cached by text."""
    if not isinstance(text, str):
        raise ExpressionError(f"Expected expression text, got {type(text).__name__}")
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(
            f"Expression is longer than {MAX_EXPRESSION_LENGTH} characters", text[:80] + "..."
        )
    return _compile_cached(text)


def compile_script(text: str) -> Expression:
    """Compile a ``scriptFormat="juel"`` body; the XML indentation around it is not part of it."""
    return compile_expression(text.strip())


@lru_cache(maxsize=4096)
def _compile_cached(text: str) -> Expression:
    try:
        tree = parse(text)
        run = compile_node(tree)
    except ExpressionError as error:
        if not error.expression:
            error.expression = text
        raise
    return Expression(text, run, is_literal=isinstance(tree, Literal))
