"""Which form a task or a start event has, and the values it opens with.

Camunda's order: `camunda:formRef` (Camunda Forms), a `camunda:formKey` (for
`camunda-forms:deployment:<file>.form` a Camunda Form; `embedded:deployment:` and
`embedded:app:` keys an embedded HTML form, shown sanitized; `app:` keys and addresses an
external form, linked to), else generated fields from `camunda:formData`, else no form (the
task is completed with a button, the process started with a business key only).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils import timezone

from engine.bpmn.model import FormField, StartEvent, UserTask
from engine.definitions import process_model, runtime_definition
from engine.models import ProcessDefinition, Task
from engine.queries import get_task_variables
from engine.queries.forms import FORM_KEY_PREFIX, FormNotFound, schema_by_key, schema_by_ref
from engine.runtime.errors import ProcessEngineError
from engine.runtime.forms import form_fields
from engine.runtime.values import FileValue, TypedValue
from tasklist.embedded_forms import EmbeddedForm, read_form
from tasklist.form_keys import FormKey, embedded_html, external_address, read_form_key

log = logging.getLogger("legato.tasklist")

FormKind = Literal[
    "generated", "camunda", "embedded", "external", "none", "unsupported", "missing"
]


@dataclass
class FormSpec:
    """`values`: plain values (generated forms, Camunda Forms); `typed`: the variables with
    their types (embedded forms: a field's type may come from its variable)."""

    kind: FormKind
    fields: tuple[FormField, ...] = ()
    schema: dict[str, Any] | None = None
    message: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    embedded: EmbeddedForm | None = None
    address: str = ""
    typed: dict[str, TypedValue] = field(default_factory=dict)


def _spec(definition: ProcessDefinition, node: UserTask | StartEvent) -> FormSpec:
    try:
        if node.form_ref is not None:
            return FormSpec("camunda", schema=schema_by_ref(definition, node.form_ref))
        if node.form_key and node.form_key.startswith(FORM_KEY_PREFIX):
            return FormSpec("camunda", schema=schema_by_key(definition, node.form_key))
    except FormNotFound as error:
        return FormSpec("missing", message=str(error))
    if node.form_key:
        return _keyed(definition, read_form_key(node.form_key))
    if node.form_fields:
        return FormSpec("generated", fields=node.form_fields)
    return FormSpec("none")


def _keyed(definition: ProcessDefinition, key: FormKey) -> FormSpec:
    try:
        if key.kind == "embedded":
            return FormSpec("embedded", embedded=read_form(embedded_html(definition, key)))
        if key.kind == "external":
            return FormSpec("external", address=external_address(key))
    except FormNotFound as error:
        return FormSpec("missing", message=str(error))
    return FormSpec(
        "unsupported",
        message=f"This form key ({key.key}) names no form the Legato tasklist can show or link "
        "to (embedded:deployment:, embedded:app:, app:, an http(s) address or a path). "
        "Complete the task where the form lives.",
    )


def _defaults(definition_id: str, activity_id: str, variables: dict[str, Any]) -> dict[str, Any]:
    """Typed defaults (expressions evaluated); a default that cannot be evaluated is left out
    rather than making the form unusable."""
    try:
        found = form_fields(
            runtime_definition(definition_id), activity_id, variables, timezone.now()
        )
    except ProcessEngineError as error:
        log.warning("form defaults of %s: %s", activity_id, error)
        return {}
    return {f.id: f.default_value for f in found if f.default_value is not None}


def task_form(task: Task) -> FormSpec:
    if task.process_definition_id is None:  # a standalone task: completed without a form
        return FormSpec("none")
    node = process_model(task.process_definition_id).node(task.task_definition_key)
    definition = ProcessDefinition.objects.get(pk=task.process_definition_id)
    if not isinstance(node, UserTask):
        return FormSpec("none")
    spec = _spec(definition, node)
    typed = get_task_variables(task)
    variables = {name: value.value for name, value in typed.items()}
    if spec.kind == "generated":
        # Camunda's FormFieldHandler: the variable's value when it exists, else the default.
        spec.values = _defaults(definition.id, node.id, variables) | {
            f.id: variables[f.id] for f in spec.fields if variables.get(f.id) is not None
        }
    elif spec.kind == "camunda":
        spec.values = {k: _json_value(v) for k, v in variables.items()}
    elif spec.kind == "embedded":
        spec.typed = typed
    return spec


def start_event(definition: ProcessDefinition) -> StartEvent | None:
    return process_model(definition.id).initial_start_event


def start_form(definition: ProcessDefinition) -> FormSpec:
    start = start_event(definition)
    if start is None:
        return FormSpec("none")
    spec = _spec(definition, start)
    if spec.kind == "generated":
        spec.values = _defaults(definition.id, start.id, {})
    return spec


def _json_value(value: Any) -> Any:
    """form-js data is JSON: dates as ISO text, everything else as it is."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bytes | FileValue):
        return None
    return value
