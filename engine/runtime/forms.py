"""Generated task and start forms (`camunda:formData`): fields with typed default values, and
the submission of such a form, validated and typed.

Camunda's built-in form field types: string, long, boolean, date (pattern, default
"dd/MM/yyyy") and enum; a default value may be an expression, evaluated against the
variables of the task's execution (or none, for a start form). Its built-in constraints:
required, readonly, minlength, maxlength, min and max.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from engine.bpmn.model import FormField, StartEvent, UserTask
from engine.el import EvaluationContext, ExpressionError, compile_expression
from engine.runtime.definition import ProcessDefinition
from engine.runtime.errors import ProcessEngineError
from engine.runtime.values import LONG_MAX, LONG_MIN, TypedValue, infer_type

DEFAULT_DATE_PATTERN = "dd/MM/yyyy"
# A submitted text longer than this is refused before any parsing (no field needs more).
MAX_VALUE_LENGTH = 10_000
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
# Java SimpleDateFormat letters Camunda's date pattern uses -> strftime directives.
_JAVA_DATE = (("yyyy", "%Y"), ("MM", "%m"), ("dd", "%d"), ("HH", "%H"), ("mm", "%M"), ("ss", "%S"))


@dataclass(frozen=True, slots=True)
class FormFieldData:
    id: str
    label: str | None
    type: str
    default_value: Any
    values: dict[str, str | None] = field(default_factory=dict)  # enum id -> name
    date_pattern: str | None = None


def form_fields(
    definition: ProcessDefinition,
    activity_id: str,
    variables: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> list[FormFieldData]:
    """The form fields of a user task or start event, defaults typed by the field type."""
    node = definition.node(activity_id)
    if not isinstance(node, UserTask | StartEvent):
        raise ProcessEngineError("Only user tasks and start events have forms", activity_id)
    context = EvaluationContext(dict(variables or {}), now=now)
    return [_field(f, context, activity_id) for f in node.form_fields]


def _field(form_field: FormField, context: EvaluationContext, activity_id: str) -> FormFieldData:
    kind = form_field.type or "string"
    raw: Any = form_field.default_value
    if isinstance(raw, str) and ("${" in raw or "#{" in raw):
        try:
            raw = compile_expression(raw).evaluate(context)
        except ExpressionError as error:
            raise ProcessEngineError(str(error), activity_id) from error
    return FormFieldData(
        id=form_field.id,
        label=form_field.label,
        type=kind,
        default_value=_typed(kind, raw, form_field.date_pattern, activity_id),
        values={value.id: value.name for value in form_field.values},
        date_pattern=form_field.date_pattern if kind == "date" else None,
    )


def _typed(kind: str, raw: Any, pattern: str | None, activity_id: str) -> Any:
    if raw is None or not isinstance(raw, str):
        return raw
    try:
        if kind == "long":
            return int(raw)
        if kind == "boolean":
            return raw.strip().lower() == "true"
        if kind == "date":
            return datetime.strptime(raw, python_date_pattern(pattern))
    except ValueError as error:
        raise ProcessEngineError(
            f"Default value '{raw}' is not a valid {kind}", activity_id
        ) from error
    return raw


def python_date_pattern(java: str | None) -> str:
    """A Java date pattern (the field's, else Camunda's default) as a strptime format."""
    pattern = java or DEFAULT_DATE_PATTERN
    for token, directive in _JAVA_DATE:
        pattern = pattern.replace(token, directive)
    return pattern


def constraints(form_field: FormField) -> dict[str, str | None]:
    """The field's validation constraints: lower-cased name -> config."""
    return {c.name.lower(): c.config for c in form_field.constraints}


# -- submission ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldError:
    """Why one submitted field was refused: `reason` in Camunda's words, `hint` for the person
    filling in the form (the tasklist shows it next to the field)."""

    field_id: str
    reason: str
    hint: str

    def __str__(self) -> str:
        # Camunda's FormFieldValidationConstraintHandler wording.
        return f"Invalid value submitted for form field '{self.field_id}': {self.reason}."


