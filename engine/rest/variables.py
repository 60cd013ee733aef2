"""Camunda's typed variable shape `{value, type, valueInfo}` <-> the engine's `TypedValue`.

Camunda's REST reference ("Variables" in each resource) sends and returns every variable as
`{"value": ..., "type": "String", "valueInfo": {}}`. Rules followed here:
- `type` is read case-insensitively (Camunda resolves it through its type registry); without
  a type the JSON value's own kind decides (string, number, boolean, null).
- `Date` travels as `yyyy-MM-dd'T'HH:mm:ss.SSSZ`; `Bytes` as base64.
- `File` is sent as base64 with `valueInfo.filename` (required), `mimeType` (or the REST
  reference's spelling `mimetype`) and `encoding`; it is returned without its content (value
  null, as Camunda does not send megabytes unasked): `.../data` serves the bytes.
- `Json` travels as a JSON *string*, `Xml` as XML text (Spin's types); `Object` as a JSON
  string too, with `valueInfo.serializationDataFormat`.
  Only `application/json` objects are read. Java serialization is refused (DESIGN: "Variables
  never deserialize pickled or Java-serialized objects"), as Camunda does by default
  (`javaSerializationFormatEnabled=false`).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from engine.el.spin_xml import parse_xml
from engine.errors import BadRequestError
from engine.rest.dates import format_date, parse_date
from engine.runtime.values import FileValue, TypedValue, check_value, infer_type, parse_json

JSON_FORMAT = "application/json"
JAVA_FORMAT = "application/x-java-serialized-object"

_TYPES = {
    name.lower(): name
    for name in (
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
    )
}


class VariableError(BadRequestError):
    """A variable in a request cannot be read; the request changes nothing."""


def read_variables(data: Any, what: str = "variables") -> dict[str, TypedValue]:
    """Read a `{name: {value, type, valueInfo}}` map from a request body (None: empty)."""
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise VariableError(f"'{what}' must be an object of variables")
    return {str(name): read_value(str(name), dto) for name, dto in data.items()}


def read_value(name: str, dto: Any) -> TypedValue:
    if not isinstance(dto, Mapping):
        raise VariableError(f"Variable '{name}' must be an object with 'value' and 'type'")
    raw = dto.get("value")
    given = dto.get("type")
    info = dto.get("valueInfo") or {}
    if not isinstance(info, Mapping):
        raise VariableError(f"valueInfo of variable '{name}' must be an object")
    if given is None:
        if isinstance(raw, dict | list):
            raise VariableError(f"Variable '{name}' has a structured value but no type")
        # Camunda types an untyped value by itself (a number by its size): check that type.
        typed = infer_type(raw)
        return _checked(name, raw, typed.type, typed)
    kind = _TYPES.get(str(given).lower())
    if kind is None:
        raise VariableError(f"Unsupported value type '{given}' of variable '{name}'")
    if raw is None:
        return TypedValue("Null" if kind == "Null" else kind, None, None, _transient(name, info))
    try:
        value = _read(kind, raw, info)
    except (ValueError, TypeError, binascii.Error) as error:
        raise _unconvertible(name, raw, given, error) from None
    object_type = info.get("objectTypeName") if kind == "Object" else None
    if object_type is not None and not isinstance(object_type, str):
        raise VariableError(f"objectTypeName of variable '{name}' must be a string")
    typed = TypedValue(kind, value, object_type or None, _transient(name, info))
    return _checked(name, raw, given, typed)


def _transient(name: str, info: Mapping[str, Any]) -> bool:
    """`valueInfo.transient`: the variable lives for the request's command only."""
    flag = info.get("transient", False)
    if not isinstance(flag, bool):
        raise VariableError(f"valueInfo.transient of variable '{name}' must be true or false")
    return flag


def _checked(name: str, raw: Any, given: str, typed: TypedValue) -> TypedValue:
    try:
        check_value(typed)
    except ValueError as error:
        raise _unconvertible(name, raw, given, error) from None
    return typed


def _unconvertible(name: str, raw: Any, given: str, error: Exception) -> VariableError:
    return VariableError(
        f"Cannot convert value '{_short(raw)}' of type '{given}' of variable '{name}': {error}"
    )


