"""Typed variable input: the cockpit's add/edit form turns text into a Camunda-typed value."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django import forms

from engine.el.spin_xml import parse_xml
from engine.runtime.values import TypedValue, check_value, parse_json

EDITABLE_TYPES = ("String", "Integer", "Long", "Double", "Boolean", "Date", "Json", "Xml")

_TEXT_PARSERS = {"Json": parse_json, "Xml": parse_xml}


def parse_typed(kind: str, text: str) -> TypedValue:
    """`text` as a value of Camunda type `kind`; ValueError says why it is not one."""
    typed = _parse(kind, text)
    try:
        check_value(typed)
    except ValueError as reason:
        raise ValueError(f"{text.strip()} is {reason}.") from None
    return typed


def _sentence(text: str) -> str:
    return f"{text[:1].upper()}{text[1:]}."


def _parse(kind: str, text: str) -> TypedValue:
    if kind == "String":
        return TypedValue("String", text)
    stripped = text.strip()
    if kind in ("Integer", "Long"):
        try:
            return TypedValue(kind, int(stripped))
        except ValueError:
            raise ValueError(f"'{text}' is not a whole number.") from None
    if kind == "Double":
        try:
            return TypedValue("Double", float(stripped))
        except ValueError:
            raise ValueError(f"'{text}' is not a number (use a dot: 3.14).") from None
    if kind == "Boolean":
        if stripped.lower() not in ("true", "false"):
            raise ValueError("A Boolean is true or false.")
        return TypedValue("Boolean", stripped.lower() == "true")
    if kind == "Date":
        try:
            moment = datetime.fromisoformat(stripped)
        except ValueError:
            raise ValueError(
                f"'{text}' is not a date; write it as 2024-05-31T14:30:00 (ISO 8601)."
            ) from None
        return TypedValue("Date", moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    if kind in _TEXT_PARSERS:
        try:
            return TypedValue(kind, _TEXT_PARSERS[kind](stripped))
        except ValueError as error:
            raise ValueError(_sentence(str(error))) from None
    raise ValueError(f"Variables of type {kind} cannot be edited here.")


def as_text(kind: str, value: Any) -> str:
    """A stored value as the form shows it for editing."""
    if value is None:
        return ""
    if kind == "Json" or kind == "Object":
        return json.dumps(value, ensure_ascii=False, indent=2)
    if kind == "Boolean":
        return "true" if value else "false"
    if kind in ("Bytes", "File"):  # the content downloads (`data_url`), it is not shown
        typed = TypedValue.from_json({"type": kind, "value": value}).value
        if kind == "Bytes":
            return f"{len(typed)} bytes"
        return f"{typed.filename} ({typed.mime_type or 'no MIME type'}, {len(typed.content)} bytes)"
    return str(value)


class VariableForm(forms.Form):
    name = forms.CharField(max_length=255, label="Name")
    type = forms.ChoiceField(choices=[(t, t) for t in EDITABLE_TYPES], label="Type")
    value = forms.CharField(
        required=False, label="Value", widget=forms.Textarea(attrs={"rows": 3})
    )
    scope = forms.CharField(required=False, widget=forms.HiddenInput)
    task = forms.CharField(required=False, widget=forms.HiddenInput)  # a task's own variable

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "type" in data and "value" in data:
            try:
                data["typed"] = parse_typed(data["type"], data["value"])
            except ValueError as error:
                self.add_error("value", str(error))
        return data


class DeleteVariableForm(forms.Form):
    name = forms.CharField(max_length=255)
    scope = forms.CharField(required=False)
    task = forms.CharField(required=False)