class FormFieldValidationError(ProcessEngineError):
    """A submitted form was refused (Camunda's FormFieldValidationException); nothing of it
    counts. `errors` holds every field in error; the message names the first, as Camunda's."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__(str(errors[0]))
        self.errors = tuple(errors)

    def hints(self) -> dict[str, str]:
        return {error.field_id: error.hint for error in self.errors}


class _Refused(Exception):  # noqa: N818 - internal signal, turned into a FieldError
    def __init__(self, reason: str, hint: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = hint


def submit_form_fields(
    fields: Sequence[FormField],
    submitted: Mapping[str, Any],
    variables: Mapping[str, Any],
    now: datetime,
    activity_id: str | None = None,
) -> dict[str, TypedValue]:
    """Camunda's FormFieldHandler.handleSubmit for each field of a generated form: the
    variables to set, or FormFieldValidationError naming every field in error.

    The variables are each submitted field converted to its type, the typed default of a field
    not submitted whose variable is not set yet, and every other submitted value as given
    (Camunda passes those through). `variables` are the current ones (a required field not
    submitted is satisfied by its variable); dates without a zone are read in `now`'s zone.
    Where Legato differs, on purpose and for the tasklist and REST alike: a blank text is no
    value (a required field refuses it, an optional one becomes null); a submitted read-only
    field is refused unless it is null; a field not submitted keeps its variable rather than
    being reset to its default; min/max and minlength/maxlength check the converted value.
    """
    ids = {form_field.id for form_field in fields}
    result = {name: infer_type(value) for name, value in submitted.items() if name not in ids}
    errors: list[FieldError] = []
    context: EvaluationContext | None = None
    for form_field in fields:
        given = submitted.get(form_field.id)
        try:
            typed = _submitted_value(
                form_field, None if given is None else infer_type(given), variables, now.tzinfo
            )
        except _Refused as refused:
            errors.append(FieldError(form_field.id, refused.reason, refused.hint))
            continue
        if typed is not None:
            result[form_field.id] = typed
        elif given is None and variables.get(form_field.id) is None and form_field.default_value:
            context = context or EvaluationContext(dict(variables), now=now)
            default = _field(form_field, context, activity_id or "").default_value
            if default is not None:
                result[form_field.id] = _typed_default(form_field, default, now.tzinfo)
    if errors:
        raise FormFieldValidationError(errors)
    return result


def _submitted_value(
    form_field: FormField,
    given: TypedValue | None,
    variables: Mapping[str, Any],
    zone: tzinfo | None,
) -> TypedValue | None:
    """The field's new variable; None leaves it as it is."""
    rules = constraints(form_field)
    value = None if given is None else given.value
    if isinstance(value, str) and len(value) > MAX_VALUE_LENGTH:
        raise _Refused(
            f"the value is longer than {MAX_VALUE_LENGTH} characters",
            f"Enter at most {MAX_VALUE_LENGTH} characters.",
        )
    blank = value is None or (isinstance(value, str) and not value.strip())
    if "readonly" in rules:
        if not blank:
            raise _Refused("validation of readonly failed", "This field is read-only.")
        return None
    if given is None or blank:
        # Camunda's RequiredValidator: a field not submitted may rest on its variable.
        if "required" in rules and (given is not None or variables.get(form_field.id) is None):
            raise _Refused("validation of required failed", "This field is required.")
        return None if given is None else TypedValue("Null", None)
    typed = _converted(form_field, given, zone)
    _check(typed.value, rules)
    return typed


