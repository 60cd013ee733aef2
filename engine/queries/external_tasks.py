"""External tasks as workers and operators read them (Camunda's ExternalTaskQuery)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from engine.errors import NotFoundError
from engine.models import (
    ExternalTask,
    ProcessDefinition,
)


def get_external_task(external_task_id: str) -> ExternalTask:
    row = ExternalTask.objects.filter(pk=external_task_id).first()
    if row is None:
        raise NotFoundError(f"External task with id {external_task_id} does not exist")
    return row


SORT_FIELDS = {
    "id": "id",
    "lockExpirationTime": "lock_expiration_time",
    "processInstanceId": "process_instance_id",
    "processDefinitionId": "process_definition_id",
    "processDefinitionKey": "process_definition_key",
    "taskPriority": "priority",
    "createTime": "created",
}


def list_external_tasks(
    *,
    now: datetime | None = None,
    external_task_id: str | None = None,
    external_task_id_in: Iterable[str] = (),
    topic_name: str | None = None,
    worker_id: str | None = None,
    locked: bool = False,
    not_locked: bool = False,
    with_retries_left: bool = False,
    no_retries_left: bool = False,
    lock_expiration_after: datetime | None = None,
    lock_expiration_before: datetime | None = None,
    activity_id: str | None = None,
    activity_id_in: Iterable[str] = (),
    execution_id: str | None = None,
    process_instance_id: str | None = None,
    process_instance_id_in: Iterable[str] = (),
    process_definition_id: str | None = None,
    active: bool = False,
    suspended: bool = False,
    priority_higher_than_or_equals: int | None = None,
    priority_lower_than_or_equals: int | None = None,
) -> QuerySet[ExternalTask]:
    """The externalTaskQuery's filters; every one given must hold."""
    now = now or timezone.now()
    rows = ExternalTask.objects.all()
    exact = {
        "pk": external_task_id,
        "topic_name": topic_name,
        "worker_id": worker_id,
        "activity_id": activity_id,
        "execution_id": execution_id,
        "process_instance_id": process_instance_id,
        "process_definition_id": process_definition_id,
    }
    rows = rows.filter(**{k: v for k, v in exact.items() if v is not None})
    for column, values in (
        ("pk__in", external_task_id_in),
        ("activity_id__in", activity_id_in),
        ("process_instance_id__in", process_instance_id_in),
    ):
        values = list(values)
        if values:
            rows = rows.filter(**{column: values})
    if locked:
        rows = rows.filter(lock_expiration_time__gt=now)
    if not_locked:
        rows = rows.filter(Q(lock_expiration_time__isnull=True) | Q(lock_expiration_time__lte=now))
    if with_retries_left:
        rows = rows.filter(Q(retries__isnull=True) | Q(retries__gt=0))
    if no_retries_left:
        rows = rows.filter(retries=0)
    if lock_expiration_after is not None:
        rows = rows.filter(lock_expiration_time__gt=lock_expiration_after)
    if lock_expiration_before is not None:
        rows = rows.filter(lock_expiration_time__lt=lock_expiration_before)
    if active:
        rows = rows.filter(suspended=False)
    if suspended:
        rows = rows.filter(suspended=True)
    if priority_higher_than_or_equals is not None:
        rows = rows.filter(priority__gte=priority_higher_than_or_equals)
    if priority_lower_than_or_equals is not None:
        rows = rows.filter(priority__lte=priority_lower_than_or_equals)
    return rows


def topic_names(
    *,
    with_locked_tasks: bool = False,
    with_unlocked_tasks: bool = False,
    with_retries_left: bool = False,
    now: datetime | None = None,
    readable: Q | None = None,
) -> list[str]:
    """Distinct topic names of open tasks (GET /external-task/topic-names); `readable`
    narrows them to the tasks a caller may read."""
    rows = list_external_tasks(
        now=now,
        locked=with_locked_tasks,
        not_locked=with_unlocked_tasks,
        with_retries_left=with_retries_left,
    )
    if readable is not None:
        rows = rows.filter(readable)
    return sorted(set(rows.values_list("topic_name", flat=True)))


def definition_facts(rows: Iterable[ExternalTask]) -> dict[str, tuple[str | None, str | None]]:
    """process definition id -> (version tag, tenant id), for the rows' DTOs."""
    ids = {row.process_definition_id for row in rows}
    return {
        pk: (tag, tenant)
        for pk, tag, tenant in ProcessDefinition.objects.filter(pk__in=ids).values_list(
            "id", "version_tag", "tenant_id"
        )
    }


def seconds_until_available(
    topic_names: Sequence[str], since: datetime | None = None
) -> float | None:
    """When the first locked (or retry-delayed) task of these topics becomes fetchable by
    itself; None when none waits for that. A lock that ran out after `since` (the last fetch)
    counts too, with no time left: that fetch could not see it, the next one can."""
    now = timezone.now()
    soonest = (
        ExternalTask.objects.filter(
            topic_name__in=list(topic_names),
            lock_expiration_time__gt=min(now, since) if since is not None else now,
            suspended=False,
        )
        .exclude(retries=0)
        .order_by("lock_expiration_time")
        .values_list("lock_expiration_time", flat=True)
        .first()
    )
    return (soonest - now).total_seconds() if soonest is not None else None
