"""Methods, properties and indexes of the plain values a script handles: Groovy's GDK and the
Java methods Camunda models call, by name from an allow-list (no Python attribute is ever
looked up by a name a script gives).

Strings and dates: gdk_strings.py; lists and maps: gdk_collections.py; numbers, booleans and
map entries here. Host objects (`ElObject`) are the interpreter's concern.
"""

from __future__ import annotations

import math
from datetime import datetime
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, DecimalException
from typing import Any, Protocol

from engine.el import methods as el_methods
from engine.el.datetime_value import epoch_millis
from engine.groovy import arithmetic, values
from engine.groovy.arithmetic import is_int, is_number
from engine.groovy.errors import GroovyLimitError, GroovyRuntimeError, check_size
from engine.groovy.gdk_collections import LIST_METHODS, MAP_METHODS
from engine.groovy.gdk_strings import DATE_METHODS, STRING_METHODS
from engine.groovy.gdk_support import (
    ArgumentMismatch,
    Table,
    closure_arg,
    from_el,
    int_arg,
    put,
)
from engine.groovy.values import MapEntry


class Closure(Protocol):
    """A script's closure as the GDK methods call it; what it answers for a condition is read
    with Groovy truth."""

    parameter_count: int  # declared parameters; 0: none declared, one optional (`it`)

    def __call__(self, *args: Any) -> Any: ...


# -- numbers -------------------------------------------------------------------------------

# Room for every digit of a double or a bounded BigDecimal: rounding here is only the one asked.
_EXACT = Context(prec=3 * arithmetic.MAX_DIGITS, rounding=ROUND_HALF_UP)


def _round(number: Any, places: Any = None) -> Any:
    """round(): a Double to the nearest Long (halves up, as Math.round), a BigDecimal to a
    BigDecimal; round(n): to n decimal places, halves away from zero."""
    if isinstance(number, int):
        return number
    digits = 0 if places is None else int_arg(places)
    if abs(digits) > arithmetic.MAX_DIGITS:
        raise GroovyLimitError(f"a number of more than {arithmetic.MAX_DIGITS} digits")
    if isinstance(number, float):
        if places is None:
            return _math_round(number)
        if not math.isfinite(number):
            return number
        # From the shortest decimal text of the double: 2.675 rounds to 2.68, as one reads it.
        return float(_quantize(Decimal(repr(number)), digits))
    return _quantize(number, digits)


def _quantize(number: Decimal, places: int) -> Decimal:
    try:
        return number.quantize(Decimal(1).scaleb(-places), context=_EXACT)
    except DecimalException:  # more digits than the context holds
        raise GroovyLimitError(f"a number of more than {arithmetic.MAX_DIGITS} digits") from None


def _math_round(number: float) -> int:
    if math.isnan(number):
        return 0  # Math.round(NaN)
    if math.isinf(number):
        return 2**63 - 1 if number > 0 else -(2**63)
    # floor(x + 0.5) computed exactly: 0.49999999999999994 rounds to 0, -2.5 to -2.
    half_up = _EXACT.add(Decimal(number), Decimal("0.5"))
    return int(half_up.to_integral_value(rounding=ROUND_FLOOR, context=_EXACT))


def _intdiv(number: Any, divisor: Any) -> int:
    if not is_number(divisor):
        raise ArgumentMismatch
    a: int = values.cast(number, "BigInteger")
    b: int = values.cast(divisor, "BigInteger")
    if b == 0:
        raise GroovyRuntimeError("Division by zero")
    quotient = abs(a) // abs(b)
    return quotient if (a < 0) == (b < 0) else -quotient  # Java truncates toward zero


def _times(number: Any, closure: Any) -> None:
    function = closure_arg(closure)
    for index in range(values.cast(number, "BigInteger")):
        function(index)


def _step(number: Any, end: Any, closure: Any, direction: int) -> None:
    # upto (direction 1) and downto (-1): every number from this one to `end`, by 1.
    function = closure_arg(closure)
    if not is_number(end):
        raise ArgumentMismatch
    if values.compare(end, number) * direction < 0:
        method, relation = ("upto", "less") if direction > 0 else ("downto", "greater")
        raise GroovyRuntimeError(
            f"The argument ({values.to_string(end)}) to {method}() cannot be {relation} than "
            f"the value ({values.to_string(number)}) it's called on."
        )
    current = number
    while values.compare(current, end) * direction <= 0:
        function(current)
        current = values.binary("+", current, direction)


def _operator(op: str) -> Any:
    return lambda number, other: values.binary(op, number, other)


def _as(type_name: str) -> Any:
    return lambda number: values.cast(number, type_name)


def _abs(number: Any) -> Any:
    return number.copy_abs() if isinstance(number, Decimal) else abs(number)


