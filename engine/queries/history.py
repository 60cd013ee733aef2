"""History queries (Camunda's HistoryService): finished and running instances alike."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from engine.errors import NotFoundError
from engine.models import (
    DetailType,
    HistoricActivityInstance,
    HistoricDetail,
    HistoricIncident,
    HistoricProcessInstance,
    HistoricTaskInstance,
    HistoricVariableInstance,
    UserOperationLog,
)
from engine.queries.instances import variable_equals
from engine.runtime.values import TypedValue

FINISHED_STATES = ("COMPLETED", "EXTERNALLY_TERMINATED", "INTERNALLY_TERMINATED")


def list_historic_process_instances(
    *,
    process_instance_id: str | None = None,
    process_definition_id: str | None = None,
    process_definition_key: str | None = None,
    business_key: str | None = None,
    state: str | None = None,
    finished: bool | None = None,
    started_after: datetime | None = None,
    started_before: datetime | None = None,
    finished_after: datetime | None = None,
    finished_before: datetime | None = None,
    started_by: str | None = None,
    super_process_instance_id: str | None = None,
    variables: Mapping[str, Any] | None = None,
) -> QuerySet[HistoricProcessInstance]:
    """Historic instances by Camunda's filters; `variables`: process variables the instance
    last held with these values (deleted ones excluded)."""
    rows = HistoricProcessInstance.objects.all()
    for name, value in (variables or {}).items():
        held = HistoricVariableInstance.objects.exclude(state="DELETED")
        rows = rows.filter(Exists(variable_equals(name, value, OuterRef("pk"), held)))
    exact = {
        "pk": process_instance_id,
        "process_definition_id": process_definition_id,
        "process_definition_key": process_definition_key,
        "business_key": business_key,
        "state": state,
        "start_user_id": started_by,
        "super_process_instance_id": super_process_instance_id,
        "start_time__gt": started_after,
        "start_time__lt": started_before,
        "end_time__gt": finished_after,
        "end_time__lt": finished_before,
    }
    rows = rows.filter(**{k: v for k, v in exact.items() if v is not None})
    if finished is not None:
        rows = rows.filter(end_time__isnull=not finished)
    return rows.order_by("-start_time", "id")


def get_historic_process_instance(instance_id: str) -> HistoricProcessInstance:
    found = HistoricProcessInstance.objects.filter(pk=instance_id).first()
    if found is None:
        raise NotFoundError(f"Historic process instance with id {instance_id} does not exist")
    return found


def list_historic_activity_instances(
    *,
    process_instance_id: str | None = None,
    activity_id: str | None = None,
    activity_type: str | None = None,
    finished: bool | None = None,
    canceled: bool | None = None,
    started_after: datetime | None = None,
    started_before: datetime | None = None,
) -> QuerySet[HistoricActivityInstance]:
    rows = HistoricActivityInstance.objects.all()
    exact = {
        "process_instance_id": process_instance_id,
        "activity_id": activity_id,
        "activity_type": activity_type,
        "canceled": canceled,
        "start_time__gt": started_after,
        "start_time__lt": started_before,
    }
    rows = rows.filter(**{k: v for k, v in exact.items() if v is not None})
    if finished is not None:
        rows = rows.filter(end_time__isnull=not finished)
    return rows.order_by("start_time", "sequence_counter", "id")


def list_historic_tasks(
    *,
    process_instance_id: str | None = None,
    assignee: str | None = None,
    task_definition_key: str | None = None,
    finished: bool | None = None,
) -> QuerySet[HistoricTaskInstance]:
    rows = HistoricTaskInstance.objects.all()
    exact = {
        "process_instance_id": process_instance_id,
        "assignee": assignee,
        "task_definition_key": task_definition_key,
    }
    rows = rows.filter(**{k: v for k, v in exact.items() if v is not None})
    if finished is not None:
        rows = rows.filter(end_time__isnull=not finished)
    return rows.order_by("start_time", "id")


def list_historic_variables(
    *, process_instance_id: str | None = None, name: str | None = None
) -> QuerySet[HistoricVariableInstance]:
    rows = HistoricVariableInstance.objects.all()
    if process_instance_id is not None:
        rows = rows.filter(process_instance_id=process_instance_id)
    if name is not None:
        rows = rows.filter(name=name)
    return rows.order_by("name", "id")


def list_historic_details(
    *, process_instance_id: str | None = None, variable_name: str | None = None
) -> QuerySet[HistoricDetail]:
    """Variable updates and submitted form fields (`detail_type`), as Camunda's detail query;
    `variable_name` matches a form field's id too."""
    rows = HistoricDetail.objects.all()
    if process_instance_id is not None:
        rows = rows.filter(process_instance_id=process_instance_id)
    if variable_name is not None:
        rows = rows.filter(name=variable_name)
    return rows.order_by("time", "id")


