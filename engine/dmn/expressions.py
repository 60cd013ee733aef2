"""The expression languages of a decision table: FEEL (the default), JUEL and Groovy.

Camunda 7.13+ evaluates input expressions, input entries and output entries as FEEL unless
`expressionLanguage` (on the element or on `definitions`) says otherwise. We also run JUEL with
Legato's own evaluator and Groovy with its interpreter (engine/groovy); other languages
(JavaScript, Python) are refused at parse time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from engine.dmn.feel import FeelError, FeelExpression, FeelUnaryTests, Scope
from engine.el import EvaluationContext, ExpressionError, compile_expression
from engine.el.context import SPIN_FUNCTIONS
from engine.groovy import (
    MISSING,
    Bindings,
    GroovyError,
    GroovySyntaxError,
    parse_groovy,
    run_groovy,
)
from engine.groovy.nodes import Script

Lookup = Callable[[str], Any]

FEEL = "feel"
JUEL = "juel"
GROOVY = "groovy"
_LANGUAGES = {
    "feel": FEEL,
    "http://www.omg.org/spec/feel/20140401": FEEL,
    "http://www.omg.org/spec/dmn/20180521/feel/": FEEL,
    "https://www.omg.org/spec/dmn/20191111/feel/": FEEL,
    "juel": JUEL,
    "groovy": GROOVY,
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
            f"expression language '{name}' is not supported (FEEL, JUEL and Groovy are)"
        )
    return language


class _Compiled:
    """Text compiled at parse time in its language: FEEL as `_feel_kind`, JUEL or Groovy."""

    __slots__ = ("_feel", "_groovy", "_juel", "language", "text")
    _feel_kind: type[FeelExpression] | type[FeelUnaryTests]

    def __init__(self, text: str, language: str) -> None:
        self.text = text
        self.language = language
        self._feel = _compile_feel(self._feel_kind, text) if language == FEEL else None
        self._juel = _compile_juel(text) if language == JUEL else None
        self._groovy = _compile_groovy(text) if language == GROOVY else None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.language}, {self.text!r})"

    def _evaluate_script(self, lookup: Lookup, now: datetime | None) -> Any:
        """A JUEL or Groovy text's value over the variables."""
        if self._groovy is not None:
            return _decimal_free(run_groovy(self._groovy, _groovy_bindings(lookup, now)))
        assert self._juel is not None
        return self._juel.evaluate(EvaluationContext(variables=lookup, now=now))


class ValueExpression(_Compiled):
    """An input expression or output entry: a value computed from the variables."""

    __slots__ = ()
    _feel_kind = FeelExpression

    def evaluate(self, lookup: Lookup, now: datetime | None) -> Any:
        if isinstance(self._feel, FeelExpression):
            return self._feel.evaluate(Scope(lookup, now=now))
        return self._evaluate_script(lookup, now)


class InputTest(_Compiled):
    """An input entry; `lookup` already shows the input value as the input variable."""

    __slots__ = ()
    _feel_kind = FeelUnaryTests

    def matches(self, value: Any, lookup: Lookup, now: datetime | None) -> bool:
        if isinstance(self._feel, FeelUnaryTests):
            return self._feel.matches(Scope(lookup, input=value, now=now))
        # Camunda: a JUEL or script input entry applies when it returns Boolean.TRUE only.
        return self._evaluate_script(lookup, now) is True


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


def _compile_groovy(text: str) -> Script:
    try:
        return parse_groovy(text)
    except GroovySyntaxError as error:
        raise ExpressionCompileError(f"Groovy: {error}") from None


def _groovy_bindings(lookup: Lookup, now: datetime | None) -> Bindings:
    def variable(name: str) -> Any:
        try:
            return lookup(name)
        except KeyError:
            return MISSING

    return Bindings(variables=variable, functions=SPIN_FUNCTIONS, now=now)


def _decimal_free(value: Any) -> Any:
    # Groovy's BigDecimal literals (`1.5`) are Doubles to the table: hit policies add and
    # compare results, and a Double is what a DMN number becomes as a variable anyway.
    return float(value) if isinstance(value, Decimal) else value


# FeelError is an ExpressionError: one type covers evaluation failures of FEEL and JUEL.
EVALUATION_ERRORS = (ExpressionError, GroovyError)
