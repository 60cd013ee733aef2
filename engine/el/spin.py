"""Camunda Spin's JSON API in expressions: `S(...)`, `JSON(...)` and the methods of a
SpinJsonNode (`${S(response).prop("order").prop("total").numberValue()}`).

A Json variable is a plain dict or list here, so `${customer.name}` keeps working; the Spin
methods Camunda models call on Json variables (`prop`, `hasProp`, `elements`, `fieldNames`,
`isObject`, `isArray`) are also allowed on dicts and lists (engine/el/methods.py) and answer
`SpinJson` nodes, as Spin does. A node stored in a variable becomes a Json value again.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, ClassVar

from engine.el.errors import ExpressionError
from engine.el.host import ElObject
from engine.el.json_path import find
from engine.el.spin_mapping import map_to

_NUMBER = (int, float, Decimal)


class SpinJson(ElObject):
    """One node of a JSON document: an object, array, string, number, boolean or null."""

    EL_METHODS: ClassVar[dict[str, str]] = {
        "prop": "prop",
        "hasProp": "has_prop",
        "fieldNames": "field_names",
        "elements": "elements",
        "stringValue": "string_value",
        "numberValue": "number_value",
        "boolValue": "bool_value",
        "isObject": "is_object",
        "isArray": "is_array",
        "isString": "is_string",
        "isNumber": "is_number",
        "isBoolean": "is_boolean",
        "isNull": "is_null",
        "isValue": "is_value",
        "value": "raw_value",
        "toString": "to_json",
        "jsonPath": "json_path",
        "mapTo": "map_to",
        "indexOf": "index_of",
        "lastIndexOf": "last_index_of",
        "contains": "contains",
        # Spin's writing methods: they change this node (and the document it is part of)
        "deleteProp": "delete_prop",
        "append": "append",
        "insertAt": "insert_at",
        "insertBefore": "insert_before",
        "insertAfter": "insert_after",
        "remove": "remove",
        "removeLast": "remove_last",
        "removeAt": "remove_at",
    }

    __slots__ = ("read_only", "value")

    def __init__(self, value: Any, *, read_only: bool = False) -> None:
        self.value = value
        # A node over a variable's own value (`${order.prop("a")}`) must not change it behind
        # the engine's back: S(order) makes a copy to change.
        self.read_only = read_only

    def _child(self, value: Any) -> SpinJson:
        return SpinJson(value, read_only=self.read_only)

    def prop(self, name: str, *new_value: Any) -> SpinJson:
        """`prop(name)`: the property's node; `prop(name, value)`: sets it, answers this."""
        if not isinstance(self.value, dict):
            raise ExpressionError(f"Unable to get property '{name}': the node is not an object")
        if len(new_value) > 1:
            raise ExpressionError("prop takes a name, or a name and a value")
        if new_value:
            self._writable("prop")[name] = json_value(new_value[0])
            return self
        if name not in self.value:
            raise ExpressionError(f"Unable to find property '{name}'")
        return self._child(self.value[name])

    def has_prop(self, name: str) -> bool:
        return isinstance(self.value, dict) and name in self.value

    def field_names(self) -> list[str]:
        return list(self.value) if isinstance(self.value, dict) else []

    def elements(self) -> list[SpinJson]:
        if not isinstance(self.value, list):
            raise ExpressionError("Unable to get the elements: the node is not an array")
        return [self._child(item) for item in self.value]

    def string_value(self) -> str:
        return self._scalar(str, "a string")

    def number_value(self) -> Any:
        return self._scalar(_NUMBER, "a number")

    def bool_value(self) -> bool:
        return self._scalar(bool, "a boolean")

    def _scalar(self, kind: Any, what: str) -> Any:
        value = self.value
        if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
            raise ExpressionError(f"The node {self.to_json()} is not {what}")
        return value

    def is_object(self) -> bool:
        return isinstance(self.value, dict)

    def is_array(self) -> bool:
        return isinstance(self.value, list)

    def is_string(self) -> bool:
        return isinstance(self.value, str)

    def is_number(self) -> bool:
        return isinstance(self.value, _NUMBER) and not isinstance(self.value, bool)

    def is_boolean(self) -> bool:
        return isinstance(self.value, bool)

    def is_null(self) -> bool:
        return self.value is None

    def is_value(self) -> bool:
        return not isinstance(self.value, dict | list)

    def raw_value(self) -> Any:
        return self.value

    def json_path(self, path: str) -> SpinJsonPath:
        return json_path(self.value, path, read_only=self.read_only)

    def map_to(self, type_name: str) -> Any:
        """Spin's `mapTo`: a copy of the value as a Java collection, map or boxed scalar."""
        return map_to(self.value, type_name)

    # -- arrays and writing ----------------------------------------------------------------

    def _array(self, method: str) -> list[Any]:
        if not isinstance(self.value, list):
            raise ExpressionError(f"Unable to {method}: the node is not an array")
        return self.value

    def _writable(self, method: str) -> Any:
        if self.read_only:
            raise ExpressionError(
                f"Unable to {method}: this node reads a variable; change a copy, "
                "S(variable), and set the variable to it"
            )
        return self.value

    def index_of(self, search: Any) -> int:
        items = self._array("indexOf")
        wanted = json_value(search)
        return next((index for index, item in enumerate(items) if item == wanted), -1)

    def last_index_of(self, search: Any) -> int:
        items = self._array("lastIndexOf")
        wanted = json_value(search)
        found = [index for index, item in enumerate(items) if item == wanted]
        return found[-1] if found else -1

    def contains(self, search: Any) -> bool:
        return self.index_of(search) >= 0

    def delete_prop(self, names: Any) -> SpinJson:
        if not isinstance(self.value, dict):
            raise ExpressionError("Unable to delete a property: the node is not an object")
        for name in names if isinstance(names, list) else [names]:
            if name not in self.value:
                raise ExpressionError(f"Unable to find property '{name}'")
            del self._writable("deleteProp")[name]
        return self

    def append(self, value: Any) -> SpinJson:
        self._array("append")
        self._writable("append").append(json_value(value))
        return self

    def insert_at(self, index: int, value: Any) -> SpinJson:
        items = self._array("insertAt")
        position = index + len(items) if index < 0 else index
        if not 0 <= position <= len(items):
            raise ExpressionError(f"Index {index} is out of bounds for {len(items)} elements")
        self._writable("insertAt").insert(position, json_value(value))
        return self

    def insert_before(self, search: Any, value: Any) -> SpinJson:
        return self.insert_at(self._position(search), value)

    def insert_after(self, search: Any, value: Any) -> SpinJson:
        return self.insert_at(self._position(search) + 1, value)

    def _position(self, search: Any) -> int:
        index = self.index_of(search)
        if index < 0:
            raise ExpressionError(f"Unable to find {json.dumps(json_value(search))} in the array")
        return index

    def remove(self, value: Any) -> SpinJson:
        return self.remove_at(self._position(value))

    def remove_last(self, value: Any) -> SpinJson:
        index = self.last_index_of(value)
        if index < 0:
            raise ExpressionError(f"Unable to find {json.dumps(json_value(value))} in the array")
        return self.remove_at(index)

    def remove_at(self, index: int) -> SpinJson:
        items = self._array("removeAt")
        position = index + len(items) if index < 0 else index
        if not 0 <= position < len(items):
            raise ExpressionError(f"Index {index} is out of bounds for {len(items)} elements")
        del self._writable("removeAt")[position]
        return self

    def to_json(self) -> str:
        return json.dumps(self.value, separators=(",", ":"), default=str)

    def __str__(self) -> str:
        return self.to_json()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SpinJson) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.to_json())