def _read(kind: str, raw: Any, info: Mapping[str, Any]) -> Any:
    if kind == "String":
        return str(raw)
    if kind in ("Integer", "Long", "Short"):
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            raise ValueError("not an integer")
        return int(raw)  # its range: check_value
    if kind == "Double":
        if isinstance(raw, bool):
            raise ValueError("not a number")
        try:
            return float(raw)  # NaN and infinities: check_value
        except OverflowError:  # an int of hundreds of digits
            raise ValueError("out of range for Double") from None
    if kind == "Boolean":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise ValueError("not a boolean")
    if kind == "Date":
        if not isinstance(raw, str):
            raise ValueError("a date is a string")
        return parse_date(raw)
    if kind == "Bytes":
        if not isinstance(raw, str):
            raise ValueError("bytes are a base64 string")
        return base64.b64decode(raw, validate=True)
    if kind == "File":
        return _file(raw, info)
    if kind == "Json":
        return parse_json(raw) if isinstance(raw, str) else raw
    if kind == "Xml":
        if not isinstance(raw, str):
            raise ValueError("XML is a string")
        return parse_xml(raw)
    if kind == "Object":
        data_format = info.get("serializationDataFormat") or JSON_FORMAT
        if data_format == JAVA_FORMAT:
            raise ValueError(
                "Java serialization format is prohibited: only application/json objects"
            )
        if data_format != JSON_FORMAT:
            raise ValueError(f"serialization format '{data_format}' is not supported")
        return parse_json(raw) if isinstance(raw, str) else raw
    return raw  # Null with a value: Camunda ignores the value


def _file(raw: Any, info: Mapping[str, Any]) -> FileValue:
    filename = info.get("filename")
    if not isinstance(filename, str) or not filename:
        # Camunda's wording (FileValueTypeImpl).
        raise ValueError(
            "Cannot create file without filename! Please set a name into ValueInfo with key "
            "filename"
        )
    if not isinstance(raw, str):
        raise ValueError("a file's content is a base64 string")
    mime_type = info.get("mimeType", info.get("mimetype"))
    encoding = info.get("encoding")
    return FileValue(
        base64.b64decode(raw, validate=True),
        filename,
        None if mime_type is None else str(mime_type),
        None if encoding is None else str(encoding),
    )


def write_value(value: TypedValue, *, deserialize: bool = True) -> dict[str, Any]:
    """A typed value as Camunda's REST returns it. `deserialize` False returns Object values in
    their serialized form (a JSON string), as `deserializeValues=false` asks."""
    kind, raw = value.type, value.value
    info: dict[str, Any] = {}
    if raw is None:
        return {"type": kind, "value": None, "valueInfo": info}
    if kind == "Date" and isinstance(raw, datetime):
        out: Any = format_date(raw)
    elif kind == "Bytes":
        out = base64.b64encode(raw).decode("ascii")
    elif kind == "File":
        return {"type": kind, "value": None, "valueInfo": file_info(raw)}
    elif kind == "Json":
        out = json.dumps(raw, separators=(",", ":"))
    elif kind == "Xml":
        out = raw.to_xml()
    elif kind == "Object":
        info = {
            "objectTypeName": value.object_type or _object_type_name(raw),
            "serializationDataFormat": JSON_FORMAT,
        }
        out = raw if deserialize else json.dumps(raw, separators=(",", ":"))
    else:
        out = raw
    return {"type": kind, "value": out, "valueInfo": info}


def file_info(file: FileValue) -> dict[str, str]:
    """Camunda's valueInfo of a File: filename, and mimeType and encoding when known."""
    info = {"filename": file.filename}
    if file.mime_type is not None:
        info["mimeType"] = file.mime_type
    if file.encoding is not None:
        info["encoding"] = file.encoding
    return info


def write_stored(
    type_name: str, stored: Any, object_type: str | None = None, *, deserialize: bool = True
) -> dict[str, Any]:
    """A value as a variable row keeps it (its type and JSON column) in Camunda's shape; a row
    that no longer reads as its type answers a null value rather than failing the list."""
    try:
        value = TypedValue.from_json(
            {"type": type_name, "value": stored, "objectTypeName": object_type}
        )
    except (KeyError, ValueError, TypeError):
        return {"type": type_name, "value": None, "valueInfo": {}}
    return write_value(value, deserialize=deserialize)


def write_variables(
    variables: Mapping[str, TypedValue], *, deserialize: bool = True
) -> dict[str, dict[str, Any]]:
    return {name: write_value(v, deserialize=deserialize) for name, v in variables.items()}


def _object_type_name(raw: Any) -> str:
    # An Object set without a Java class (from Python, a form, an expression): name the Java
    # type Jackson would have produced for that JSON.
    if isinstance(raw, list):
        return "java.util.ArrayList"
    if isinstance(raw, dict):
        return "java.util.LinkedHashMap"
    return "java.lang.Object"


def _short(raw: Any) -> str:
    text = str(raw)
    return text if len(text) <= 50 else text[:47] + "..."
