"""`/metrics`: execution metrics as Camunda's MetricsRestService serves them.

`GET /metrics/{name}/sum` answers `{"result": n}` for any name (an unknown one sums to 0, as
in Camunda, which does not check names); `unique-task-workers` and `task-users` count distinct
assignees. `GET /metrics` answers interval buckets, newest first. Reading needs READ on the
System resource (Camunda checks nothing here; every Legato endpoint checks a permission),
deleting task metrics DELETE on it, as Camunda's deleteTaskMetrics.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from engine.metrics import queries
from engine.rest.base import EngineView
from engine.rest.dates import format_date, parse_date
from engine.rest.errors import CamundaError
from engine.rest.params import Kind, Param, first_value, invalid_request
from identity.authorization import require
from identity.resources import Permission, Resource

SUM_PARAMS = (
    Param("startDate", Kind.DATE, "The start date (inclusive)."),
    Param("endDate", Kind.DATE, "The end date (exclusive)."),
)
INTERVAL_PARAMS = (
    Param("name", description="The name of the metric (or its alias, e.g. flow-node-instances)."),
    Param("reporter", description="Only what this reporter logged."),
    *SUM_PARAMS,
    Param("firstResult", Kind.INTEGER, "The index of the first result."),
    Param("maxResults", Kind.INTEGER, "The most results, at most 200 (default 200)."),
    Param("interval", Kind.INTEGER, "Seconds per bucket (default 900)."),
    Param("aggregateByReporter", description="Present (any value): one bucket for all "
          "reporters, reporter null."),
)
DELETE_PARAMS = (Param("date", Kind.DATE, "Delete task metrics up to this date (default: all)."),)


def _java_type(kind: Kind) -> str:
    return {Kind.DATE: "java.util.Date", Kind.INTEGER: "java.lang.Integer"}.get(
        kind, "java.lang.String"
    )


def _date(request: Request, name: str) -> datetime | None:
    raw = first_value(request.query_params, name)
    if raw is None:
        return None
    try:
        return parse_date(raw)
    except ValueError:
        # Camunda's DateConverter wording (JacksonAwareStringToTypeConverter.mapToType).
        raise invalid_request(
            f'Cannot convert value "{raw}" to java type {_java_type(Kind.DATE)}'
        ) from None


def _number(request: Request, name: str, java_type: str, bits: int) -> int | None:
    raw = first_value(request.query_params, name)
    if raw is None:
        return None
    try:
        value = int(raw.strip())
    except ValueError:
        value = None
    if value is None or not -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
        raise invalid_request(f"Cannot convert value {raw} to java type {java_type}")
    return value


class MetricSum(EngineView):
    """GET /metrics/{metrics-name}/sum."""

    def get(self, request: Request, metrics_name: str) -> Response:
        require(request.user, Permission.READ, Resource.SYSTEM)
        start, end = _date(request, "startDate"), _date(request, "endDate")
        return Response({"result": queries.sum_metric(metrics_name, start, end)})


class MetricIntervals(EngineView):
    """GET /metrics: sums per interval, newest first."""

    def get(self, request: Request) -> Response:
        require(request.user, Permission.READ, Resource.SYSTEM)
        params = request.query_params
        start, end = _date(request, "startDate"), _date(request, "endDate")
        first = _number(request, "firstResult", "java.lang.Integer", 32)
        most = _number(request, "maxResults", "java.lang.Integer", 32)
        interval = _number(request, "interval", "java.lang.Long", 64)
        if most is not None and most > queries.MAX_RESULTS:
            # Camunda's MetricsQueryImpl.setMaxResults refuses it with a ProcessEngineException.
            raise CamundaError(
                400,
                "ProcessEngineException",
                "Metrics interval query row limit can't be set larger than "
                f"{queries.MAX_RESULTS}.",
            )
        # Buckets are counted in milliseconds on a 64-bit column: keep interval * 1000 in it.
        if interval is not None and not 0 < interval <= queries.MAX_INTERVAL:
            raise invalid_request(f"Cannot set query parameter 'interval' to value '{interval}'")
        if (first is not None and first < 0) or (most is not None and most < 0):
            raise invalid_request("firstResult and maxResults must not be negative")
        name = first_value(params, "name")
        values = queries.interval_values(
            name=name,
            reporter=first_value(params, "reporter"),
            start=start,
            end=end,
            interval=interval or queries.DEFAULT_INTERVAL,
            offset=first or 0,
            limit=queries.MAX_RESULTS if most is None else most,
            # Camunda aggregates whenever the parameter is present, whatever its value.
            aggregate_by_reporter=first_value(params, "aggregateByReporter") is not None,
        )
        return Response([_interval_dto(value) for value in values])


def _interval_dto(value: queries.IntervalValue) -> dict[str, Any]:
    return {
        "timestamp": format_date(value.timestamp),
        "name": value.name,
        "reporter": value.reporter,
        "value": value.value,
    }


class TaskWorkerMetrics(EngineView):
    """DELETE /metrics/task-worker: remove task metrics up to `date`, or all."""

    def delete(self, request: Request) -> Response:
        require(request.user, Permission.DELETE, Resource.SYSTEM)
        queries.delete_task_metrics(_date(request, "date"))
        return Response(status=204)
