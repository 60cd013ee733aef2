"""History reports (Camunda's HistoricProcessInstanceReport and HistoricTaskInstanceReport):
durations of completed instances and tasks per month or quarter, completed tasks counted by
task name or by process definition.

A period is a month (1-12) or a quarter (1-4) of the year, as in Camunda: the same month of
different years falls into one period, so callers bound the years with the date filters.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Avg, Count, Max, Min, QuerySet
from django.db.models.functions import ExtractMonth, ExtractQuarter

from engine.models import HistoricProcessInstance, HistoricTaskInstance, ProcessDefinition

PERIOD_UNITS = {"month": ExtractMonth, "quarter": ExtractQuarter}
TASK_GROUPINGS = ("taskName", "processDefinition")


@dataclass(frozen=True)
class DurationRow:
    """Durations in milliseconds of what completed in (instances: started in) one period."""

    period: int
    period_unit: str  # MONTH or QUARTER, as Camunda's PeriodUnit
    minimum: int
    maximum: int
    average: int
    count: int


@dataclass(frozen=True)
class TaskCountRow:
    count: int
    task_name: str | None
    process_definition_id: str | None
    process_definition_key: str | None
    process_definition_name: str | None
    tenant_id: str | None


def instance_durations(
    period_unit: str,
    *,
    definition_ids: Iterable[str] | None = None,
    keys: Iterable[str] | None = None,
    started_after: datetime | None = None,
    started_before: datetime | None = None,
) -> list[DurationRow]:
    """Completed process instances by the period they started in."""
    rows = HistoricProcessInstance.objects.filter(end_time__isnull=False)
    if definition_ids is not None:
        rows = rows.filter(process_definition_id__in=list(definition_ids))
    if keys is not None:
        rows = rows.filter(process_definition_key__in=list(keys))
    if started_after is not None:
        rows = rows.filter(start_time__gt=started_after)
    if started_before is not None:
        rows = rows.filter(start_time__lt=started_before)
    return _durations(rows, "start_time", period_unit)


def task_durations(
    period_unit: str,
    *,
    completed_after: datetime | None = None,
    completed_before: datetime | None = None,
) -> list[DurationRow]:
    """Completed tasks by the period they were completed in."""
    return _durations(_completed_tasks(completed_after, completed_before), "end_time", period_unit)


def completed_task_counts(
    group_by: str,
    *,
    completed_after: datetime | None = None,
    completed_before: datetime | None = None,
    key: str | None = None,
) -> list[TaskCountRow]:
    """Completed tasks counted per task name (and the key of its process), or per process
    definition, most first; `key`: only tasks of that process."""
    tasks = _completed_tasks(completed_after, completed_before)
    if key is not None:
        tasks = tasks.filter(process_definition_id__startswith=f"{key}:")
    counted = tasks.values_list("name", "process_definition_id").annotate(count=Count("id"))
    definitions = {
        d.id: d
        for d in ProcessDefinition.objects.filter(
            id__in={definition_id for _, definition_id, _ in counted if definition_id}
        )
    }
    totals: dict[tuple[Any, ...], int] = {}
    for name, definition_id, count in counted:
        # Definition ids are `key:version:...`: the key stays known after a deployment goes.
        process_key = definition_id.split(":", 1)[0] if definition_id else None
        if group_by == "taskName":
            group: tuple[Any, ...] = (name, None, process_key)
        else:
            group = (None, definition_id, process_key)
        totals[group] = totals.get(group, 0) + count
    rows = []
    for (name, definition_id, process_key), count in totals.items():
        definition = definitions.get(definition_id or "")
        rows.append(TaskCountRow(
            count, name, definition_id, process_key,
            definition.name if definition else None,
            definition.tenant_id if definition else None,
        ))
    return sorted(rows, key=lambda r: (-r.count, r.task_name or "", r.process_definition_id or ""))


def _completed_tasks(
    after: datetime | None, before: datetime | None
) -> QuerySet[HistoricTaskInstance]:
    rows = HistoricTaskInstance.objects.filter(end_time__isnull=False)
    if after is not None:
        rows = rows.filter(end_time__gt=after)
    if before is not None:
        rows = rows.filter(end_time__lt=before)
    return rows


def _durations(rows: QuerySet[Any], time_field: str, period_unit: str) -> list[DurationRow]:
    extract = PERIOD_UNITS[period_unit]
    grouped = (
        rows.filter(duration_ms__isnull=False)
        .annotate(period=extract(time_field))
        .values("period")
        .annotate(
            minimum=Min("duration_ms"), maximum=Max("duration_ms"), average=Avg("duration_ms"),
            count=Count("id"),
        )
        .order_by("period")
    )
    unit = period_unit.upper()
    return [
        DurationRow(g["period"], unit, g["minimum"], g["maximum"], round(g["average"]), g["count"])
        for g in grouped
    ]
