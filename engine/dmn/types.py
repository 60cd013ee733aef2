"""Camunda's DMN data type transformers: input and output values are converted to the typeRef.

Camunda (`DefaultDataTypeTransformerRegistry`) knows string, boolean, integer, long, double and
date; another or no typeRef leaves the value as it is. A value that cannot be converted raises
TypeConversionError, which the evaluator reports as Camunda's "Invalid value '...' for clause
with type '...'". Null is never converted.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from engine.dmn.feel.functions import feel_string
from engine.dmn.feel.temporal import YearsMonths

_INT_RANGE = {"integer": 2**31, "long": 2**63}
_INTEGER_TEXT = re.compile(r"[+-]?\d{1,20}")


class TypeConversionError(ValueError):
    def __init__(self, value: Any, type_ref: str) -> None:
        super().__init__(f"Invalid value '{value}' for clause with type '{type_ref}'")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _to_string(value: Any, type_ref: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"  # Java's String.valueOf
    if _is_number(value):
        return str(value)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta | YearsMonths):
        return feel_string(value)
    raise TypeConversionError(value, type_ref)


def _to_whole(value: Any, type_ref: str) -> int:
    if isinstance(value, str) and _INTEGER_TEXT.fullmatch(value.strip()):
        number: Any = int(value.strip())
    elif _is_number(value) and math.isfinite(value) and value == int(value):
        # 4.0 is an integer, 4.5 is not (Camunda's isInteger check).
        number = int(value)
    else:
        raise TypeConversionError(value, type_ref)
    limit = _INT_RANGE[type_ref]
    if not -limit <= number < limit:
        raise TypeConversionError(value, type_ref)
    return int(number)


def _to_double(value: Any, type_ref: str) -> float:
    if _is_number(value):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    raise TypeConversionError(value, type_ref)


def _to_boolean(value: Any, type_ref: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    raise TypeConversionError(value, type_ref)


def _to_date(value: Any, type_ref: str) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        # Camunda's format is yyyy-MM-dd'T'HH:mm:ss; ISO 8601 with an offset is accepted too.
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None and "T" in value:
            return parsed
    raise TypeConversionError(value, type_ref)


TRANSFORMERS: dict[str, Callable[[Any, str], Any]] = {
    "string": _to_string,
    "integer": _to_whole,
    "long": _to_whole,
    "double": _to_double,
    "boolean": _to_boolean,
    "date": _to_date,
}


def convert(value: Any, type_ref: str | None) -> Any:
    """The value as the typeRef wants it; raises TypeConversionError when it does not fit."""
    if value is None or type_ref is None:
        return value
    transformer = TRANSFORMERS.get(type_ref.strip().lower())
    if transformer is None:
        return value
    return transformer(value, type_ref.strip().lower())
