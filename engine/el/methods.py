"""The allow-list: which methods and properties an expression may use on which values.

Plain values get the java.lang.String / java.util.List / java.util.Map methods Camunda models
call; host objects (``ElObject``) expose what their class lists. Anything else is refused by
name. No Python attribute is ever looked up by a name taken from the expression.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from engine.el.coercion import (
    java_equals,
    to_int_index,
    to_string,
    type_name,
)
from engine.el.datetime_value import epoch_millis
from engine.el.errors import ExpressionError
from engine.el.host import ElObject
from engine.el.signatures import check_arguments
from engine.el.spin import SpinJson

Method = Callable[..., Any]
# name -> (fewest arguments, most arguments, implementation taking the target first)
MethodTable = Mapping[str, tuple[int, int, Method]]

# A Json variable is a dict or a list: Spin's node methods on it answer Spin nodes
# (engine/el/spin.py), as `${customer.prop("name").stringValue()}` expects.
# The nodes read the variable's own value: they are read-only (SpinJson.read_only).
SPIN_OBJECT_METHODS: MethodTable = {
    "prop": (1, 1, lambda m, name: _node(m).prop(_text_arg(name, "prop"))),
    "hasProp": (1, 1, lambda m, name: _node(m).has_prop(_text_arg(name, "hasProp"))),
    "fieldNames": (0, 0, lambda m: _node(m).field_names()),
    "isObject": (0, 0, lambda m: True),
    "isArray": (0, 0, lambda m: False),
    "jsonPath": (1, 1, lambda m, path: _node(m).json_path(_text_arg(path, "jsonPath"))),
    "mapTo": (1, 1, lambda m, kind: _node(m).map_to(_text_arg(kind, "mapTo"))),
}
SPIN_ARRAY_METHODS: MethodTable = {
    "elements": (0, 0, lambda items: _node(items).elements()),
    "isObject": (0, 0, lambda items: False),
    "isArray": (0, 0, lambda items: True),
    "jsonPath": (1, 1, lambda items, path: _node(items).json_path(_text_arg(path, "jsonPath"))),
    "mapTo": (1, 1, lambda items, kind: _node(items).map_to(_text_arg(kind, "mapTo"))),
}


def _node(value: Any) -> SpinJson:
    return SpinJson(value if isinstance(value, dict | list) else list(value), read_only=True)


_REGEX_META = frozenset(".$|()[]{}^?*+\\")


def _text_arg(value: object, method: str) -> str:
    # JUEL coerces a non-null argument to the String parameter; null reaches Java as null.
    if value is None:
        raise ExpressionError(f"Argument of '{method}' must not be null")
    return to_string(value)


def _substring(target: str, begin: object, end: object = None) -> str:
    start = to_int_index(begin)
    stop = len(target) if end is None else to_int_index(end)
    if start < 0 or stop > len(target) or start > stop:
        raise ExpressionError(
            f"String index out of range: begin {start}, end {stop}, length {len(target)}"
        )
    return target[start:stop]


def _char_at(target: str, index: object) -> str:
    position = to_int_index(index)
    if not 0 <= position < len(target):
        raise ExpressionError(f"String index out of range: {position}")
    return target[position]


def _index_of(target: str, text: object, start: object = 0) -> int:
    return target.find(_text_arg(text, "indexOf"), max(0, to_int_index(start)))


def _split(target: str, separator: object) -> list[str]:
    # String.split takes a regex. Only literal separators (or one escaped character) are
    # accepted: a user-supplied regex is a denial-of-service risk and rarely meant.
    pattern = _text_arg(separator, "split")
    if len(pattern) == 2 and pattern[0] == "\\" and not pattern[1].isalnum():
        literal = pattern[1]
    elif pattern and not (_REGEX_META & set(pattern)):
        literal = pattern
    else:
        raise ExpressionError(f"split() supports only a literal separator, not '{pattern}'")
    if literal not in target:
        return [target]
    pieces = target.split(literal)
    while pieces and pieces[-1] == "":
        pieces.pop()  # Java drops trailing empty strings
    return pieces


def _trim(target: str) -> str:
    # String.trim removes code points <= U+0020 only, not all Unicode whitespace.
    return target.strip("".join(chr(c) for c in range(33)))


def _equals_ignore_case(target: str, other: object) -> bool:
    return other is not None and target.lower() == to_string(other).lower()


STRING_METHODS: MethodTable = {
    "concat": (1, 1, lambda s, o: s + _text_arg(o, "concat")),
    "equals": (1, 1, lambda s, o: isinstance(o, str) and s == o),
    "equalsIgnoreCase": (1, 1, _equals_ignore_case),
    "contains": (1, 1, lambda s, o: _text_arg(o, "contains") in s),
    "startsWith": (1, 1, lambda s, o: s.startswith(_text_arg(o, "startsWith"))),
    "endsWith": (1, 1, lambda s, o: s.endswith(_text_arg(o, "endsWith"))),
    "length": (0, 0, len),
    "isEmpty": (0, 0, lambda s: s == ""),
    "isBlank": (0, 0, lambda s: s.strip() == ""),
    "toUpperCase": (0, 0, str.upper),
    "toLowerCase": (0, 0, str.lower),
    "trim": (0, 0, _trim),
    "substring": (1, 2, _substring),
    "indexOf": (1, 2, _index_of),
    "lastIndexOf": (1, 1, lambda s, o: s.rfind(_text_arg(o, "lastIndexOf"))),
    "replace": (2, 2, lambda s, a, b: s.replace(_text_arg(a, "replace"), _text_arg(b, "replace"))),
    "split": (1, 1, _split),
    "charAt": (1, 1, _char_at),
    "toString": (0, 0, lambda s: s),
}


def _list_get(target: list[Any] | tuple[Any, ...], index: object) -> Any:
    position = to_int_index(index)
    if not 0 <= position < len(target):
        raise ExpressionError(f"Index {position} out of bounds for length {len(target)}")
    return target[position]


def _list_index_of(target: list[Any] | tuple[Any, ...], item: object) -> int:
    return next((i for i, element in enumerate(target) if java_equals(element, item)), -1)


LIST_METHODS: MethodTable = {
    "size": (0, 0, len),
    "isEmpty": (0, 0, lambda items: len(items) == 0),
    "contains": (1, 1, lambda items, o: any(java_equals(element, o) for element in items)),
    "get": (1, 1, _list_get),
    "indexOf": (1, 1, _list_index_of),
    "toString": (0, 0, to_string),
    **SPIN_ARRAY_METHODS,
}


def _map_get(target: Mapping[Any, Any], key: object, default: object = None) -> Any:
    try:
        return target.get(key, default)
    except TypeError:  # unhashable key: Java's HashMap.get would find nothing either
        return default


def _contains_key(target: Mapping[Any, Any], key: object) -> bool:
    try:
        return key in target
    except TypeError:
        return False


MAP_METHODS: MethodTable = {
    "size": (0, 0, len),
    "isEmpty": (0, 0, lambda entries: len(entries) == 0),
    "get": (1, 1, _map_get),
    "getOrDefault": (2, 2, _map_get),
    "containsKey": (1, 1, _contains_key),
    "containsValue": (1, 1, lambda m, o: any(java_equals(v, o) for v in m.values())),
    "keySet": (0, 0, lambda entries: list(entries.keys())),
    "values": (0, 0, lambda entries: list(entries.values())),
    "toString": (0, 0, to_string),
    **SPIN_OBJECT_METHODS,
}


def _as_instant(value: object) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    raise ExpressionError(f"Expected a Date, got {type_name(value)}")


DATE_METHODS: MethodTable = {
    "getTime": (0, 0, epoch_millis),
    "before": (1, 1, lambda d, o: _as_instant(d) < _as_instant(o)),
    "after": (1, 1, lambda d, o: _as_instant(d) > _as_instant(o)),
    "toString": (0, 0, to_string),
}

SCALAR_METHODS: MethodTable = {
    "toString": (0, 0, to_string),
    "equals": (1, 1, java_equals),
}


def methods_for(target: object) -> MethodTable:
    if isinstance(target, str):
        return STRING_METHODS
    if isinstance(target, bool | int | float | Decimal):
        return SCALAR_METHODS
    if isinstance(target, list | tuple):
        return LIST_METHODS
    if isinstance(target, Mapping):
        return MAP_METHODS
    if isinstance(target, datetime):
        return DATE_METHODS
    return {}


def call_method(target: object, name: str, args: list[Any]) -> Any:
    """Invoke an allowed method; host exceptions propagate, everything else is ExpressionError."""
    if target is None:
        raise ExpressionError(f"Cannot call method '{name}' on null")
    if isinstance(target, ElObject):
        return _call_host(target, name, args)
    entry = methods_for(target).get(name)
    if entry is None:
        raise ExpressionError(f"Method '{name}' is not allowed on {type_name(target)}")
    fewest, most, implementation = entry
    if not fewest <= len(args) <= most:
        expected = str(fewest) if fewest == most else f"{fewest} to {most}"
        raise ExpressionError(
            f"Method '{name}' of {type_name(target)} takes {expected} argument(s), "
            f"got {len(args)}"
        )
    return implementation(target, *args)


def _call_host(target: ElObject, name: str, args: list[Any]) -> Any:
    host_type = type(target)
    python_name = host_type.EL_METHODS.get(name)
    if python_name is None:
        raise ExpressionError(f"Method '{name}' is not allowed on {host_type.__name__}")
    function = getattr(host_type, python_name, None)
    if function is None or not callable(function):
        raise ExpressionError(f"Method '{name}' of {host_type.__name__} is not implemented")
    check_arguments(function, [target, *args], f"Method '{name}' of {host_type.__name__}", 1)
    return function(target, *args)


def get_property(target: object, key: object) -> Any:
    """``a.b`` and ``a[b]`` (section 1.6): maps by key, lists by index, hosts by EL_PROPERTIES."""
    if target is None or key is None:
        return None
    if isinstance(target, ElObject):
        return _host_property(target, to_string(key))
    if isinstance(target, Mapping):
        return _map_get(target, key)
    if isinstance(target, list | tuple):
        if isinstance(key, str) and not key.lstrip("+-").isdigit():
            raise ExpressionError(f"Cannot use '{key}' as an index of a List")
        index = to_int_index(key)
        return target[index] if 0 <= index < len(target) else None
    raise ExpressionError(f"Property '{to_string(key)}' is not found on {type_name(target)}")


def _host_property(target: ElObject, key: str) -> Any:
    host_type = type(target)
    python_name = host_type.EL_PROPERTIES.get(key)
    if python_name is None:
        raise ExpressionError(f"Property '{key}' is not allowed on {host_type.__name__}")
    getter = getattr(host_type, python_name, None)
    if getter is None or not callable(getter):
        raise ExpressionError(f"Property '{key}' of {host_type.__name__} is not implemented")
    return getter(target)
