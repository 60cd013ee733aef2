"""Typed variable values, serialised with their Camunda type name.

Camunda keeps a type with every variable (`String`, `Integer`, `Long`, ...) and the REST API
shows it. Python has one `int`, so the type is inferred when a plain value is set and kept
when the caller passes a `TypedValue`.
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from engine.el.spin import SpinJson
from engine.el.spin_xml import SpinXml, parse_xml

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1
SHORT_MIN, SHORT_MAX = -(2**15), 2**15 - 1
# Java's ranges of Camunda's whole-number types: a variable of one of them holds no more.
WHOLE_NUMBER_RANGES = {
    "Short": (SHORT_MIN, SHORT_MAX),
    "Integer": (INT_MIN, INT_MAX),
    "Long": (LONG_MIN, LONG_MAX),
}

TYPE_NAMES = frozenset(
    {
        "String",
        "Integer",
        "Long",
        "Short",
        "Double",
        "Boolean",
        "Date",
        "Bytes",
        "File",
        "Null",
        "Json",
        "Xml",
        "Object",
    }
)


@dataclass(frozen=True, slots=True)
class FileValue:
    """Camunda's File variable: content with the name it is downloaded under, and optionally
    its MIME type and its text encoding (Camunda's FileValue)."""

    content: bytes
    filename: str
    mime_type: str | None = None
    encoding: str | None = None

    @property
    def size(self) -> int:
        return len(self.content)

    def __hash__(self) -> int:
        # Without the content: a file whose content is read lazily hashes alike unread.
        return hash((self.filename, self.mime_type, self.encoding, self.size))

    def to_json(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "mimeType": self.mime_type,
            "encoding": self.encoding,
            "data": base64.b64encode(self.content).decode("ascii"),
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> FileValue:
        if "data" not in data:
            raise ValueError(_OUTSIDE)
        return FileValue(
            base64.b64decode(data["data"]), data["filename"], data.get("mimeType"),
            data.get("encoding"),
        )

    @staticmethod
    def from_upload(upload: Any) -> FileValue:
        """An uploaded file (`read()`, `name`, `content_type`, `charset`, as Django hands
        one over; its charset may come as bytes)."""
        charset = upload.charset
        if isinstance(charset, bytes):
            charset = charset.decode("ascii", "replace")
        return FileValue(upload.read(), upload.name, upload.content_type or None, charset or None)


@dataclass(frozen=True, slots=True)
class TypedValue:
    """A variable value with its Camunda type name (`Object` means application/json here).

    `object_type`: for an Object, the Java class its JSON stands for (Camunda's
    `objectTypeName`): Java clients deserialize the value into that class, so it is kept
    as given and handed back unchanged. `transient` (Camunda's `valueInfo.transient`): the
    variable lives for the command that sets it only; it is never stored nor in history.
    """

    type: str
    value: Any
    object_type: str | None = None
    transient: bool = False

    def to_json(self) -> dict[str, Any]:
        data = {"type": self.type, "value": _encode(self.type, self.value)}
        if self.object_type is not None:
            data["objectTypeName"] = self.object_type
        return data

    @staticmethod
    def from_json(data: dict[str, Any]) -> TypedValue:
        kind = data["type"]
        return TypedValue(kind, _decode(kind, data["value"]), data.get("objectTypeName"))


def infer_type(value: Any, *, from_expression: bool = False) -> TypedValue:
    """The Camunda type of a plain Python value.

    `from_expression`: EL integer arithmetic yields a Java Long (`#{1+1}` is 2L), so integers
    computed by expressions are Longs; integers given by callers are Integers when they fit.
    """
    if isinstance(value, TypedValue):
        return value
    if value is None:
        return TypedValue("Null", None)
    if isinstance(value, bool):
        return TypedValue("Boolean", value)
    if isinstance(value, int):
        if from_expression or not INT_MIN <= value <= INT_MAX:
            return TypedValue("Long", value)
        return TypedValue("Integer", value)
    if isinstance(value, float):
        return TypedValue("Double", value)
    if isinstance(value, Decimal):
        return TypedValue("Double", float(value))
    if isinstance(value, str):
        return TypedValue("String", value)
    if isinstance(value, datetime):
        return TypedValue("Date", value)
    if isinstance(value, bytes | bytearray):
        return TypedValue("Bytes", bytes(value))
    if isinstance(value, FileValue):
        return TypedValue("File", value)
    if isinstance(value, dict | list | tuple):
        return TypedValue("Json", _plain(value))
    if isinstance(value, SpinJson):  # a Spin node stored is its JSON, as in Camunda
        return TypedValue("Json", _plain(value.value))
    if isinstance(value, SpinXml):  # and an XML element its XML text (Camunda's Xml type)
        return TypedValue("Xml", value.frozen())
    return TypedValue("Object", value)


# The width of the stores' variable name columns (Camunda's NAME_ is varchar(255) too).
VARIABLE_NAME_LIMIT = 255


def check_value(typed: TypedValue) -> None:
    """Refuse, with a ValueError saying why, a value its Camunda type cannot hold.

    A whole number must fit its type's Java range (an untyped int beyond a Long has no Camunda
    type at all), a Double must be finite, and a Json or Object value must be standard JSON,
    which has no NaN or Infinity: the state and the variable rows are stored as JSON.
    """
    kind, value = typed.type, typed.value
    if kind in WHOLE_NUMBER_RANGES and isinstance(value, int):
        low, high = WHOLE_NUMBER_RANGES[kind]
        if not low <= value <= high:
            raise ValueError(f"out of range for {kind} ({low} to {high})")
    elif kind == "Double" and isinstance(value, float) and not math.isfinite(value):
        raise ValueError("not a finite number")
    elif kind in ("Json", "Object") and not _finite_json(value):
        raise ValueError(f"not valid JSON: {_NOT_JSON_NUMBERS}")
    elif kind == "File" and value is not None and not isinstance(value, FileValue):
        raise ValueError("a File value is content with a filename")
    elif kind == "Xml" and value is not None and not isinstance(value, SpinXml):
        raise ValueError("an Xml value is an XML element")


def parse_json(text: str) -> Any:
    """Standard JSON text as a value, or a ValueError saying why it is not JSON.

    Python's reader also takes NaN and Infinity, and reads a number beyond a double (1e999) as
    infinity; JSON has neither, and a Json variable is stored as JSON again.
    """
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None


_NOT_JSON_NUMBERS = "NaN and Infinity are not JSON numbers"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"not valid JSON: {_NOT_JSON_NUMBERS} ({name})")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"not valid JSON: {text} is too large for a number")
    return number


def _finite_json(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite_json(item) for item in value.values())
    if isinstance(value, list | tuple):
        return all(_finite_json(item) for item in value)
    return True


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, Decimal):
        return float(value)
    return value


def _encode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "Date":
        return value.isoformat()
    if kind == "Bytes":
        return base64.b64encode(value).decode("ascii")
    if kind == "File":
        return value.to_json()
    if kind == "Xml":
        return value.to_xml()
    if kind in ("Json", "Object"):
        return _copy_json(value)
    return value


def _decode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "Date":
        return datetime.fromisoformat(value)
    if kind == "Bytes":
        if not isinstance(value, str):
            raise ValueError(_OUTSIDE)
        return base64.b64decode(value)
    if kind == "File":
        return FileValue.from_json(value)
    if kind == "Xml":
        return parse_xml(value)
    if kind in ("Json", "Object"):
        return _copy_json(value)
    return value


def _copy_json(value: Any) -> Any:
    """A deep copy of a JSON value, so saved state never aliases live values."""
    if isinstance(value, dict):
        return {str(key): _copy_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_copy_json(item) for item in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    raise TypeError(f"Variable value of type {type(value).__name__} cannot be stored as JSON")


_OUTSIDE = "the content is kept outside the state: read the state with a ContentSource"
