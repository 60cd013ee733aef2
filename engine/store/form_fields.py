"""Submitted form fields in history (Camunda's HistoricFormField: ACT_HI_DETAIL rows of type
FormProperty), written at history levels audit and full.

Camunda's form service records each submitted value that is a plain string, as the user sent
it, whatever the field then made of it; other values leave no row (DefaultFormHandler:
"SerializableValues are never stored as form properties", and numbers, booleans, dates and
nulls are not strings). The caller writes them in the submission's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.models import DetailType, HistoricDetail
from engine.runtime.values import TypedValue
from engine.store.projection import HISTORY_LEVELS


@dataclass(frozen=True)
class FormSubmission:
    """Where a form was submitted: a task's execution and activity instance, or a starting
    instance (its own execution, and its id as activity instance, as Camunda records it)."""

    process_instance_id: str
    execution_id: str
    activity_instance_id: str | None
    task_id: str | None = None


def submitted_text(value: TypedValue | Any) -> str | None:
    """The text a form field records for a submitted value; None for any other value. An
    untyped string counts (the REST layer types it String, the tasklist may pass it bare)."""
    if isinstance(value, TypedValue):
        return value.value if value.type == "String" and isinstance(value.value, str) else None
    return value if isinstance(value, str) else None


def write_form_fields(
    submission: FormSubmission,
    values: Mapping[str, TypedValue | Any],
    *,
    time: datetime,
    operation_id: str | None,
    history_level: str,
) -> int:
    """Record the submitted text values; returns how many rows were written."""
    if HISTORY_LEVELS.index(history_level) < HISTORY_LEVELS.index("audit"):
        return 0
    rows = [
        HistoricDetail(
            detail_type=DetailType.FORM_FIELD,
            variable_instance_id="",  # a form field belongs to no variable
            name=field_id,
            type="String",
            value=text,
            revision=0,
            time=time,
            process_instance_id=submission.process_instance_id,
            execution_id=submission.execution_id,
            activity_instance_id=submission.activity_instance_id,
            task_id=submission.task_id,
            user_operation_id=operation_id,
        )
        for field_id, value in values.items()
        if (text := submitted_text(value)) is not None
    ]
    HistoricDetail.objects.bulk_create(rows)
    return len(rows)
