"""Groovy semantics of the plain values a script handles: truth, toString, `==`, `<=>`,
the binary operators, `as` and `instanceof`.

Values are plain Python: int (Integer/Long/BigInteger), Decimal (BigDecimal), float
(Double), bool, str, list, dict (a LinkedHashMap), datetime (Date), None (null) and MapEntry.
A bool is never a number here, although Python says it is an int.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from engine.el.coercion import java_double_string
from engine.groovy import arithmetic, casts, dates
from engine.groovy.arithmetic import is_int, is_number
from engine.groovy.errors import (
    MAX_CHARS,
    MAX_ITEMS,
    GroovyLimitError,
    GroovyRuntimeError,
    check_size,
)

# casts builds on this module and this one answers `as` through it: each of the two uses the
# other only when called, never while it is imported.

_INT_RANGE = 2**31
_LONG_RANGE = 2**63
_BRIEF = 100  # characters of a value shown in an error message


@dataclass(frozen=True)
class MapEntry:
    """A java.util.Map.Entry: what iterating a map yields when a closure takes one argument."""

    key: Any
    value: Any


# -- sizes ---------------------------------------------------------------------------------


def check_chars(count: int) -> None:
    """Refuse to build a string of `count` characters beyond the limit (before building it)."""
    if count > MAX_CHARS:
        raise GroovyLimitError(f"a string of more than {MAX_CHARS} characters")


def check_items(count: int) -> None:
    """Refuse to build a collection of `count` items beyond the limit (before building it)."""
    if count > MAX_ITEMS:
        raise GroovyLimitError(f"a collection of more than {MAX_ITEMS} items")


# -- truth, names, text --------------------------------------------------------------------


def truth(value: Any) -> bool:
    """Groovy truth: null, false, zero, "" and empty collections are false."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if is_number(value):
        return bool(value != 0)
    if isinstance(value, str | list | dict):
        return len(value) > 0
    return bool(value)  # a Matcher is true when its pattern was found


