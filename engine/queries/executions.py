"""Executions as Camunda shows them: a token Camunda runs in its scope's execution (a lone
token under the process instance or alone in a sub-process) is named by that execution
(`Execution.public_id`, written by the store). Jobs, incidents and event subscriptions keep
the token's own id; the REST resources name them, and filter them, by the public one (history's
job log and incidents record the public one when written)."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from engine.models import Execution

PUBLIC_EXECUTION = "public_execution_id"


def shown_as(execution_id: str) -> Q:
    """Rows whose `execution_id` is `execution_id` or a token Camunda shows as it."""
    instance_id = (
        Execution.objects.filter(pk=execution_id)
        .values_list("process_instance_id", flat=True)
        .first()
    )
    ids = {execution_id}
    if instance_id is not None:
        ids.update(
            Execution.objects.filter(
                process_instance_id=instance_id, public_id=execution_id
            ).values_list("id", flat=True)
        )
    return Q(execution_id__in=ids)


def with_public_execution(rows: QuerySet[Any]) -> QuerySet[Any]:
    """`rows` (with an `execution_id`) annotated with the execution Camunda shows for it."""
    return rows.annotate(
        **{
            PUBLIC_EXECUTION: Subquery(
                Execution.objects.filter(pk=OuterRef("execution_id")).values("public_id")[:1]
            )
        }
    )


def public_execution(row: Any) -> str | None:
    """The execution Camunda shows for `row.execution_id`: annotated by
    `with_public_execution`, else looked up; an execution no longer running is itself."""
    if hasattr(row, PUBLIC_EXECUTION):
        return getattr(row, PUBLIC_EXECUTION) or row.execution_id
    return shown_execution_id(row.execution_id)


def shown_execution_id(execution_id: str | None) -> str | None:
    """The execution Camunda shows the token `execution_id` as (itself once it is gone)."""
    if not execution_id:
        return execution_id
    public = Execution.objects.filter(pk=execution_id).values_list("public_id", flat=True).first()
    return public or execution_id
