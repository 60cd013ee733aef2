"""FEEL semantics on Python values: null propagation, typed comparison, arithmetic, built-ins.

Values are None, bool, int, float, str, list, dict, date, datetime, time, timedelta and
YearsMonths (engine.dmn.feel.temporal). FEEL compares
only values of one kind: `1 = "1"` is false and `1 < "1"` is an error, and a boolean is never a
number (Python's `True == 1` must not leak through).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from engine.dmn.feel.errors import FeelError
from engine.dmn.feel.temporal import (
    PROPERTIES,
    YearsMonths,
    add_months,
    shift_time,
    time_difference,
)


@dataclass(slots=True)
class Scope:
    """What one evaluation sees: variables (a lookup raising KeyError), `?` and the clock."""

    lookup: Callable[[str], Any]
    input: Any = None
    now: datetime | None = None


def with_names(scope: Scope, names: Mapping[str, Any]) -> Scope:
    """`scope` with `names` in front of its variables (read when looked up, so a context
    being built shows the entries it has so far)."""
    outer = scope.lookup

    def lookup(name: str) -> Any:
        if name in names:
            return names[name]
        return outer(name)

    return Scope(lookup, scope.input, scope.now)


@dataclass(frozen=True, slots=True, eq=False)
class FeelFunction:
    """A function definition's value, `function(a, b) a + b`: its body sees its arguments
    by their parameters' names in front of what was visible where it was defined."""

    parameters: tuple[str, ...]
    body: Callable[[Scope], Any]
    scope: Scope

    def __call__(self, *arguments: Any) -> Any:
        if len(arguments) != len(self.parameters):
            raise FeelError(
                f"a function of {len(self.parameters)} parameter(s) was given "
                f"{len(arguments)} argument(s)"
            )
        return self.body(with_names(self.scope, dict(zip(self.parameters, arguments, strict=True))))


# Checked in order: bool before number (a bool is an int), datetime before date (a subclass).
_KINDS: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (bool, "boolean"),
    ((int, float, Decimal), "number"),
    (str, "string"),
    (datetime, "date and time"),
    (date, "date"),
    (time, "time"),
    (timedelta, "duration"),
    (YearsMonths, "years and months duration"),
    ((list, tuple), "list"),
    (dict, "context"),
    (FeelFunction, "function"),
)


def kind_of(value: Any) -> str:
    if value is None:
        return "null"
    return next((name for types, name in _KINDS if isinstance(value, types)),
                type(value).__name__)


def feel_equal(left: Any, right: Any) -> bool:
    kind = kind_of(left)
    if kind != kind_of(right):
        return False
    if kind == "list":
        return len(left) == len(right) and all(map(feel_equal, left, right))
    if kind in _ZONED and (left.tzinfo is None) != (right.tzinfo is None):
        return False
    return bool(left == right)


_ZONED = frozenset({"date and time", "time"})
_ORDERED = frozenset({"number", "string", "date", "date and time", "time", "duration",
                      "years and months duration"})
_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def feel_compare(op: str, left: Any, right: Any) -> bool | None:
    """`=`/`!=` always answer; an ordering with null is null; unlike kinds are an error."""
    if op == "=":
        return feel_equal(left, right)
    if op == "!=":
        return not feel_equal(left, right)
    if left is None or right is None:
        return None
    kind = kind_of(left)
    if kind != kind_of(right) or kind not in _ORDERED:
        raise FeelError(f"cannot compare {kind_of(left)} '{left}' with {kind_of(right)} '{right}'")
    if kind in _ZONED and (left.tzinfo is None) != (right.tzinfo is None):
        raise FeelError(f"cannot compare '{left}' with '{right}': only one has a time zone")
    return _COMPARISONS[op](left, right)


def arithmetic(op: str, left: Any, right: Any) -> Any:
    if left is None or right is None:
        return None
    kinds = (kind_of(left), kind_of(right))
    if kinds == ("number", "number"):
        return _number_op(op, left, right)
    if kinds == ("string", "string") and op == "+":
        return left + right
    result = _temporal(op, kinds, left, right)
    if result is NotImplemented:
        raise FeelError(f"cannot apply '{op}' to {kinds[0]} '{left}' and {kinds[1]} '{right}'")
    return result