NUMBER_METHODS: Table = {
    **from_el(el_methods.SCALAR_METHODS, "toString"),
    "toString": (0, 0, values.to_string),
    "intValue": (0, 0, _as("BigInteger")),
    "longValue": (0, 0, _as("BigInteger")),
    "toInteger": (0, 0, _as("BigInteger")),
    "toLong": (0, 0, _as("BigInteger")),
    "toBigInteger": (0, 0, _as("BigInteger")),
    "doubleValue": (0, 0, arithmetic.to_float),
    "floatValue": (0, 0, arithmetic.to_float),
    "toDouble": (0, 0, arithmetic.to_float),
    "toFloat": (0, 0, arithmetic.to_float),
    "toBigDecimal": (0, 0, _as("BigDecimal")),
    "abs": (0, 0, _abs),
    "round": (0, 1, _round),
    "intdiv": (1, 1, _intdiv),
    "plus": (1, 1, _operator("+")),
    "minus": (1, 1, _operator("-")),
    "multiply": (1, 1, _operator("*")),
    "div": (1, 1, _operator("/")),
    "mod": (1, 1, _operator("%")),
    "power": (1, 1, _operator("**")),
    "compareTo": (1, 1, values.compare),
    "times": (1, 1, _times),
    "upto": (2, 2, lambda number, end, closure: _step(number, end, closure, 1)),
    "downto": (2, 2, lambda number, end, closure: _step(number, end, closure, -1)),
}

BOOLEAN_METHODS: Table = {
    **from_el(el_methods.SCALAR_METHODS, "toString"),
    "toString": (0, 0, values.to_string),
    "booleanValue": (0, 0, lambda flag: flag),
}

ENTRY_METHODS: Table = {
    "getKey": (0, 0, lambda entry: entry.key),
    "getValue": (0, 0, lambda entry: entry.value),
    "toString": (0, 0, values.to_string),
    "equals": (1, 1, values.equals),
}


def _methods_for(target: Any) -> Table:
    if isinstance(target, str):
        return STRING_METHODS
    if isinstance(target, bool):
        return BOOLEAN_METHODS
    if is_number(target):
        return NUMBER_METHODS
    if isinstance(target, list):
        return LIST_METHODS
    if isinstance(target, dict):
        return MAP_METHODS
    if isinstance(target, MapEntry):
        return ENTRY_METHODS
    if isinstance(target, datetime):
        return DATE_METHODS
    return {}


def call_method(target: Any, name: str, args: list[Any]) -> Any:
    """`target.name(args)` on a plain value; closures among `args` are gdk.Closure."""
    if target is None:
        raise GroovyRuntimeError(f"Cannot invoke method {name}() on null object")
    entry = _methods_for(target).get(name)
    if entry is None or not entry[0] <= len(args) <= entry[1]:
        raise values.no_signature(target, name, args)
    try:
        return entry[2](target, *args)
    except ArgumentMismatch:
        raise values.no_signature(target, name, args) from None


# -- properties and indexes ----------------------------------------------------------------


def _no_property(target: Any, name: str) -> GroovyRuntimeError:
    return GroovyRuntimeError(f"No such property: {name} for class: {values.type_name(target)}")


def get_property(target: Any, name: str) -> Any:
    """`target.name`: a map's entry, a map entry's key or value, a list's elements' property
    (Groovy spreads it: `people.name`), and a few bean properties (`empty`, `time`, an
    array's `length`)."""
    if target is None:
        raise GroovyRuntimeError(f"Cannot get property '{name}' on null object")
    if isinstance(target, dict):
        return target.get(name)
    if isinstance(target, MapEntry) and name in ("key", "value"):
        return target.key if name == "key" else target.value
    if isinstance(target, list):
        if name == "empty":
            return not target
        if name == "length":  # arrays (`"a;b".split(";").length`) are lists here
            return len(target)
        return [None if item is None else get_property(item, name) for item in target]
    if isinstance(target, str) and name == "empty":
        return target == ""
    if isinstance(target, datetime) and name == "time":
        return epoch_millis(target)
    raise _no_property(target, name)


def set_property(target: Any, name: str, value: Any) -> None:
    """`target.name = value`: only maps have properties a script may set."""
    if target is None:
        raise GroovyRuntimeError(f"Cannot set property '{name}' on null object")
    if not isinstance(target, dict):
        raise _no_property(target, name)
    put(target, name, value)


def get_index(target: Any, index: Any) -> Any:
    """`target[index]`: lists and strings by position (negative from the end), maps by key."""
    if target is None:
        raise GroovyRuntimeError("Cannot invoke method getAt() on null object")
    if isinstance(target, dict):
        try:
            return target.get(index)
        except TypeError:  # an unhashable key is in no map
            return None
    if isinstance(target, list) and is_int(index):
        position = index + len(target) if index < 0 else index
        return target[position] if 0 <= position < len(target) else None
    if isinstance(target, list) and isinstance(index, str):
        return get_property(target, index)  # list['name'] is list.name
    if isinstance(target, str) and is_int(index):
        position = index + len(target) if index < 0 else index
        if not 0 <= position < len(target):
            raise GroovyRuntimeError(f"String index out of range: {index}")
        return target[position]
    raise values.no_signature(target, "getAt", [index])


def set_index(target: Any, index: Any, value: Any) -> None:
    """`target[index] = value`: a list grows (with nulls) to an index beyond its end."""
    if target is None:
        raise GroovyRuntimeError("Cannot invoke method putAt() on null object")
    if isinstance(target, dict):
        put(target, index, value)
    elif isinstance(target, list) and is_int(index):
        _set_list_item(target, index, value)
    else:
        raise values.no_signature(target, "putAt", [index, value])


def _set_list_item(items: list[Any], index: int, value: Any) -> None:
    position = index + len(items) if index < 0 else index
    if position < 0:
        raise GroovyRuntimeError(
            f"Negative array index [{index}] too large for array size {len(items)}"
        )
    if position < len(items):
        items[position] = value
        return
    values.check_items(position + 1)
    items.extend([None] * (position - len(items)))
    items.append(value)
    check_size(items)