def list_historic_incidents(
    *, process_instance_id: str | None = None, open: bool | None = None  # noqa: A002
) -> QuerySet[HistoricIncident]:
    rows = HistoricIncident.objects.all()
    if process_instance_id is not None:
        rows = rows.filter(process_instance_id=process_instance_id)
    if open is not None:
        rows = rows.filter(state="open") if open else rows.exclude(state="open")
    return rows.order_by("create_time", "id")


def list_user_operations(
    *,
    process_instance_id: str | None = None,
    task_id: str | None = None,
    user_id: str | None = None,
    operation_type: str | None = None,
    entity_type: str | None = None,
    after: datetime | None = None,
    before: datetime | None = None,
) -> QuerySet[UserOperationLog]:
    rows = UserOperationLog.objects.all()
    exact = {
        "process_instance_id": process_instance_id,
        "task_id": task_id,
        "user_id": user_id,
        "operation_type": operation_type,
        "entity_type": entity_type,
        "timestamp__gt": after,
        "timestamp__lt": before,
    }
    rows = rows.filter(**{k: v for k, v in exact.items() if v is not None})
    return rows.order_by("timestamp", "id")


def last_variables(instance_id: str) -> dict[str, TypedValue]:
    """The latest value of each variable of the instance's own scope, as history kept it
    (what a finished instance leaves; deleted variables are left out)."""
    rows = HistoricVariableInstance.objects.filter(
        process_instance_id=instance_id, execution_id=instance_id
    ).exclude(state="DELETED")
    return {row.name: _typed(row) for row in rows}


def initial_variables(instance_id: str, start_time: datetime) -> dict[str, TypedValue]:
    """The variables the instance was started with: the first value of each variable of its
    own scope written when it started (history level full keeps those writes)."""
    rows = HistoricDetail.objects.filter(
        process_instance_id=instance_id,
        execution_id=instance_id,
        time=start_time,
        deleted=False,
        detail_type=DetailType.VARIABLE_UPDATE,  # a start form's fields are no variables
    ).order_by("-revision", "-id")
    return {row.name: _typed(row) for row in rows}  # the lowest revision is written last


def _typed(row: HistoricVariableInstance | HistoricDetail) -> TypedValue:
    return TypedValue.from_json(
        {"type": row.type, "value": row.value, "objectTypeName": row.object_type_name}
    )


def historic_activity_statistics(
    definition_id: str,
    *,
    finished: bool = False,
    canceled: bool = False,
    complete_scope: bool = False,
    incidents: bool = False,
    time_filters: Mapping[str, datetime] | None = None,
    instance_ids: list[str] | None = None,
    descending: bool = False,
) -> list[dict[str, Any]]:
    """Per activity of a definition: running instances, and on request finished, canceled and
    scope-completing ones and incidents by state (Camunda's HistoricActivityStatisticsQuery);
    only activities with at least one instance matching the filters, by activity id.

    `time_filters` maps `start_time__lt`-style lookups on the activity instances to dates."""
    of_definition = HistoricProcessInstance.objects.filter(process_definition_id=definition_id)
    if instance_ids is not None:
        of_definition = of_definition.filter(id__in=instance_ids)
    rows = HistoricActivityInstance.objects.filter(
        process_instance_id__in=of_definition.values("id"), **(time_filters or {})
    )
    counted = rows.values("activity_id").annotate(
        instances=Count("id", filter=Q(end_time__isnull=True)),
        finished=Count("id", filter=Q(end_time__isnull=False)),
        canceled=Count("id", filter=Q(canceled=True)),
        complete_scope=Count("id", filter=Q(complete_scope=True)),
    )
    by_state: dict[tuple[str, str], int] = {}
    if incidents:
        for activity, state, number in (
            HistoricIncident.objects.filter(process_definition_id=definition_id)
            .values_list("activity_id", "state")
            .annotate(n=Count("id"))
        ):
            by_state[(activity, state)] = number
    result = []
    for row in counted.order_by(("-" if descending else "") + "activity_id"):
        activity = row["activity_id"]
        result.append({
            "id": activity,
            "instances": row["instances"],
            "canceled": row["canceled"] if canceled else 0,
            "finished": row["finished"] if finished else 0,
            "completeScope": row["complete_scope"] if complete_scope else 0,
            "openIncidents": by_state.get((activity, "open"), 0),
            "resolvedIncidents": by_state.get((activity, "resolved"), 0),
            "deletedIncidents": by_state.get((activity, "deleted"), 0),
        })
    return result
