"""The expression languages of a decision table: FEEL (the default) and JUEL.

Camunda 7.13+ evaluates input expressions, input entries and output entries as FEEL unless
`expressionLanguage` (on the element or on `definitions`) says otherwise. We also run JUEL with
Legato's own evaluator; other languages (JavaScript, Groovy, Python) are refused at parse time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from engine.dmn.feel import FeelError, FeelExpression, FeelUnaryTests, Scope
from engine.el import EvaluationContext, ExpressionError, compile_expression

Lookup = Callable[[str], Any]

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


class _Compiled:
    """Text compiled at parse time in its language: FEEL as `_feel_kind`, or JUEL."""

    __slots__ = ("_feel", "_juel", "language", "text")
    _feel_kind: type[FeelExpression] | type[FeelUnaryTests]

    def __init__(self, text: str, language: str) -> None:
        self.text = text
        self.language = language
        self._feel = _compile_feel(self._feel_kind, text) if language == FEEL else None
        self._juel = _compile_juel(text) if language == JUEL else None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.language}, {self.text!r})"

    def _evaluate_juel(self, lookup: Lookup, now: datetime | None) -> Any:
        assert self._juel is not None
        return self._juel.evaluate(EvaluationContext(variables=lookup, now=now))


class ValueExpression(_Compiled):
    """An input expression or output entry: a value computed from the variables."""

    __slots__ = ()
    _feel_kind = FeelExpression

    def evaluate(self, lookup: Lookup, now: datetime | None) -> Any:
        if isinstance(self._feel, FeelExpression):
            return self._feel.evaluate(Scope(lookup, now=now))
        return self._evaluate_juel(lookup, now)


class InputTest(_Compiled):
    """An input entry; `lookup` already shows the input value as the input variable."""

    __slots__ = ()
    _feel_kind = FeelUnaryTests

    def matches(self, value: Any, lookup: Lookup, now: datetime | None) -> bool:
        if isinstance(self._feel, FeelUnaryTests):
            return self._feel.matches(Scope(lookup, input=value, now=now))
        # Camunda: a JUEL input entry applies when it returns Boolean.TRUE, nothing else.
        return self._evaluate_juel(lookup, now) is True


def _compile_feel(kind: Callable[[str], Any], text: str) -> Any:
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


# FeelError is an ExpressionError: one type covers evaluation failures of both languages.
EVALUATION_ERRORS = (ExpressionError,)
