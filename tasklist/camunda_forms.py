"""Camunda Forms (form-js JSON): validating submissions (engine/queries/forms.py finds the
deployed schema).

The form-js viewer validates in the browser; the server does it again from the schema's
`validate` blocks (required, min, max, minLength, maxLength, pattern, validationType), because
a browser can send anything. Values keep the JSON types form-js submits.

A file picker's value is the key form-js gives its files; the browser sends them as parts of
that name beside the data (static/tasklist/form-js.js), and each becomes a File variable.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from typing import Any

from engine.runtime.values import LONG_MAX, LONG_MIN, FileValue

# Components that show something but hold no value (form-js' non-input types).
_NO_VALUE = {
    "text",
    "html",
    "image",
    "button",
    "separator",
    "spacer",
    "iframe",
    "table",
    "dynamiclist",
}
_EMAIL = re.compile(r"^[^\s@]+@[^\s@]+\.[^\s@]+$")
_PHONE = re.compile(r"^\+?[0-9 ()\-./]{5,}$")
MAX_TEXT = 10_000
MAX_FILE_MB = 10


def input_components(components: list[Any]) -> Iterator[dict[str, Any]]:
    """Every component that holds a value, also inside groups."""
    for component in components:
        if not isinstance(component, dict):
            continue
        if component.get("type") == "group":
            yield from input_components(component.get("components") or [])
            continue
        # A dynamic list holds a list of rows; Legato does not validate its rows on the server.
        if component.get("type") in _NO_VALUE or not component.get("key"):
            continue
        yield component


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _picked_file(value: Any, files: Any) -> FileValue | None:
    """The file a file picker sent (None: none picked); `value` is its files key."""
    uploads = files.getlist(value) if isinstance(value, str) and files is not None else []
    if not uploads:
        return None
    if len(uploads) > 1:
        raise ValueError("Choose one file: a File variable holds one.")
    upload = uploads[0]
    if upload.size > MAX_FILE_MB * 1024 * 1024:
        raise ValueError(f"Choose a file of at most {MAX_FILE_MB} MB.")
    return FileValue.from_upload(upload)


def _convert(component: dict[str, Any], value: Any) -> Any:
    kind = component.get("type")
    if kind == "filepicker":
        return value  # a FileValue (_picked_file)
    if kind == "number":
        if isinstance(value, bool):
            raise ValueError("Enter a number.")
        if isinstance(value, str):
            try:
                number = float(value)
            except ValueError:
                raise ValueError("Enter a number.") from None
            value = int(number) if number.is_integer() else number
        if not isinstance(value, int | float) or (
            isinstance(value, float) and not math.isfinite(value)
        ):
            raise ValueError("Enter a number.")
        if isinstance(value, int) and not LONG_MIN <= value <= LONG_MAX:
            # A whole number becomes an Integer or Long variable; no Long holds this one.
            raise ValueError(f"Enter a number from {LONG_MIN} to {LONG_MAX}.")
        return value
    if kind == "checkbox":
        if not isinstance(value, bool):
            raise ValueError("Tick the box or leave it empty.")
        return value
    if kind in ("checklist", "taglist"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("Choose from the listed options.")
        return value
    if not isinstance(value, str):
        raise ValueError("Enter text.")
    if len(value) > MAX_TEXT:
        raise ValueError(f"Enter at most {MAX_TEXT} characters.")
    return value


def _check(rules: Mapping[str, Any], value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(rules.get("min"), int | float) and value < rules["min"]:
            return f"Enter {rules['min']} or more."
        if isinstance(rules.get("max"), int | float) and value > rules["max"]:
            return f"Enter {rules['max']} or less."
    if isinstance(value, str):
        if isinstance(rules.get("minLength"), int) and len(value) < rules["minLength"]:
            return f"Enter at least {rules['minLength']} characters."
        if isinstance(rules.get("maxLength"), int) and len(value) > rules["maxLength"]:
            return f"Enter at most {rules['maxLength']} characters."
        pattern = rules.get("pattern")
        # form-js tests `new RegExp(pattern).test(value)`: a search, not a full match.
        if isinstance(pattern, str) and pattern and not re.search(pattern, value):
            return "Enter a value in the expected format."
        kind = rules.get("validationType")
        if kind == "email" and not _EMAIL.match(value):
            return "Enter an email address."
        if kind == "phone" and not _PHONE.match(value):
            return "Enter a phone number."
    return None


def validate(
    schema: Mapping[str, Any], data: Mapping[str, Any], files: Any = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Submitted form-js data -> variables by key, or errors by key (then no variables).
    `files`: the request's uploaded files (Django's `request.FILES`), by files key."""
    variables: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for component in input_components(list(schema.get("components") or [])):
        if component.get("disabled"):
            continue  # form-js neither validates nor submits disabled fields
        key = str(component["key"])
        rules = component.get("validate") or {}
        value = data.get(key)
        if component.get("type") == "filepicker":
            try:
                value = _picked_file(value, files)
            except ValueError as error:
                errors[key] = str(error)
                continue
        if _empty(value):
            if rules.get("required"):
                errors[key] = "This field is required."
            elif key in data:
                variables[key] = None
            continue
        try:
            value = _convert(component, value)
        except ValueError as error:
            errors[key] = str(error)
            continue
        problem = _check(rules, value)
        if problem:
            errors[key] = problem
        else:
            variables[key] = value
    return ({} if errors else variables), errors


def errors_by_field_id(
    schema: Mapping[str, Any], errors: Mapping[str, str]
) -> dict[str, list[str]]:
    """form-js keeps its errors by component id: the browser shows them with `_setState`."""
    ids = {c["key"]: c.get("id") for c in input_components(list(schema.get("components") or []))}
    return {str(ids.get(key) or key): [message] for key, message in errors.items()}
