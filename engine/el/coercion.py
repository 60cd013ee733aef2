"""EL 2.2 type coercion (spec section 1.18), mapped onto Python values.

Java types map as: null -> None, Boolean -> bool, Long/Integer -> int (also BigInteger),
Double -> float, BigDecimal -> Decimal, String -> str, List -> list/tuple, Map -> dict,
Date -> datetime. ``bool`` is a subclass of ``int`` in Python and is always tested first.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.el.datetime_value import DateTimeValue
from engine.el.errors import ExpressionError
from engine.el.host import ElObject

_LONG = re.compile(r"[+-]?[0-9]+\Z")
# java.lang.Double.valueOf: surrounding whitespace, optional type suffix, NaN and Infinity.
_DOUBLE = re.compile(
    r"\s*[+-]?(NaN|Infinity|(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)[fFdD]?)\s*\Z"
)
MAX_NUMBER_TEXT = 4000


def type_name(value: object) -> str:
    """The Java-ish type name used in messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Long"
    if isinstance(value, float):
        return "Double"
    if isinstance(value, Decimal):
        return "BigDecimal"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list | tuple):
        return "List"
    if isinstance(value, Mapping) and not isinstance(value, ElObject):
        return "Map"
    if isinstance(value, datetime | date):
        return "Date"
    if isinstance(value, DateTimeValue):
        return "DateTime"
    return type(value).__name__


def describe(value: object) -> str:
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"'{shown}'"
    if value is None or isinstance(value, bool | int | float | Decimal):
        return to_string(value)
    return type_name(value)


def coercion_error(value: object, target: str) -> ExpressionError:
    return ExpressionError(f"Cannot coerce {describe(value)} ({type_name(value)}) to {target}")


def to_boolean(value: object) -> bool:
    """Section 1.18.5: null and "" are false, a String is Boolean.valueOf, others are errors."""
    if value is True or value is False:
        return value
    if value is None:
        return False
    if isinstance(value, str):
        return value.lower() == "true"
    raise coercion_error(value, "Boolean")


def is_floaty_string(value: object) -> bool:
    """Sections 1.7.1-1.7.4 treat a String containing '.', 'e' or 'E' as a Double."""
    return isinstance(value, str) and ("." in value or "e" in value or "E" in value)


def to_long(value: object) -> int:
    """Section 1.18.3 coercion to Long; a Double is truncated as Java's longValue() does."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise coercion_error(value, "Long")
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        if not math.isfinite(value):
            return 0 if math.isnan(value) else (2**63 - 1 if value > 0 else -(2**63))
        return int(value)
    if isinstance(value, str):
        if value == "":
            return 0
        if len(value) <= MAX_NUMBER_TEXT and _LONG.match(value):
            return int(value)
    raise coercion_error(value, "Long")


def to_double(value: object) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        raise coercion_error(value, "Double")
    if isinstance(value, float):
        return value
    if isinstance(value, int | Decimal):
        try:
            return float(value)
        except OverflowError:
            return math.inf if value > 0 else -math.inf
    if isinstance(value, str):
        if value == "":
            return 0.0
        if len(value) <= MAX_NUMBER_TEXT and _DOUBLE.match(value):
            return float(value.strip().rstrip("fFdD"))
    raise coercion_error(value, "Double")


def to_decimal(value: object) -> Decimal:
    if value is None:
        return Decimal(0)
    if isinstance(value, bool):
        raise coercion_error(value, "BigDecimal")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise coercion_error(value, "BigDecimal")
        return Decimal(value)
    if isinstance(value, str):
        if value == "":
            return Decimal(0)
        if len(value) <= MAX_NUMBER_TEXT:
            try:
                return Decimal(value.strip())
            except InvalidOperation:
                pass
    raise coercion_error(value, "BigDecimal")


def to_int_index(value: object) -> int:
    """An index or a count argument (Java int); Strings are parsed, Booleans refused."""
    if value is None:
        raise coercion_error(value, "Integer")
    return to_long(value)


def to_string(value: object) -> str:
    """Section 1.18.2: null is "", otherwise Java's toString()."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError:
            raise ExpressionError("Number is too large to convert to text") from None
    if isinstance(value, float):
        return java_double_string(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, DateTimeValue):
        return value.to_string()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_element_string(item) for item in value) + "]"
    if isinstance(value, Mapping) and not isinstance(value, ElObject):
        return (
            "{"
            + ", ".join(f"{_element_string(k)}={_element_string(v)}" for k, v in value.items())
            + "}"
        )
    if isinstance(value, ElObject):
        return str(value)
    return f"{type(value).__name__}@{id(value):x}"


def _element_string(value: object) -> str:
    # String.valueOf inside collections: null prints as "null".
    return "null" if value is None else to_string(value)


def java_double_string(value: float) -> str:
    """``Double.toString``: plain between 10^-3 and 10^7, otherwise ``d.dddE±n``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e7:
        text = repr(value)
        if "e" in text:
            text = format(Decimal(text), "f")
        return text if "." in text else text + ".0"
    sign, digits, exponent = Decimal(repr(value)).as_tuple()
    assert isinstance(exponent, int)
    mantissa = "".join(map(str, digits)).rstrip("0") or "0"
    power = exponent + len(digits) - 1
    fraction = mantissa[1:] or "0"
    return f"{'-' if sign else ''}{mantissa[0]}.{fraction}E{power}"


def is_empty(value: object) -> bool:
    """Section 1.10: null, "", and empty collections or maps are empty."""
    if value is None:
        return True
    if isinstance(value, str | list | tuple | set | frozenset):
        return len(value) == 0
    if isinstance(value, Mapping) and not isinstance(value, ElObject):
        return len(value) == 0
    return False


def java_equals(a: Any, b: Any) -> bool:
    """``Object.equals`` as List.contains and Map.containsKey use it: no cross-type equality."""
    if a is None or b is None:
        return a is b
    category_a, category_b = _category(a), _category(b)
    if category_a != category_b:
        return False
    return bool(a == b)


def _category(value: object) -> type:
    if isinstance(value, bool):
        return bool
    if isinstance(value, int):
        return int
    return type(value)
