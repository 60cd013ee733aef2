"""Reading the meter logs: sums, interval buckets and unique task workers (Camunda's
MetricsQuery and ManagementService.getUniqueTaskWorkerCount)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import BigIntegerField, Count, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from engine.metrics import names
from engine.metrics.meters import meters
from engine.metrics.reporter import reporter_id
from engine.models import MeterLog, TaskMeterLog

DEFAULT_INTERVAL = 15 * 60  # seconds (Camunda's MetricsQueryImpl.DEFAULT_SELECT_INTERVAL)
MAX_RESULTS = 200  # Camunda's DEFAULT_LIMIT_SELECT_INTERVAL: also the most one may ask for
MAX_INTERVAL = (2**63 - 1) // 1000  # seconds whose milliseconds still fit a bigint


@dataclass(frozen=True)
class IntervalValue:
    timestamp: datetime
    name: str
    reporter: str | None
    value: int


def _range(field: str, start: datetime | None, end: datetime | None) -> Q:
    condition = Q()
    if start is not None:
        condition &= Q(**{f"{field}__gte": start})
    if end is not None:
        condition &= Q(**{f"{field}__lt": end})
    return condition


def _unflushed_count_applies(end: datetime | None) -> bool:
    # Camunda adds what this engine has not reported yet when the range reaches into the
    # last reporting interval (MeterLogManager.isEndTimeAfterLastReportInterval).
    window = timedelta(seconds=max(settings.LEGATO_METRICS_FLUSH_SECONDS, 0))
    return end is None or end >= timezone.now() - window


def sum_metric(name: str, start: datetime | None = None, end: datetime | None = None) -> int:
    """The sum of `name` (or its alias) over [start, end); task users are counted distinct."""
    if name in names.TASK_USER_NAMES:
        return unique_task_workers(start, end)
    internal = names.internal_name(name)
    rows = MeterLog.objects.filter(_range("timestamp", start, end), name=internal)
    total = rows.aggregate(total=Sum("value"))["total"] or 0
    if _unflushed_count_applies(end):
        total += meters.pending(internal)
    return int(total)


def interval_values(
    *,
    name: str | None = None,
    reporter: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    interval: int = DEFAULT_INTERVAL,
    offset: int = 0,
    limit: int = MAX_RESULTS,
    aggregate_by_reporter: bool = False,
    with_unflushed: bool = True,
) -> list[IntervalValue]:
    """Sums per `interval` seconds (buckets counted from the epoch), newest first, per name
    and reporter (reporter None when `aggregate_by_reporter`). `with_unflushed`: this
    process's counts not written yet join the newest bucket found, as in Camunda."""
    internal = names.internal_name(name) if name is not None else None
    rows = MeterLog.objects.filter(_range("timestamp", start, end))
    if internal is not None:
        rows = rows.filter(name=internal)
    if reporter is not None:
        rows = rows.filter(reporter=reporter)
    width = interval * 1000
    # Integer division of non-negative milliseconds floors, on PostgreSQL and SQLite alike.
    bucket = ExpressionWrapper(F("milliseconds") / width * width, output_field=BigIntegerField())
    group = ("bucket", "name") if aggregate_by_reporter else ("bucket", "name", "reporter")
    found = (
        rows.annotate(bucket=bucket)
        .values(*group)
        .annotate(total=Sum("value"))
        .order_by("-bucket", "name", *(() if aggregate_by_reporter else ("reporter",)))
    )
    values = [
        IntervalValue(
            datetime.fromtimestamp(row["bucket"] / 1000, tz=UTC),
            name if name is not None else row["name"],
            None if aggregate_by_reporter else row["reporter"],
            int(row["total"]),
        )
        for row in found[offset : offset + limit]
    ]
    if values and with_unflushed and _unflushed_count_applies(end):
        values = _with_unflushed(values, internal, aggregate_by_reporter)
    return values


def _with_unflushed(
    values: list[IntervalValue], internal: str | None, aggregated: bool
) -> list[IntervalValue]:
    """Camunda adds the unreported counts of this engine to the newest interval's rows."""
    newest = values[0].timestamp
    mine = None if aggregated else reporter_id()
    result = []
    for value in values:
        stored = names.internal_name(value.name)
        if value.timestamp == newest and value.reporter == mine and (
            internal is None or stored == internal
        ):
            value = IntervalValue(
                value.timestamp, value.name, value.reporter, value.value + meters.pending(stored)
            )
        result.append(value)
    return result


def unique_task_workers(start: datetime | None = None, end: datetime | None = None) -> int:
    """How many different assignees tasks had in [start, end) (flushed assignments only)."""
    rows = TaskMeterLog.objects.filter(_range("timestamp", start, end))
    return rows.values("assignee_hash").distinct().count()


def delete_task_metrics(before: datetime | None = None) -> int:
    """Remove task-meter rows up to `before` (inclusive, as Camunda), or all."""
    rows = TaskMeterLog.objects.all()
    if before is not None:
        rows = rows.filter(timestamp__lte=before)
    deleted, _ = rows.delete()
    return deleted


@dataclass(frozen=True)
class MonthlyUsage:
    month: datetime  # the first moment of the month, UTC
    flow_node_instances: int
    decision_instances: int
    decision_elements: int
    process_instances: int
    task_users: int


USAGE = {
    "flow_node_instances": names.ACTIVITY_INSTANCE_START,
    "decision_instances": names.EXECUTED_DECISION_INSTANCES,
    "decision_elements": names.EXECUTED_DECISION_ELEMENTS,
    "process_instances": names.ROOT_PROCESS_INSTANCE_START,
}


def monthly_usage(months: int = 12, now: datetime | None = None) -> list[MonthlyUsage]:
    """Per calendar month (UTC), newest first: flow node instances, decision instances and
    elements, root process instance starts and task users, as Camunda Admin's execution
    metrics page shows them. The current month includes this process's unflushed counts."""
    now = now or timezone.now()
    current = now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    starts = [current]
    for _ in range(months - 1):
        starts.append((starts[-1] - timedelta(days=1)).replace(day=1))
    month = TruncMonth("timestamp", tzinfo=UTC)
    sums = (
        MeterLog.objects.filter(timestamp__gte=starts[-1], name__in=USAGE.values())
        .annotate(month=month)
        .values("month", "name")
        .annotate(total=Sum("value"))
    )
    by_month = {(row["month"], row["name"]): int(row["total"]) for row in sums}
    users = (
        TaskMeterLog.objects.filter(timestamp__gte=starts[-1])
        .annotate(month=month)
        .values("month")
        .annotate(users=Count("assignee_hash", distinct=True))
    )
    users_by_month = {row["month"]: row["users"] for row in users}
    return [
        MonthlyUsage(
            month=start,
            task_users=users_by_month.get(start, 0),
            **{
                key: by_month.get((start, name), 0)
                + (meters.pending(name) if start == current else 0)
                for key, name in USAGE.items()
            },
        )
        for start in starts
    ]