_MOMENTS = frozenset({"date", "date and time"})
_DURATIONS = frozenset({"duration", "years and months duration"})


def _temporal(op: str, kinds: tuple[str, str], left: Any, right: Any) -> Any:
    """Dates, times and durations combined as DMN 1.3 table 57 allows; NotImplemented else."""
    sign = 1 if op == "+" else -1
    if op in "+-" and kinds[0] in _MOMENTS and kinds[1] in _DURATIONS:
        if kinds[1] == "years and months duration":
            return add_months(left, sign * right.months)
        return left + sign * right
    if op == "+" and kinds[0] in _DURATIONS and kinds[1] in _MOMENTS:
        return _temporal(op, (kinds[1], kinds[0]), right, left)
    if op in "+-" and kinds == ("time", "duration"):
        return shift_time(left, right, sign)
    if op in "+-" and kinds[0] == kinds[1] and kinds[0] in _DURATIONS:
        return left + right if op == "+" else left - right
    if op == "-" and kinds[0] == kinds[1] and kinds[0] in _MOMENTS:
        if kinds[0] == "date and time" and (left.tzinfo is None) != (right.tzinfo is None):
            raise FeelError(f"cannot subtract '{right}' from '{left}': only one has a time zone")
        return left - right
    if op == "-" and kinds == ("time", "time"):
        return time_difference(left, right)
    if op in "*/" and kinds[0] in _DURATIONS and kinds[1] == "number":
        return _scaled(left, right, op)
    if op == "*" and kinds[0] == "number" and kinds[1] in _DURATIONS:
        return _scaled(right, left, op)
    if op == "/" and kinds[0] == kinds[1] and kinds[0] in _DURATIONS:
        divisor = right.months if isinstance(right, YearsMonths) else right.total_seconds()
        dividend = left.months if isinstance(left, YearsMonths) else left.total_seconds()
        return None if divisor == 0 else dividend / divisor
    return NotImplemented


def _scaled(duration: Any, number: Any, op: str) -> Any:
    if op == "/" and number == 0:
        return None
    factor = float(number) if op == "*" else 1 / float(number)
    if isinstance(duration, YearsMonths):
        return YearsMonths(int(duration.months * factor))
    return duration * factor


MAX_INTEGER_BITS = 100_000


def _number_op(op: str, left: Any, right: Any) -> Any:
    if op == "/":
        if right == 0:
            return None  # FEEL: division by zero is null
        # Integers stay integers when the division is exact (10 / 2 = 5, not 5.0).
        if isinstance(left, int) and isinstance(right, int) and left % right == 0:
            return left // right
        return left / right
    if op == "**":
        return _power(left, right)
    result = left + right if op == "+" else left - right if op == "-" else left * right
    _check_size(result)
    return result


def _power(base: Any, exponent: Any) -> Any:
    # Bounded before computing: `(10 ** 1000) ** 1000` would take the engine's memory.
    if (isinstance(base, int) and isinstance(exponent, int) and exponent > 0
            and base.bit_length() * exponent > MAX_INTEGER_BITS):
        raise FeelError(f"the result of '**' with exponent {exponent} is too large")
    try:
        result = base**exponent
    except (OverflowError, ZeroDivisionError):
        return None
    return None if isinstance(result, complex) else result  # (-8) ** 0.5 has no real value


def _check_size(value: Any) -> None:
    if isinstance(value, int) and value.bit_length() > MAX_INTEGER_BITS:
        raise FeelError("number is too large")


def negate(value: Any) -> Any:
    if value is None:
        return None
    if kind_of(value) in {"number", "duration", "years and months duration"}:
        return -value
    raise FeelError(f"cannot negate {kind_of(value)} '{value}'")


def path_get(value: Any, name: str) -> Any:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return [path_get(item, name) for item in value]  # FEEL: a path maps over a list
    if isinstance(value, dict):
        return value.get(name)  # FEEL: a missing context entry is null
    read = PROPERTIES.get(kind_of(value), {}).get(name)
    if read is not None:
        return read(value)
    raise FeelError(f"cannot read '{name}' of {kind_of(value)} '{value}'")
