"""Generated task and start forms (`camunda:formData`): fields with typed default values.

Camunda's built-in form field types: string, long, boolean, date (pattern, default
"dd/MM/yyyy") and enum; a default value may be an expression, evaluated against the
variables of the task's execution (or none, for a start form).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.bpmn.model import FormField, StartEvent, UserTask
from engine.el import EvaluationContext, ExpressionError, compile_expression
from engine.runtime.definition import ProcessDefinition
from engine.runtime.errors import ProcessEngineError

DEFAULT_DATE_PATTERN = "dd/MM/yyyy"
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
            return datetime.strptime(raw, _python_pattern(pattern or DEFAULT_DATE_PATTERN))
    except ValueError as error:
        raise ProcessEngineError(
            f"Default value '{raw}' is not a valid {kind}", activity_id
        ) from error
    return raw


def _python_pattern(java: str) -> str:
    for token, directive in _JAVA_DATE:
        java = java.replace(token, directive)
    return java
