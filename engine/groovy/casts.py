"""`as` and `instanceof` on plain values: the types scripts name, by simple or java.lang /
java.util / java.math qualified name. Host objects are the interpreter's concern."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

# values answers `as` through this module and this one builds on values: each module uses
# the other only when called, never while it is imported.
from engine.groovy import arithmetic, values
from engine.groovy.arithmetic import fits, is_int, is_number, java_trim
from engine.groovy.errors import GroovyLimitError, GroovyRuntimeError, check_size

_PREFIXES = ("java.lang.", "java.util.", "java.math.")
# Values of primitive types have no null: an unset `int` is 0 and so on.
_PRIMITIVE_DEFAULTS: dict[str, Any] = {
    "int": 0, "long": 0, "short": 0, "byte": 0, "double": 0.0, "float": 0.0,
    "boolean": False, "char": "\x00",
}
Caster = Callable[[Any, str], Any]  # (a value that is not None, its target's Java name)


def _simple_name(name: str) -> str:
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _cast_error(value: Any, java_class: str) -> GroovyRuntimeError:
    return GroovyRuntimeError(
        f"Cannot cast object '{values.brief(value)}' with class '{values.type_name(value)}' "
        f"to class '{java_class}'"
    )


def _integer(bits: int | None) -> Caster:
    def cast(value: Any, java_class: str) -> int:
        if is_int(value):
            return int(value)
        if isinstance(value, float) and math.isfinite(value):
            return int(value)  # truncated, as intValue() does
        if isinstance(value, Decimal) and value.is_finite():
            if value.adjusted() > arithmetic.MAX_DIGITS:
                raise GroovyLimitError(f"a number of more than {arithmetic.MAX_DIGITS} digits")
            return int(value)
        if isinstance(value, str):
            number = arithmetic.parse_int(java_trim(value))
            if number is not None and fits(number, bits):
                return number
        raise _cast_error(value, java_class)

    return cast


def _to_double(value: Any, java_class: str) -> float:
    parsed = arithmetic.parse_float(value) if isinstance(value, str) else None
    if parsed is not None:
        return parsed
    if is_number(value):
        return arithmetic.to_float(value)
    raise _cast_error(value, java_class)


def _to_big_decimal(value: Any, java_class: str) -> Decimal:
    parsed = arithmetic.parse_decimal(java_trim(value)) if isinstance(value, str) else None
    if parsed is not None:
        return parsed
    if is_number(value):
        return arithmetic.to_decimal(value)
    raise _cast_error(value, java_class)


def _to_number(value: Any, java_class: str) -> Any:
    return value if is_number(value) else _to_big_decimal(value, java_class)


def _to_char(value: Any, java_class: str) -> str:
    if isinstance(value, str) and len(value) == 1:
        return value
    if is_int(value) and 0 <= value <= 0xFFFF:
        return chr(value)
    raise _cast_error(value, java_class)


def _to_list(value: Any, java_class: str) -> list[Any]:
    if isinstance(value, list):
        return list(value)
    if isinstance(value, str):
        values.check_items(len(value))
        return list(value)
    if isinstance(value, dict):
        return [values.MapEntry(key, item) for key, item in value.items()]
    raise _cast_error(value, java_class)


def _to_set(value: Any, java_class: str) -> list[Any]:
    return values.unique(_to_list(value, java_class))  # a Set is a list without repeats


def _to_map(value: Any, java_class: str) -> dict[Any, Any]:
    if isinstance(value, dict):
        return dict(value)
    raise _cast_error(value, java_class)


def _only(test: Callable[[Any], bool]) -> Caster:
    def cast(value: Any, java_class: str) -> Any:
        if test(value):
            return value
        raise _cast_error(value, java_class)

    return cast


def _is_closure(value: Any) -> bool:
    return callable(value) and hasattr(value, "parameter_count")


def _types(names: str, java_class: str, caster: Caster) -> dict[str, tuple[str, Caster]]:
    return {name: (java_class or name, caster) for name in names.split()}


_CASTS: dict[str, tuple[str, Caster]] = {
    **_types("String CharSequence GString", "java.lang.String", lambda v, c: values.to_string(v)),
    **_types("Integer", "java.lang.Integer", _integer(32)),
    **_types("Long", "java.lang.Long", _integer(64)),
    **_types("Short", "java.lang.Short", _integer(16)),
    **_types("Byte", "java.lang.Byte", _integer(8)),
    **_types("int", "", _integer(32)),
    **_types("long", "", _integer(64)),
    **_types("short", "", _integer(16)),
    **_types("byte", "", _integer(8)),
    **_types("BigInteger", "java.math.BigInteger", _integer(None)),
    **_types("Double", "java.lang.Double", _to_double),
    **_types("Float", "java.lang.Float", _to_double),
    **_types("double float", "", _to_double),
    **_types("BigDecimal", "java.math.BigDecimal", _to_big_decimal),
    **_types("Number", "java.lang.Number", _to_number),
    **_types("Boolean boolean", "", lambda v, c: values.truth(v)),
    **_types("char", "", _to_char),
    **_types("Character", "java.lang.Character", _to_char),
    **_types("List ArrayList LinkedList Collection Iterable", "java.util.List", _to_list),
    **_types("Set HashSet LinkedHashSet", "java.util.Set", _to_set),
    **_types("Map HashMap LinkedHashMap", "java.util.Map", _to_map),
    **_types("Object", "java.lang.Object", lambda v, c: v),
    **_types("Date", "java.util.Date", _only(lambda v: isinstance(v, datetime))),
    **_types("Closure", "groovy.lang.Closure", _only(_is_closure)),
}


def can_cast(type_name: str) -> bool:
    """Whether `as` knows the type (a declaration of another type keeps its value as is)."""
    return _simple_name(type_name) in _CASTS


def cast(value: Any, type_name: str) -> Any:
    """`value as Type` (and a typed declaration's conversion)."""
    simple = _simple_name(type_name)
    entry = _CASTS.get(simple)
    if entry is None:
        raise GroovyRuntimeError(
            f"Cannot cast to {type_name}: only {', '.join(sorted(_CASTS))} are known"
        )
    if value is None:
        return _PRIMITIVE_DEFAULTS.get(simple)
    java_class, caster = entry
    return check_size(caster(value, java_class))


def _int_within(bits: int | None) -> Callable[[Any], bool]:
    def test(value: Any) -> bool:
        return is_int(value) and fits(value, bits)

    return test


def _instances(names: str, test: Callable[[Any], bool]) -> dict[str, Callable[[Any], bool]]:
    return dict.fromkeys(names.split(), test)


# Python ints carry no width: an int is an Integer, a Long... when the type could hold it.
_INSTANCE_TESTS: dict[str, Callable[[Any], bool]] = {
    **_instances("String CharSequence", lambda v: isinstance(v, str)),
    **_instances("Integer", _int_within(32)),
    **_instances("Long", _int_within(64)),
    **_instances("Short", _int_within(16)),
    **_instances("Byte", _int_within(8)),
    **_instances("BigInteger", _int_within(None)),
    **_instances("Number", is_number),
    **_instances("BigDecimal", lambda v: isinstance(v, Decimal)),
    **_instances("Double Float", lambda v: isinstance(v, float)),
    **_instances("Boolean", lambda v: isinstance(v, bool)),
    **_instances("List ArrayList Collection Iterable", lambda v: isinstance(v, list)),
    **_instances("Map HashMap LinkedHashMap", lambda v: isinstance(v, dict)),
    **_instances("Entry", lambda v: isinstance(v, values.MapEntry)),
    **_instances("Date", lambda v: isinstance(v, datetime)),
    **_instances("Closure", _is_closure),
    **_instances("Object", lambda v: v is not None),
}


def is_instance(value: Any, type_name: str) -> bool:
    """`value instanceof Type`; null is an instance of nothing."""
    test = _INSTANCE_TESTS.get(_simple_name(type_name))
    if test is None:
        raise GroovyRuntimeError(
            f"Cannot test instanceof {type_name}: only "
            f"{', '.join(sorted(_INSTANCE_TESTS))} are known"
        )
    return value is not None and test(value)