def _converted(form_field: FormField, given: TypedValue, zone: tzinfo | None) -> TypedValue:
    """Camunda's form types' convertToModelValue; a value that does not convert is refused."""
    kind = (form_field.type or "string").lower()
    value = given.value
    shown = _quoted(value)
    if kind == "string":
        if isinstance(value, bool):
            return TypedValue("String", "true" if value else "false")
        if isinstance(value, str | int | float):
            return TypedValue("String", str(value))
        raise _Refused(f"value {shown} is not of type String", "Enter text.")
    if kind == "long":
        hint = "Enter a whole number, like 42."
        # Java's Long.valueOf: digits with an optional sign, nothing else (no 4.0, no 1_000).
        if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value.strip()):
            number = int(value.strip())
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            raise _Refused(f"value {shown} is not of type Long", hint)
        if not LONG_MIN <= number <= LONG_MAX:  # a long field's variable is a Java Long
            raise _Refused(
                f"value {shown} is out of range for Long",
                f"Enter a whole number from {LONG_MIN} to {LONG_MAX}.",
            )
        return TypedValue("Long", number)
    if kind == "boolean":
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            value = value.strip().lower() == "true"
        if not isinstance(value, bool):
            raise _Refused(f"value {shown} is not of type Boolean", "Choose true or false.")
        return TypedValue("Boolean", value)
    if kind == "date":
        return TypedValue("Date", _date(form_field, value, zone))
    if kind == "enum":
        if value not in [option.id for option in form_field.values]:
            raise _Refused(
                f"invalid value for enum form property: {value}",
                "Choose one of the listed options.",
            )
        return TypedValue("String", value)
    # A type Legato has no converter for keeps the value as submitted (Camunda: no type).
    return given


def _date(form_field: FormField, value: Any, zone: tzinfo | None) -> datetime:
    pattern = form_field.date_pattern or DEFAULT_DATE_PATTERN
    parsed = value if isinstance(value, datetime) else None
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            parsed = datetime.strptime(value.strip(), python_date_pattern(pattern))
    if parsed is None:
        # Camunda's DateFormType wording.
        raise _Refused(
            f"could not parse value {_quoted(value)} as date using date format '{pattern}'",
            f"Enter a date as {pattern}.",
        )
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


def _check(value: Any, rules: Mapping[str, str | None]) -> None:
    """Camunda's built-in validators; min/max compare numbers, min/maxlength count characters."""
    if isinstance(value, str):
        minlength, maxlength = _number(rules.get("minlength")), _number(rules.get("maxlength"))
        if minlength is not None and len(value) < minlength:
            raise _Refused(
                f"validation of minlength({rules['minlength']}) failed",
                f"Enter at least {rules['minlength']} characters.",
            )
        if maxlength is not None and len(value) > maxlength:
            raise _Refused(
                f"validation of maxlength({rules['maxlength']}) failed",
                f"Enter at most {rules['maxlength']} characters.",
            )
    if isinstance(value, int | float) and not isinstance(value, bool):
        low, high = _number(rules.get("min")), _number(rules.get("max"))
        if low is not None and value < low:
            raise _Refused(f"validation of min({rules['min']}) failed",
                           f"Enter {rules['min']} or more.")
        if high is not None and value > high:
            raise _Refused(f"validation of max({rules['max']}) failed",
                           f"Enter {rules['max']} or less.")


def _number(config: str | None) -> float | None:
    """A constraint's config as a number; a config that is none is no constraint."""
    try:
        return float(config) if config is not None else None
    except ValueError:
        return None


def _typed_default(form_field: FormField, default: Any, zone: tzinfo | None) -> TypedValue:
    if isinstance(default, datetime) and default.tzinfo is None:
        return TypedValue("Date", default.replace(tzinfo=zone))
    kind = (form_field.type or "string").lower()
    if kind in ("string", "enum") and default is not None:
        return TypedValue("String", str(default))
    return infer_type(default, from_expression=True)


def _quoted(value: Any, limit: int = 50) -> str:
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return f"'{text[:limit]}…'" if len(text) > limit else f"'{text}'"