def spin_json(value: Any) -> SpinJson:
    """`S(...)` / `JSON(...)`: JSON text parsed, or a copy of a value already parsed (a node
    to change, never the variable it came from)."""
    if isinstance(value, SpinJson):
        return value
    if isinstance(value, str):
        try:
            return SpinJson(json.loads(value))
        except ValueError as error:
            raise ExpressionError(f"Unable to read the JSON text: {error}") from None
    if value is None or isinstance(value, dict | list | str | bool | int | float | Decimal):
        return SpinJson(json_value(value))
    raise ExpressionError(f"S() takes JSON text or a JSON value, not {type(value).__name__}")


def json_value(value: Any) -> Any:
    """A value as a JSON node holds it: a copy of maps and lists, a node's own value."""
    if isinstance(value, SpinJson):
        value = value.value
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    if isinstance(value, Decimal):
        return float(value)  # a BigDecimal is a JSON number
    if value is None or isinstance(value, str | bool | int | float):
        return value
    raise ExpressionError(f"{type(value).__name__} is not a JSON value")


class SpinJsonPath(ElObject):
    """The result of `node.jsonPath("$.a.b[0]")` (Spin's SpinJsonPathQuery over Jayway's
    syntax, engine/el/json_path.py)."""

    EL_METHODS: ClassVar[dict[str, str]] = {
        "element": "element",
        "elementList": "element_list",
        "stringValue": "string_value",
        "numberValue": "number_value",
        "boolValue": "bool_value",
    }

    __slots__ = ("found", "path", "read_only")

    def __init__(self, path: str, found: list[Any], *, read_only: bool = False) -> None:
        self.path = path
        self.found = found
        self.read_only = read_only

    def element(self) -> SpinJson:
        if len(self.found) != 1:
            raise ExpressionError(
                f"JSON path '{self.path}' found {len(self.found)} elements, not one"
            )
        return SpinJson(self.found[0], read_only=self.read_only)

    def element_list(self) -> list[SpinJson]:
        return [SpinJson(value, read_only=self.read_only) for value in self.found]

    def string_value(self) -> str:
        return self.element().string_value()

    def number_value(self) -> Any:
        return self.element().number_value()

    def bool_value(self) -> bool:
        return self.element().bool_value()


def json_path(value: Any, path: str, *, read_only: bool = False) -> SpinJsonPath:
    """Evaluate `path` against `value` (engine/el/json_path.py); a path outside its syntax is
    an error."""
    return SpinJsonPath(path, find(value, path), read_only=read_only)
