"""Submitting a task or start form (Camunda's FormService.submitTaskForm / submitStartForm).

A node with a generated form (`camunda:formData`) has its fields validated and typed by
engine.runtime.forms.submit_form_fields before anything changes: the tasklist and REST both
submit through here, so they accept and refuse the same values. A node without form fields
(a Camunda Form, an embedded or external form key, no form) takes the values as given.

At history levels audit and full the submitted text values are recorded as form field
details (engine.store.form_fields) in the submission's transaction: the runtime command runs
in a savepoint of it (its conflict retries included), and the details carry the id of the
operation the command logs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from engine.bpmn.model import StartEvent, UserTask
from engine.definitions import process_model
from engine.errors import NotFoundError
from engine.models import Task
from engine.queries import get_process_definition, get_variables
from engine.runtime.engine import ProcessInstance as StartedInstance
from engine.runtime.forms import submit_form_fields
from engine.runtime.values import TypedValue
from engine.services import authz, runtime
from engine.services.authz import P
from engine.services.oplog import shared_operation_id
from engine.store.form_fields import FormSubmission, write_form_fields


def _form_variables(
    definition_id: str | None,
    activity_id: str | None,
    values: Mapping[str, Any],
    execution_id: str | None,
) -> dict[str, Any]:
    if definition_id is None:  # a standalone task: no form fields
        return dict(values)
    node = process_model(definition_id).find_node(activity_id)
    fields = node.form_fields if isinstance(node, UserTask | StartEvent) else ()
    if not fields:
        return dict(values)
    current: dict[str, Any] = {}
    if execution_id is not None:
        current = {name: typed.value for name, typed in get_variables(execution_id).items()}
    now = timezone.localtime(runtime.clock())
    return submit_form_fields(fields, values, current, now, activity_id)


def submit_task_form(
    task_id: str, values: Mapping[str, TypedValue | Any], *, user_id: str | None = None
) -> None:
    """Submit the task's form: complete the task, or resolve it when it is delegated (Camunda's
    SubmitTaskFormCmd).

    Raises FormFieldValidationError, before any change, when a generated form's field is
    refused; the permission to work on the task is checked first, so a caller without it
    learns nothing about the form.
    """
    task = Task.objects.filter(pk=task_id).first()
    if task is None:
        raise NotFoundError(f"Cannot find task with id {task_id}: task is null")
    authz.require_task(user_id, task, P.TASK_WORK, P.UPDATE)
    variables = _form_variables(
        task.process_definition_id, task.task_definition_key, values, task.execution_id
    )
    now = runtime.clock()
    with transaction.atomic(), shared_operation_id(user_id) as operation_id:
        if task.delegation_state == runtime.PENDING:
            runtime.resolve_task(task_id, variables, user_id=user_id)
        else:
            runtime.complete_task(task_id, variables, user_id=user_id)
        # Camunda records them on the task's execution; a task of no process has none.
        if task.process_instance_id is not None and task.execution_id is not None:
            submission = FormSubmission(
                task.process_instance_id, task.execution_id, task.activity_instance_id, task.id
            )
            _record(submission, values, now, operation_id)


def submit_start_form(
    definition_id: str,
    values: Mapping[str, TypedValue | Any],
    *,
    business_key: str | None = None,
    user_id: str | None = None,
) -> StartedInstance:
    """Start an instance of the definition with its start form's values (Camunda's
    SubmitStartFormCmd). Raises FormFieldValidationError, before anything starts, when a
    generated form's field is refused; the permission to start is checked first."""
    definition = get_process_definition(definition_id)
    authz.require_start(user_id, definition.key, definition.id)
    start = process_model(definition.id).initial_start_event
    variables = (
        dict(values) if start is None else _form_variables(definition.id, start.id, values, None)
    )
    now = runtime.clock()
    with transaction.atomic(), shared_operation_id(user_id) as operation_id:
        started = runtime.start_process_instance(
            definition_id=definition.id,
            variables=variables,
            business_key=business_key,
            user_id=user_id,
        )
        # The instance was starting: Camunda takes its id as the activity instance's.
        _record(FormSubmission(started.id, started.id, started.id), values, now, operation_id)
    return started


def _record(
    submission: FormSubmission,
    values: Mapping[str, TypedValue | Any],
    now: datetime,
    operation_id: str | None,
) -> None:
    write_form_fields(
        submission,
        values,
        time=now,
        operation_id=operation_id,
        history_level=settings.LEGATO_HISTORY_LEVEL,
    )
