"""Generated forms (`camunda:formData`): what the page renders, and what it posts.

Camunda's built-in field types are string, long, boolean, date and enum; its built-in
constraints are required, minlength, maxlength, min, max and readonly. The browser gets the same
constraints as HTML attributes, but only the server decides: every submission goes through the
engine's form submission (engine.services.forms), which REST's submit-form uses too, and
nothing is completed while a field has an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.bpmn.model import FormField
from engine.runtime.forms import DEFAULT_DATE_PATTERN, constraints, python_date_pattern
from engine.runtime.values import TypedValue


@dataclass
class FieldView:
    """One field as the template renders it: its value as text, its constraints, its error."""

    id: str
    label: str
    type: str
    value: str = ""
    checked: bool = False
    required: bool = False
    readonly: bool = False
    minlength: int | None = None
    maxlength: int | None = None
    min: str | None = None
    max: str | None = None
    date_pattern: str | None = None
    choices: list[tuple[str, str]] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)
    error: str | None = None


def _int(config: str | None) -> int | None:
    try:
        return int(config) if config is not None else None
    except ValueError:
        return None


def _kind(form_field: FormField) -> str:
    return (form_field.type or "string").lower()


def as_text(kind: str, value: Any, date_pattern: str | None = None) -> str:
    """A typed value as the input shows it (dates in the field's pattern)."""
    if isinstance(value, TypedValue):
        value = value.value
    if value is None:
        return ""
    if kind == "date" and isinstance(value, datetime):
        return value.strftime(python_date_pattern(date_pattern))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def field_views(
    fields: Sequence[FormField],
    values: Mapping[str, Any],
    *,
    submitted: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
) -> list[FieldView]:
    """Fields with their current values: what was submitted (after an error), else `values`
    (the variable or the typed default, as Camunda's FormFieldHandler takes them)."""
    views = []
    for form_field in fields:
        kind = _kind(form_field)
        rules = constraints(form_field)
        view = FieldView(
            id=form_field.id,
            label=form_field.label or form_field.id,
            type=kind,
            required="required" in rules,
            readonly="readonly" in rules,
            minlength=_int(rules.get("minlength")),
            maxlength=_int(rules.get("maxlength")),
            min=rules.get("min"),
            max=rules.get("max"),
            date_pattern=(form_field.date_pattern or DEFAULT_DATE_PATTERN)
            if kind == "date"
            else None,
            choices=[(v.id, v.name or v.id) for v in form_field.values],
            properties={p.id or p.name or "": p.value or "" for p in form_field.properties},
            error=(errors or {}).get(form_field.id),
        )
        if submitted is not None and not view.readonly:
            raw = submitted.get(form_field.id)
            view.checked = kind == "boolean" and raw in ("on", "true")
            view.value = "" if raw is None else str(raw)
        else:
            current = values.get(form_field.id)
            view.value = as_text(kind, current, form_field.date_pattern)
            view.checked = kind == "boolean" and view.value == "true"
        views.append(view)
    return views


def posted_values(fields: Sequence[FormField], data: Mapping[str, Any]) -> dict[str, TypedValue]:
    """What the HTML form posted, as the values the engine's form submission takes
    (engine.services.forms, which validates and types them): each field's text; a checkbox is
    true when ticked, false when not (HTML posts nothing for it). Read-only fields are left
    out: the browser posts their inputs, but they only show the variable."""
    values: dict[str, TypedValue] = {}
    for form_field in fields:
        if "readonly" in constraints(form_field):
            continue
        raw = data.get(form_field.id)
        if _kind(form_field) == "boolean":
            values[form_field.id] = TypedValue("Boolean", raw in ("on", "true"))
        else:
            values[form_field.id] = TypedValue("String", "" if raw is None else str(raw))
    return values
