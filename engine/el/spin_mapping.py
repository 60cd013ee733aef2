"""Spin's `mapTo(type)` on a JSON node, for the Java types a model can name without classes of
its own: collections, maps and the boxed scalars (`${S(json).prop("ids").mapTo(
"java.util.ArrayList")}`, often a multi-instance collection). Spin reads the type as Jackson's
canonical type name, generics included (`java.util.List<java.lang.String>`); the result is a
copy of the node's value as that Java type would hold it. A model's own classes cannot exist
here: mapping to one is an error that says so.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from typing import Any

from engine.el.errors import ExpressionError

_LISTS = frozenset(
    {
        "java.util.List",
        "java.util.ArrayList",
        "java.util.LinkedList",
        "java.util.Collection",
        "java.util.Set",
        "java.util.HashSet",
        "java.util.LinkedHashSet",
        "java.lang.Iterable",
    }
)
_MAPS = frozenset(
    {"java.util.Map", "java.util.HashMap", "java.util.LinkedHashMap", "java.util.TreeMap"}
)
_WHOLE = {"java.lang.Integer": 32, "java.lang.Long": 64, "java.lang.Short": 16}
_DECIMAL = frozenset({"java.lang.Double", "java.lang.Float", "java.math.BigDecimal"})
_GENERIC = re.compile(r"^\s*([\w.$]+)\s*(?:<(.*)>)?\s*$")


def map_to(value: Any, type_name: str) -> Any:
    """The node's value as `type_name` holds it, or Spin's refusal in words."""
    raw, arguments = _parse(type_name)
    if raw == "java.lang.Object":
        return copy.deepcopy(value)
    if value is None:
        return None  # JSON null is null for any reference type
    if raw in _LISTS:
        if not isinstance(value, list):
            raise _mismatch(type_name, value)
        item_type = arguments[0] if arguments else "java.lang.Object"
        items = [map_to(item, item_type) for item in value]
        return _distinct(items) if raw.endswith("Set") else items
    if raw in _MAPS:
        if not isinstance(value, dict):
            raise _mismatch(type_name, value)
        item_type = arguments[1] if len(arguments) == 2 else "java.lang.Object"
        mapped = {key: map_to(item, item_type) for key, item in value.items()}
        return dict(sorted(mapped.items())) if raw == "java.util.TreeMap" else mapped
    return _scalar(raw, type_name, value)


def _scalar(raw: str, type_name: str, value: Any) -> Any:
    if raw == "java.lang.String":
        if isinstance(value, dict | list):
            raise _mismatch(type_name, value)
        return value if isinstance(value, str) else _text(value)
    if raw == "java.lang.Boolean":
        if not isinstance(value, bool):
            raise _mismatch(type_name, value)
        return value
    if raw in _WHOLE:
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise _mismatch(type_name, value)
        whole = int(value)
        bits = _WHOLE[raw]
        if not -(2 ** (bits - 1)) <= whole < 2 ** (bits - 1):
            raise ExpressionError(
                f"Unable to map the JSON number {value} to {type_name}: out of its range"
            )
        return whole
    if raw in _DECIMAL:
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise _mismatch(type_name, value)
        return float(value)
    raise ExpressionError(
        f"Unable to map the JSON node to '{type_name}': Legato runs no Java classes, so a "
        "model maps JSON only to java.util collections and maps, java.lang.String, Integer, "
        "Long, Short, Double, Float, Boolean or Object; read other shapes with prop() and "
        "elements(), or keep the node as a Json variable"
    )


def _parse(type_name: object) -> tuple[str, list[str]]:
    """Jackson's canonical name: the raw class and its type arguments (nesting kept)."""
    if not isinstance(type_name, str):
        raise ExpressionError("mapTo takes the Java type's name as a String")
    match = _GENERIC.match(type_name)
    if match is None:
        raise ExpressionError(f"Unable to map to '{type_name}': not a Java type name")
    raw, inner = match[1], match[2]
    return raw, _split_arguments(inner) if inner else []


def _split_arguments(inner: str) -> list[str]:
    arguments, depth, start = [], 0, 0
    for index, char in enumerate(inner):
        if char == "<":
            depth += 1
        elif char == ">":
            depth -= 1
        elif char == "," and depth == 0:
            arguments.append(inner[start:index].strip())
            start = index + 1
    arguments.append(inner[start:].strip())
    return arguments


def _distinct(items: list[Any]) -> list[Any]:
    kept: list[Any] = []
    for item in items:
        if item not in kept:
            kept.append(item)
    return kept


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_KINDS = ((bool, "a boolean"), (dict, "an object"), (list, "an array"), (str, "a string"))


def _kind(value: Any) -> str:
    return next((name for kind, name in _KINDS if isinstance(value, kind)), "a number")


def _mismatch(type_name: str, value: Any) -> ExpressionError:
    # Jackson's MismatchedInputException says as much: "Cannot deserialize value of type ..."
    return ExpressionError(
        f"Unable to map the JSON node to '{type_name}': it is {_kind(value)}"
    )
