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
    }

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def prop(self, name: str) -> SpinJson:
        if not isinstance(self.value, dict):
            raise ExpressionError(f"Unable to get property '{name}': the node is not an object")
        if name not in self.value:
            raise ExpressionError(f"Unable to find property '{name}'")
        return SpinJson(self.value[name])

    def has_prop(self, name: str) -> bool:
        return isinstance(self.value, dict) and name in self.value

    def field_names(self) -> list[str]:
        return list(self.value) if isinstance(self.value, dict) else []

    def elements(self) -> list[SpinJson]:
        if not isinstance(self.value, list):
            raise ExpressionError("Unable to get the elements: the node is not an array")
        return [SpinJson(item) for item in self.value]

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
        return json_path(self.value, path)

    def to_json(self) -> str:
        return json.dumps(self.value, separators=(",", ":"), default=str)

    def __str__(self) -> str:
        return self.to_json()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SpinJson) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.to_json())


def spin_json(value: Any) -> SpinJson:
    """`S(...)` / `JSON(...)`: JSON text parsed, a value already parsed wrapped as it is."""
    if isinstance(value, SpinJson):
        return value
    if isinstance(value, str):
        try:
            return SpinJson(json.loads(value))
        except ValueError as error:
            raise ExpressionError(f"Unable to read the JSON text: {error}") from None
    if value is None or isinstance(value, dict | list | str | bool | int | float | Decimal):
        return SpinJson(value)
    raise ExpressionError(f"S() takes JSON text or a JSON value, not {type(value).__name__}")


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

    __slots__ = ("found", "path")

    def __init__(self, path: str, found: list[Any]) -> None:
        self.path = path
        self.found = found

    def element(self) -> SpinJson:
        if len(self.found) != 1:
            raise ExpressionError(
                f"JSON path '{self.path}' found {len(self.found)} elements, not one"
            )
        return SpinJson(self.found[0])

    def element_list(self) -> list[SpinJson]:
        return [SpinJson(value) for value in self.found]

    def string_value(self) -> str:
        return self.element().string_value()

    def number_value(self) -> Any:
        return self.element().number_value()

    def bool_value(self) -> bool:
        return self.element().bool_value()


def json_path(value: Any, path: str) -> SpinJsonPath:
    """Evaluate `path` against `value` (engine/el/json_path.py); a path outside its syntax is
    an error."""
    return SpinJsonPath(path, find(value, path))
