"""OpenAPI operations of `/history/cleanup` (engine/rest/history_cleanup.py)."""

from __future__ import annotations

from typing import Any

from engine.rest.openapi_runtime import _ERROR, _array_of, _json, _ref, dto
from engine.rest.params import Kind, Param

Schema = dict[str, Any]

CLEANUP_SCHEMAS: dict[str, Schema] = {
    # Camunda's date format ("2026-11-26T22:00:00.000+0000") is no RFC 3339 date-time.
    "HistoryCleanupConfigurationDto": dto("batchWindowStartTime:s batchWindowEndTime:s enabled:b"),
}


def operations() -> list[Any]:
    from engine.rest.openapi import Operation

    job = {"200": _json(_ref("JobDto")), "404": _ERROR}
    return [
        Operation(
            "history/cleanup",
            "post",
            "cleanupAsync",
            "Run the history cleanup job now, or at the next window (camunda-admin only)",
            {"200": _json(_ref("JobDto")), "400": _ERROR, "403": _ERROR},
            parameters=(
                Param("immediatelyDue", Kind.BOOLEAN, "Now (default) or at the next window."),
            ),
        ),
        Operation("history/cleanup/job", "get", "findCleanupJob",
                  "The history cleanup job (deprecated: /jobs)", job),
        Operation("history/cleanup/jobs", "get", "findCleanupJobs",
                  "The history cleanup jobs", {**job, "200": _json(_array_of("JobDto"))}),
        Operation(
            "history/cleanup/configuration",
            "get",
            "getHistoryCleanupConfiguration",
            "The cleanup window in effect now or next (nulls: any time)",
            {"200": _json(_ref("HistoryCleanupConfigurationDto"))},
        ),
    ]
