"""FEEL semantics on Python values: null propagation, typed comparison, arithmetic, built-ins.

Values are None, bool, int, float, str, list, dict, date, datetime and timedelta. FEEL compares
only values of one kind: `1 = "1"` is false and `1 < "1"` is an error, and a boolean is never a
number (Python's `True == 1` must not leak through).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from engine.dmn.feel.errors import FeelError


@dataclass(slots=True)
class Scope:
    """What one evaluation sees: variables (a lookup raising KeyError), `?` and the clock."""

    lookup: Callable[[str], Any]
    input: Any = None
    now: datetime | None = None


# Checked in order: bool before number (a bool is an int), datetime before date (a subclass).
_KINDS: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (bool, "boolean"),
    ((int, float, Decimal), "number"),
    (str, "string"),
    (datetime, "date and time"),
    (date, "date"),
    (timedelta, "duration"),
    ((list, tuple), "list"),
    (dict, "context"),
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
    if kind == "date and time" and (left.tzinfo is None) != (right.tzinfo is None):
        return False
    return bool(left == right)


_ORDERED = frozenset({"number", "string", "date", "date and time", "duration"})
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
    if kind == "date and time" and (left.tzinfo is None) != (right.tzinfo is None):
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
    temporal = {"date", "date and time"}
    if kinds[0] in temporal and kinds[1] == "duration" and op in "+-":
        return left + right if op == "+" else left - right
    if kinds == ("duration", "duration") and op in "+-":
        return left + right if op == "+" else left - right
    if kinds[0] == kinds[1] and kinds[0] in temporal and op == "-":
        return left - right
    raise FeelError(f"cannot apply '{op}' to {kinds[0]} '{left}' and {kinds[1]} '{right}'")


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
    if kind_of(value) in {"number", "duration"}:
        return -value
    raise FeelError(f"cannot negate {kind_of(value)} '{value}'")


_DURATION = re.compile(
    r"(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?"
)


def parse_duration(text: str) -> timedelta:
    """Days-and-time durations (`P1DT2H30M`); years and months have no fixed length."""
    match = _DURATION.fullmatch(text)
    if not match or text in {"P", "-P"} or text.endswith("T"):
        raise FeelError(f"'{text}' is not a days-and-time duration like 'P1DT2H'")
    sign, days, hours, minutes, seconds = match.groups()
    value = timedelta(
        days=int(days or 0), hours=int(hours or 0), minutes=int(minutes or 0),
        seconds=float(seconds or 0),
    )
    return -value if sign else value


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FeelError(f"'{text}' is not a date like '2026-01-31'") from None


def parse_date_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise FeelError(f"'{text}' is not a date and time like '2026-01-31T10:00:00'") from None
    if len(text) <= 10:  # a bare date is not a date and time in FEEL
        raise FeelError(f"'{text}' is not a date and time like '2026-01-31T10:00:00'")
    return value


# Properties readable on temporal values with a path (`birthday.year`).
TEMPORAL_PROPERTIES = frozenset(
    {"year", "month", "day", "hour", "minute", "second", "weekday"}
)


def path_get(value: Any, name: str) -> Any:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return [path_get(item, name) for item in value]  # FEEL: a path maps over a list
    if isinstance(value, dict):
        return value.get(name)  # FEEL: a missing context entry is null
    if kind_of(value) in {"date", "date and time"} and name in TEMPORAL_PROPERTIES:
        if name == "weekday":
            return value.isoweekday()
        return getattr(value, name, None)
    raise FeelError(f"cannot read '{name}' of {kind_of(value)} '{value}'")
