"""Generated forms (`camunda:formData`): what the page renders and the server-side validator.

Camunda's built-in field types are string, long, boolean, date and enum; its built-in
constraints are required, minlength, maxlength, min, max and readonly. The browser gets the same
constraints as HTML attributes, but only this module decides: every submission is validated
here again, and nothing is completed while a field has an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from engine.bpmn.model import FormField
from engine.runtime.forms import DEFAULT_DATE_PATTERN
from engine.runtime.values import LONG_MAX, LONG_MIN, TypedValue

# Java SimpleDateFormat letters Camunda's date pattern uses -> strftime directives.
_JAVA_DATE = (("yyyy", "%Y"), ("MM", "%m"), ("dd", "%d"), ("HH", "%H"), ("mm", "%M"), ("ss", "%S"))
# A submitted value longer than this is refused before any parsing (no field needs more).
MAX_VALUE_LENGTH = 10_000


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


def _constraints(form_field: FormField) -> dict[str, str | None]:
    return {c.name.lower(): c.config for c in form_field.constraints}


def _int(config: str | None) -> int | None:
    try:
        return int(config) if config is not None else None
    except ValueError:
        return None


def _kind(form_field: FormField) -> str:
    return (form_field.type or "string").lower()


def python_date_pattern(java: str | None) -> str:
    pattern = java or DEFAULT_DATE_PATTERN
    for token, directive in _JAVA_DATE:
        pattern = pattern.replace(token, directive)
    return pattern


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
        rules = _constraints(form_field)
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


class _Invalid(ValueError):
    pass


def _parse(form_field: FormField, raw: str) -> Any:
    kind = _kind(form_field)
    if kind == "long":
        try:
            number = int(raw.strip())
        except ValueError:
            raise _Invalid("Enter a whole number, like 42.") from None
        if not LONG_MIN <= number <= LONG_MAX:  # a long field's variable is a Java Long
            raise _Invalid(f"Enter a whole number from {LONG_MIN} to {LONG_MAX}.")
        return number
    if kind == "date":
        pattern = form_field.date_pattern or DEFAULT_DATE_PATTERN
        try:
            parsed = datetime.strptime(raw.strip(), python_date_pattern(pattern))
        except ValueError:
            raise _Invalid(f"Enter a date as {pattern}.") from None
        return timezone.make_aware(parsed)
    if kind == "enum":
        allowed = [v.id for v in form_field.values]
        if raw not in allowed:
            raise _Invalid("Choose one of the listed options.")
    return raw


def _check(form_field: FormField, value: Any, rules: Mapping[str, str | None]) -> None:
    """Camunda's built-in validators; min/max compare numbers, min/maxlength count characters."""
    if isinstance(value, str):
        minlength, maxlength = _int(rules.get("minlength")), _int(rules.get("maxlength"))
        if minlength is not None and len(value) < minlength:
            raise _Invalid(f"Enter at least {minlength} characters.")
        if maxlength is not None and len(value) > maxlength:
            raise _Invalid(f"Enter at most {maxlength} characters.")
    if isinstance(value, int | float) and not isinstance(value, bool):
        low, high = _number(rules.get("min")), _number(rules.get("max"))
        if low is not None and value < low:
            raise _Invalid(f"Enter {rules['min']} or more.")
        if high is not None and value > high:
            raise _Invalid(f"Enter {rules['max']} or less.")


def _number(config: str | None) -> float | None:
    try:
        return float(config) if config is not None else None
    except ValueError:
        return None


_VARIABLE_TYPES = {"long": "Long", "boolean": "Boolean", "date": "Date"}


def validate(
    fields: Sequence[FormField], data: Mapping[str, Any]
) -> tuple[dict[str, TypedValue], dict[str, str]]:
    """Submitted text -> typed variables, or the errors by field id (then no variables count).

    Read-only fields are not submitted (Camunda leaves their variables unchanged); an empty
    optional field becomes null; an unchecked box is false.
    """
    variables: dict[str, TypedValue] = {}
    errors: dict[str, str] = {}
    for form_field in fields:
        rules = _constraints(form_field)
        if "readonly" in rules:
            continue
        kind = _kind(form_field)
        raw = data.get(form_field.id)
        raw = "" if raw is None else str(raw)
        if kind == "boolean":
            variables[form_field.id] = TypedValue("Boolean", raw in ("on", "true"))
            continue
        if len(raw) > MAX_VALUE_LENGTH:
            errors[form_field.id] = f"Enter at most {MAX_VALUE_LENGTH} characters."
            continue
        if raw.strip() == "":
            if "required" in rules:
                errors[form_field.id] = "This field is required."
            else:
                variables[form_field.id] = TypedValue("Null", None)
            continue
        try:
            value = _parse(form_field, raw)
            _check(form_field, value, rules)
        except _Invalid as error:
            errors[form_field.id] = str(error)
            continue
        variables[form_field.id] = TypedValue(_VARIABLE_TYPES.get(kind, "String"), value)
    return ({} if errors else variables), errors