def type_name(value: Any) -> str:
    """The Java class name of a value, as Groovy's messages show it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "java.lang.Boolean"
    if isinstance(value, int):
        if -_INT_RANGE <= value < _INT_RANGE:
            return "java.lang.Integer"
        return "java.lang.Long" if -_LONG_RANGE <= value < _LONG_RANGE else "java.math.BigInteger"
    simple = _TYPE_NAMES.get(type(value))
    if simple is not None:
        return simple
    if isinstance(value, datetime):
        return "java.util.Date"
    return type(value).__name__


_TYPE_NAMES: dict[type, str] = {
    str: "java.lang.String",
    float: "java.lang.Double",
    Decimal: "java.math.BigDecimal",
    list: "java.util.ArrayList",
    dict: "java.util.LinkedHashMap",
    MapEntry: "java.util.Map$Entry",
}


class _Full(Exception):
    """The text being written reached its length limit."""


class _Writer:
    def __init__(self, limit: int) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.limit = limit

    def add(self, text: str) -> None:
        room = self.limit - self.size
        if len(text) > room:
            self.parts.append(text[:room])
            raise _Full
        self.parts.append(text)
        self.size += len(text)

    def text(self) -> str:
        return "".join(self.parts)


def to_string(value: Any) -> str:
    """Groovy's toString (and GString interpolation): null is "null", a list "[1, a]",
    a map "[k:v]", a Double as Java prints it."""
    if isinstance(value, str):
        return value
    writer = _Writer(MAX_CHARS)
    try:
        _write(value, writer, set())
    except _Full:
        raise GroovyLimitError(f"a string of more than {MAX_CHARS} characters") from None
    except RecursionError:
        raise GroovyLimitError("a value nested too deeply to print") from None
    return writer.text()


def brief(value: Any) -> str:
    """to_string, shortened for an error message."""
    writer = _Writer(_BRIEF)
    try:
        _write(value, writer, set())
    except (_Full, RecursionError, GroovyLimitError):
        return writer.text() + "..."
    return writer.text()


def _write(value: Any, writer: _Writer, open_ids: set[int]) -> None:
    # open_ids: the collections being written, so that a list holding itself ends.
    if isinstance(value, list):
        _write_list(value, writer, open_ids)
    elif isinstance(value, dict):
        _write_map(value, writer, open_ids)
    elif isinstance(value, MapEntry):
        _write(value.key, writer, open_ids)
        writer.add("=")
        _write(value.value, writer, open_ids)
    else:
        writer.add(_scalar_string(value))


def _write_list(items: list[Any], writer: _Writer, open_ids: set[int]) -> None:
    if id(items) in open_ids:
        writer.add("(this Collection)")
        return
    open_ids.add(id(items))
    writer.add("[")
    for position, item in enumerate(items):
        if position:
            writer.add(", ")
        _write(item, writer, open_ids)
    writer.add("]")
    open_ids.discard(id(items))


def _write_map(entries: dict[Any, Any], writer: _Writer, open_ids: set[int]) -> None:
    if id(entries) in open_ids:
        writer.add("(this Map)")
        return
    if not entries:
        writer.add("[:]")
        return
    open_ids.add(id(entries))
    writer.add("[")
    for position, (key, item) in enumerate(entries.items()):
        if position:
            writer.add(", ")
        _write(key, writer, open_ids)
        writer.add(":")
        _write(item, writer, open_ids)
    writer.add("]")
    open_ids.discard(id(entries))


def _scalar_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError:  # beyond Python's int-to-text digit limit
            raise GroovyLimitError("a number too large to print") from None
    if isinstance(value, float):
        return java_double_string(value)
    if isinstance(value, Decimal):
        # BigDecimal.toString keeps the scale ("1.50") and has no negative zero.
        return str(value.copy_abs() if value.is_zero() else value)
    if isinstance(value, datetime):
        return dates.date_string(value)
    return str(value)


# -- equality and order --------------------------------------------------------------------


def equals(a: Any, b: Any) -> bool:
    """Groovy `==`: numbers by value across types, lists and maps element by element."""
    try:
        return _equals(a, b)
    except RecursionError:
        raise GroovyLimitError("values nested too deeply to compare") from None


def _equals(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if a is None or b is None:
        return False
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if is_number(a) and is_number(b):
        return arithmetic.numbers_equal(a, b)
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equals(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return len(a) == len(b) and all(k in b and _equals(v, b[k]) for k, v in a.items())
    if isinstance(a, MapEntry) and isinstance(b, MapEntry):
        return _equals(a.key, b.key) and _equals(a.value, b.value)
    if isinstance(a, datetime) and isinstance(b, datetime):
        return dates.as_instant(a) == dates.as_instant(b)
    if isinstance(a, _PLAIN) or isinstance(b, _PLAIN):
        return False  # e.g. a number and a string, a list and a map
    try:
        return bool(a == b)
    except Exception:  # an object whose == fails is not equal
        return False


_PLAIN = (str, list, dict, MapEntry, datetime, int, float, Decimal)


class Ordered:
    """A value of the script's own that Java orders (its class is Comparable): java.time's."""

    def compare_to(self, other: Any) -> int:
        raise NotImplementedError


def compare(a: Any, b: Any) -> int:
    """Groovy `<=>` (and < <= > >=): -1, 0 or 1. null sorts before everything."""
    if a is None or b is None:
        return (a is not None) - (b is not None)
    if is_number(a) and is_number(b):
        return arithmetic.compare_numbers(a, b)
    if isinstance(a, Ordered):
        return a.compare_to(b)
    if isinstance(a, datetime) and isinstance(b, datetime):
        a, b = dates.as_instant(a), dates.as_instant(b)
    elif not (
        isinstance(a, str) and isinstance(b, str)
        or isinstance(a, bool) and isinstance(b, bool)
    ):
        raise GroovyRuntimeError(
            f"Cannot compare {type_name(a)} with value '{brief(a)}' and "
            f"{type_name(b)} with value '{brief(b)}'"
        )
    return int(a > b) - int(a < b)


# -- operators -----------------------------------------------------------------------------

_OPERATOR_METHODS = {
    "+": "plus",
    "-": "minus",
    "*": "multiply",
    "/": "div",
    "%": "mod",
    "**": "power",
    "<<": "leftShift",
}


def no_signature(target: Any, method: str, args: list[Any]) -> GroovyRuntimeError:
    """Groovy's MissingMethodException for a method that does not exist or does not take
    these arguments."""
    types = ", ".join(type_name(arg) for arg in args)
    shown = ", ".join(brief(arg) for arg in args)
    return GroovyRuntimeError(
        f"No signature of method: {type_name(target)}.{method}() is applicable for "
        f"argument types: ({types}) values: [{shown}]"
    )


def binary(op: str, a: Any, b: Any) -> Any:
    """`a op b` for op in + - * / % ** << in."""
    if op == "in":
        return _is_case(b, a)
    method = _OPERATOR_METHODS.get(op)
    if method is None:
        raise GroovyRuntimeError(f"Unknown operator {op}")
    if a is None and not (op == "+" and isinstance(b, str)):
        raise GroovyRuntimeError(f"Cannot invoke method {method}() on null object")
    if is_number(a) and is_number(b):
        return _number_operation(op, a, b)
    result = _OPERATIONS[op](a, b)
    if result is _NO_SIGNATURE:
        raise no_signature(a, method, [b])
    return result


def _number_operation(op: str, a: Any, b: Any) -> Any:
    if op == "**":
        return arithmetic.power(a, b)
    if op == "<<":
        if isinstance(a, int) and isinstance(b, int):
            return arithmetic.shift_left(a, b)
        raise no_signature(a, "leftShift", [b])
    return arithmetic.arithmetic(op, a, b)


_NO_SIGNATURE: Any = object()


def concat(left: str, right: str) -> str:
    check_chars(len(left) + len(right))
    return left + right


def _plus(a: Any, b: Any) -> Any:
    if isinstance(a, list):
        added = b if isinstance(b, list) else [b]
        check_items(len(a) + len(added))
        return check_size([*a, *added])
    if isinstance(a, str) or isinstance(b, str):
        return concat(to_string(a), to_string(b))
    if isinstance(a, dict) and isinstance(b, dict):
        check_items(len(a) + len(b))
        return check_size({**a, **b})
    if isinstance(a, datetime) and is_int(b):
        return dates.plus_days(a, b)
    return _NO_SIGNATURE


def _minus(a: Any, b: Any) -> Any:
    if isinstance(a, list):
        removed = Membership(b if isinstance(b, list) else [b])
        return [item for item in a if not removed.contains(item)]
    if isinstance(a, str) and b is not None:
        return a.replace(to_string(b), "", 1)
    if isinstance(a, datetime):
        if is_int(b):
            return dates.plus_days(a, -b)
        if isinstance(b, datetime):
            return dates.days_between(a, b)
    return _NO_SIGNATURE


def _multiply(a: Any, b: Any) -> Any:
    if not isinstance(a, str | list) or not is_number(b):
        return _NO_SIGNATURE
    count = cast(b, "BigInteger")
    if count < 0:
        raise GroovyRuntimeError(
            f"multiply() should be called with a number of 0 or greater not: {count}"
        )
    if not a:
        return a[:0]  # Python refuses to repeat even an empty sequence a huge number of times
    if isinstance(a, str):
        check_chars(len(a) * count)
    else:
        check_items(len(a) * count)
    return check_size(a * count)


def _left_shift(a: Any, b: Any) -> Any:
    if isinstance(a, list):
        check_items(len(a) + 1)
        a.append(b)
        return a
    if isinstance(a, str):
        return concat(a, to_string(b))
    if isinstance(a, dict) and isinstance(b, dict | MapEntry):
        added = b if isinstance(b, dict) else {b.key: b.value}
        check_items(len(a) + len(added))
        a.update(added)
        return a
    return _NO_SIGNATURE


_OPERATIONS: dict[str, Callable[[Any, Any], Any]] = {
    "+": _plus,
    "-": _minus,
    "*": _multiply,
    "/": lambda a, b: _NO_SIGNATURE,
    "%": lambda a, b: _NO_SIGNATURE,
    "**": lambda a, b: _NO_SIGNATURE,
    "<<": _left_shift,
}


def _is_case(container: Any, item: Any) -> bool:
    # `item in container` is Groovy's container.isCase(item).
    if container is None:
        return False
    if isinstance(container, list):
        return any(equals(element, item) for element in container)
    if isinstance(container, dict):
        return _has_key(container, item)
    if isinstance(container, str):
        # String.isCase is equality with the item's text, not a substring test.
        return item is not None and container == to_string(item)
    return equals(container, item)


def _has_key(entries: dict[Any, Any], key: Any) -> bool:
    try:
        return key in entries
    except TypeError:  # an unhashable key (a list, a map) is in no map
        return False


def negate(value: Any) -> Any:
    """Unary minus."""
    if is_number(value):
        return arithmetic.negate(value)
    if value is None:
        raise GroovyRuntimeError("Cannot invoke method negative() on null object")
    raise no_signature(value, "negative", [])


class Membership:
    """`contains` by Groovy `==` over many values without comparing every pair: values with a
    hash consistent with `==` (numbers, strings, bools, dates) are looked up in a set."""

    def __init__(self, values: list[Any]) -> None:
        self.keys: set[Any] = set()
        self.others: list[Any] = []
        for value in values:
            self.add(value)

    def add(self, value: Any) -> None:
        key = _hash_key(value)
        if key is None:
            self.others.append(value)
        else:
            self.keys.add(key)

    def contains(self, value: Any) -> bool:
        key = _hash_key(value)
        if key is not None:
            return key in self.keys
        return any(equals(value, other) for other in self.others)


def _hash_key(value: Any) -> Any:
    # Python hashes 1, 1.0 and Decimal("1.00") alike and finds them equal, as Groovy's ==
    # does; a bool is kept apart from the numbers. None answers "compare one by one".
    if value is None:
        return ("null",)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | Decimal) or isinstance(value, float) and not math.isnan(value):
        return ("number", value)
    if isinstance(value, str):
        return ("str", value)
    if isinstance(value, datetime):
        return ("date", dates.as_instant(value))
    return None


def unique(values: list[Any]) -> list[Any]:
    """The values without repeats (by `==`), the first of each kept in order."""
    seen = Membership([])
    kept: list[Any] = []
    for value in values:
        if not seen.contains(value):
            seen.add(value)
            kept.append(value)
    return kept


# -- as and instanceof ---------------------------------------------------------------------


def cast(value: Any, type_name: str) -> Any:
    """`value as Type` (and a typed declaration's conversion): engine/groovy/casts.py."""
    return casts.cast(value, type_name)


def is_instance(value: Any, type_name: str) -> bool:
    """`value instanceof Type`; null is an instance of nothing: engine/groovy/casts.py."""
    return casts.is_instance(value, type_name)
