"""The expression languages of a decision table: FEEL (the default) and JUEL.

Camunda 7.13+ evaluates input expressions, input entries and output entries as FEEL unless
`expressionLanguage` (on the element or on `definitions`) says otherwise. We also run JUEL with
Legato's own evaluator; other languages (JavaScript, Groovy, Python) are refused at parse time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from engine.dmn.feel import FeelError, FeelExpression, FeelUnaryTests, Scope
from engine.el import EvaluationContext, ExpressionError, compile_expression

Lookup = Callable[[str], Any]
T = TypeVar("T")

FEEL = "feel"
JUEL = "juel"
_LANGUAGES = {
    "feel": FEEL,
    "http://www.omg.org/spec/feel/20140401": FEEL,
    "http://www.omg.org/spec/dmn/20180521/feel/": FEEL,
    "https://www.omg.org/spec/dmn/20191111/feel/": FEEL,
    "juel": JUEL,
}


class ExpressionCompileError(ValueError):
    """An expression's text or language was refused; the message is the parse problem."""


def language_of(name: str | None) -> str:
    """Our name for an `expressionLanguage` value; raises ExpressionCompileError if unknown."""
    if name is None or not name.strip():
        return FEEL
    language = _LANGUAGES.get(name.strip().lower())
    if language is None:
        raise ExpressionCompileError(
            f"expression language '{name}' is not supported (FEEL and JUEL are)"
        )
    return language


class ValueExpression:
    """An input expression or output entry: a value computed from the variables."""

    __slots__ = ("_feel", "_juel", "language", "text")

    def __init__(self, text: str, language: str) -> None:
        self.text = text
        self.language = language
        self._feel: FeelExpression | None = (
            _compile_feel(FeelExpression, text) if language == FEEL else None
        )
        self._juel = _compile_juel(text) if language == JUEL else None

    def __repr__(self) -> str:
        return f"ValueExpression({self.language}, {self.text!r})"

    def evaluate(self, lookup: Lookup, now: datetime | None) -> Any:
        if self._feel is not None:
            return self._feel.evaluate(Scope(lookup, now=now))
        assert self._juel is not None
        return self._juel.evaluate(EvaluationContext(variables=lookup, now=now))


class InputTest:
    """An input entry; `lookup` already shows the input value as the input variable."""

    __slots__ = ("_feel", "_juel", "language", "text")

    def __init__(self, text: str, language: str) -> None:
        self.text = text
        self.language = language
        self._feel: FeelUnaryTests | None = (
            _compile_feel(FeelUnaryTests, text) if language == FEEL else None
        )
        self._juel = _compile_juel(text) if language == JUEL else None

    def __repr__(self) -> str:
        return f"InputTest({self.language}, {self.text!r})"

    def matches(self, value: Any, lookup: Lookup, now: datetime | None) -> bool:
        if self._feel is not None:
            return self._feel.matches(Scope(lookup, input=value, now=now))
        assert self._juel is not None
        # Camunda: a JUEL input entry applies when it returns Boolean.TRUE, nothing else.
        return self._juel.evaluate(EvaluationContext(variables=lookup, now=now)) is True


def _compile_feel(kind: Callable[[str], T], text: str) -> T:
    try:
        return kind(text)
    except FeelError as error:
        raise ExpressionCompileError(str(error)) from None


def _compile_juel(text: str) -> Any:
    # DMN texts are commonly written without `${}` (`cellInput > 5`); a text without an
    # expression part would otherwise be a plain string literal.
    source = text if ("${" in text or "#{" in text) else "${" + text + "}"
    try:
        return compile_expression(source)
    except ExpressionError as error:
        raise ExpressionCompileError(f"JUEL: {error}") from None


EVALUATION_ERRORS = (FeelError, ExpressionError)
