"""The EL operators on coerced operands (EL 2.2 sections 1.7-1.10).

Every function here raises only ``ExpressionError``; Python arithmetic errors (overflow, decimal
traps, division by zero) are translated.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from engine.el.coercion import (
    coercion_error,
    is_floaty_string,
    to_boolean,
    to_decimal,
    to_double,
    to_long,
    to_string,
    type_name,
)
from engine.el.datetime_value import DateTimeValue
from engine.el.errors import ExpressionError

BinaryOperator = Callable[[Any, Any], Any]

_ARITHMETIC: dict[str, BinaryOperator] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
}


def _arithmetic(symbol: str) -> BinaryOperator:
    apply = _ARITHMETIC[symbol]

    def arithmetic(a: Any, b: Any) -> Any:
        # Section 1.7.1. JUEL has no string concatenation: "1" + 1 is 2.
        kind_a, kind_b = type(a), type(b)
        if kind_a is int and kind_b is int:
            return apply(a, b)
        if a is None and b is None:
            return 0
        try:
            if kind_a is Decimal or kind_b is Decimal:
                return apply(to_decimal(a), to_decimal(b))
            if kind_a is float or kind_b is float or is_floaty_string(a) or is_floaty_string(b):
                return apply(to_double(a), to_double(b))
            return apply(to_long(a), to_long(b))
        except ArithmeticError as error:
            raise ExpressionError(f"Arithmetic error: {error.__class__.__name__}") from None

    return arithmetic


def divide(a: Any, b: Any) -> Any:
    """Section 1.7.2: always Double (BigDecimal when an operand is one), never integer division."""
    if a is None and b is None:
        return 0
    if type(a) is Decimal or type(b) is Decimal:
        divisor = to_decimal(b)
        if divisor == 0:
            raise ExpressionError("Division by zero")
        try:
            return to_decimal(a) / divisor
        except ArithmeticError as error:
            raise ExpressionError(f"Arithmetic error: {error.__class__.__name__}") from None
    x, y = to_double(a), to_double(b)
    if y == 0.0:
        # Java double division: x/0.0 is an infinity or NaN, not an error.
        if x == 0.0 or math.isnan(x):
            return math.nan
        return math.copysign(math.inf, x) * math.copysign(1.0, y)
    return x / y


def modulo(a: Any, b: Any) -> Any:
    """Section 1.7.3; the result has the sign of the dividend, as Java's ``%``."""
    if a is None and b is None:
        return 0
    if (
        type(a) in (float, Decimal)
        or type(b) in (float, Decimal)
        or is_floaty_string(a)
        or is_floaty_string(b)
    ):
        x, y = to_double(a), to_double(b)
        if y == 0.0 or math.isinf(x) or math.isnan(x) or math.isnan(y):
            return math.nan
        return math.fmod(x, y)
    x_long, y_long = to_long(a), to_long(b)
    if y_long == 0:
        raise ExpressionError("Division by zero")
    remainder = abs(x_long) % abs(y_long)
    return -remainder if x_long < 0 else remainder


def negate(value: Any) -> Any:
    """Section 1.7.4."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise coercion_error(value, "a number")
    if isinstance(value, int | float | Decimal):
        return -value
    if isinstance(value, str):
        return -to_double(value) if is_floaty_string(value) else -to_long(value)
    raise coercion_error(value, "a number")


def _numeric_kind(a: Any, b: Any) -> type | None:
    """Which coercion sections 1.8.1/1.8.2 pick for two operands, or None when not numeric."""
    kind_a, kind_b = type(a), type(b)
    if kind_a is Decimal or kind_b is Decimal:
        return Decimal
    if kind_a is float or kind_b is float:
        return float
    if (kind_a is int) or (kind_b is int):
        return int
    return None


_COERCE: dict[type, Callable[[Any], Any]] = {Decimal: to_decimal, float: to_double, int: to_long}

_RELATIONAL: dict[str, BinaryOperator] = {
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}


def _relational(symbol: str) -> BinaryOperator:
    compare = _RELATIONAL[symbol]

    def relational(a: Any, b: Any) -> bool:
        kind_a, kind_b = type(a), type(b)
        if (kind_a is int or kind_a is float) and (kind_b is int or kind_b is float):
            return bool(compare(a, b))
        if a is None or b is None:
            return False
        numeric = _numeric_kind(a, b)
        if numeric is not None:
            coerce = _COERCE[numeric]
            return bool(compare(coerce(a), coerce(b)))
        if kind_a is str or kind_b is str:
            return bool(compare(to_string(a), to_string(b)))
        if kind_a is bool and kind_b is bool:
            return bool(compare(a, b))
        instant_a, instant_b = _instant(a), _instant(b)
        if instant_a is not None and instant_b is not None:
            return bool(compare(instant_a, instant_b))
        raise ExpressionError(f"Cannot compare {type_name(a)} with {type_name(b)}")

    return relational


def _instant(value: Any) -> datetime | None:
    if isinstance(value, DateTimeValue):
        value = value.value
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return None


def equals(a: Any, b: Any) -> bool:
    """Section 1.8.2: numbers compare as numbers, a Boolean or a String coerces the other side."""
    if a is b:
        return True
    kind_a, kind_b = type(a), type(b)
    if kind_a is kind_b and (kind_a is str or kind_a is int):
        return bool(a == b)
    if a is None or b is None:
        return False
    numeric = _numeric_kind(a, b)
    if numeric is not None:
        coerce = _COERCE[numeric]
        return bool(coerce(a) == coerce(b))
    if kind_a is bool or kind_b is bool:
        return to_boolean(a) == to_boolean(b)
    if kind_a is str or kind_b is str:
        return to_string(a) == to_string(b)
    instant_a, instant_b = _instant(a), _instant(b)
    if instant_a is not None and instant_b is not None:
        return instant_a == instant_b
    return bool(a == b)


def not_equals(a: Any, b: Any) -> bool:
    return not equals(a, b)


BINARY: dict[str, BinaryOperator] = {
    "+": _arithmetic("+"),
    "-": _arithmetic("-"),
    "*": _arithmetic("*"),
    "/": divide,
    "%": modulo,
    "<": _relational("<"),
    ">": _relational(">"),
    "<=": _relational("<="),
    ">=": _relational(">="),
    "==": equals,
    "!=": not_equals,
}
