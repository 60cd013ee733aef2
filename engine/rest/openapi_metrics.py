"""OpenAPI operations and DTO schemas of `/metrics` (engine/rest/metrics.py)."""

from __future__ import annotations

from typing import Any

from engine.rest import metrics
from engine.rest.openapi_runtime import _ERROR, _NO_CONTENT, _array_of, _json, _ref, dto

Schema = dict[str, Any]

METRICS_SCHEMAS: dict[str, Schema] = {
    "MetricsResultDto": dto("result:I"),
    "MetricsIntervalResultDto": dto("timestamp:d name:S reporter:s value:I"),
}

METRICS_PATH_PARAMETER_NAMES = {"metrics_name": "metrics-name"}


def operations() -> list[Any]:
    from engine.rest.openapi import Operation

    errors = {"400": _ERROR, "403": _ERROR}
    return [
        Operation(
            "metrics/<str:metrics_name>/sum",
            "get",
            "getMetrics",
            "The sum of a metric (task users: distinct assignees) between two dates",
            {"200": _json(_ref("MetricsResultDto")), **errors},
            parameters=metrics.SUM_PARAMS,
        ),
        Operation(
            "metrics",
            "get",
            "interval",
            "Metrics summed per interval, newest first",
            {"200": _json(_array_of("MetricsIntervalResultDto")), **errors},
            parameters=metrics.INTERVAL_PARAMS,
        ),
        Operation(
            "metrics/task-worker",
            "delete",
            "deleteTaskMetrics",
            "Delete task worker metrics up to a date, or all",
            {**_NO_CONTENT, **errors},
            parameters=metrics.DELETE_PARAMS,
        ),
    ]
