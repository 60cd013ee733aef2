"""A small FEEL (DMN 1.3 Friendly Enough Expression Language) for decision tables.

Our own tokenizer and recursive-descent parser (never Python `eval`); texts are compiled once,
when the DMN file is parsed, so a model with a bad entry is refused at deployment.

Supported in simple expressions (input expressions, output entries):
literals (strings with `\\"`, `\\\\`, `\\n`, `\\t`, `\\r`, `\\uXXXX` escapes, any other backslash
kept; integers and decimals; true, false, null; `@"..."` dates, date-times, times and
durations),
variable names and dotted paths into contexts (a missing key is null), into dates (`d.year`,
`.month`, `.day`, `.hour`, `.minute`, `.second`, `.weekday`) and over lists (mapping each
item), arithmetic `+ - * / **` on numbers, `+` on strings, dates, times and durations of both
kinds as DMN 1.3 combines them (engine/dmn/feel/temporal.py), comparisons
`= != < <= > >=`, `between`, `in` (a test or tests in parentheses), `instance of` (also
`list<T>` and `context<k: T>`), `and`/`or`
(three-valued), `not(x)`, parentheses, lists `[1, 2]`, contexts `{a: 1, b: a + 1}`, filters
`list[condition]` and `list[position]`, `if c then a else b`, `for ... return`, `some`/`every
... satisfies`, function definitions called by the name a context entry or a parameter gives
them (calls.py), and the DMN 1.3 built-in functions in functions.py and list_functions.py.

Supported in unary tests (input entries): `-`, comma-separated tests (any may match),
`not(tests)`, `< e`, `<= e`, `> e`, `>= e`, intervals `[a..b]`, `]a..b[`, `(a..b)` and mixed
ends, a value the input must equal (a list value: the input must equal a member; a boolean
value tests a non-boolean input by itself, so `cellInput > limit` works), and any expression
using `?` for the input (true when it returns true).

Refused with a parse error: names with spaces (other than the built-ins above and context
keys), `external` functions, ranges outside tests, `in` and
`for`, and unknown functions. Numbers are Python ints and floats (an exact integer division
stays an int), not decimals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.dmn.feel.errors import FeelError
from engine.dmn.feel.parser import parse_expression, parse_unary_tests
from engine.dmn.feel.values import Scope

__all__ = ["FeelError", "FeelExpression", "FeelUnaryTests", "Scope"]


class _Compiled:
    """Text compiled once by `_parse`; immutable and shareable between threads."""

    __slots__ = ("_run", "text")
    _parse: Callable[[str], Callable[[Scope], Any]]

    def __init__(self, text: str) -> None:
        self.text = text
        self._run = _compile(text, type(self)._parse)

    def _evaluate(self, scope: Scope) -> Any:
        return _run(self.text, self._run, scope)


class FeelExpression(_Compiled):
    """A compiled simple expression (input expression, output entry)."""

    __slots__ = ()
    _parse = staticmethod(parse_expression)

    def evaluate(self, scope: Scope) -> Any:
        return self._evaluate(scope)


class FeelUnaryTests(_Compiled):
    """Compiled unary tests (an input entry): `matches(scope)` tests `scope.input`."""

    __slots__ = ()
    _parse = staticmethod(parse_unary_tests)

    def matches(self, scope: Scope) -> bool:
        return bool(self._evaluate(scope))


def _compile(text: str, parse: Any) -> Any:
    try:
        return parse(text)
    except FeelError as error:
        error.expression = error.expression or text
        raise
    except RecursionError:
        raise FeelError("expression is nested too deeply", text) from None


def _run(text: str, run: Any, scope: Scope) -> Any:
    try:
        return run(scope)
    except FeelError as error:
        error.expression = error.expression or text
        raise
    except (ArithmeticError, ValueError, TypeError) as error:
        raise FeelError(f"evaluation failed: {error}", text) from None
    except RecursionError:
        raise FeelError("expression is nested too deeply to evaluate", text) from None
