"""`/history/process-instance/report` and `/history/task/report` (Camunda's history
reports): durations per month or quarter, completed tasks counted; JSON, and the duration
report also as Camunda's CSV. Both need READ_HISTORY on every process definition, as
Camunda's report commands check."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response

from engine.queries import reports
from engine.rest.base import AnyAcceptMixin, EngineView
from engine.rest.params import Kind, ListQuery, Param, invalid_request
from identity.authorization import ANY, Permission, require
from identity.resources import Resource

S, D, L = Kind.STRING, Kind.DATE, Kind.STRING_LIST

INSTANCE_REPORT_QUERY = ListQuery(
    filters=(
        Param("reportType", S, "`duration` (required)."),
        Param("periodUnit", S, "`month` or `quarter` (required)."),
        Param("processDefinitionIdIn", L, "Comma-separated definition ids."),
        Param("processDefinitionKeyIn", L, "Comma-separated definition keys."),
        Param("startedBefore", D, "Instances started before this date."),
        Param("startedAfter", D, "Instances started after this date."),
    ),
    sort_fields={},
)
TASK_REPORT_QUERY = ListQuery(
    filters=(
        Param("reportType", S, "`count` or `duration` (required)."),
        Param("periodUnit", S, "`month` or `quarter` (required for `duration`)."),
        Param("groupBy", S, "`taskName` or `processDefinition` (required for `count`)."),
        Param("completedBefore", D, "Tasks completed before this date."),
        Param("completedAfter", D, "Tasks completed after this date."),
    ),
    sort_fields={},
)


def csv_response(request: Request, header: str, lines: list[str], filename: str) -> Any:
    """Camunda's CSV for `Accept: text/csv` or `application/csv`; None when JSON is wanted."""
    accept = request.headers.get("Accept", "")
    csv_type = next((t for t in ("text/csv", "application/csv") if t in accept), None)
    if csv_type is None:
        return None
    response = HttpResponse("\n".join([header, *lines]), content_type=csv_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _report_type(filters: dict[str, Any], allowed: tuple[str, ...]) -> str:
    kind = filters.get("reportType")
    if kind not in allowed:
        raise invalid_request(
            f"Unknown report type {kind}: 'reportType' must be one of {', '.join(allowed)}"
        )
    return kind


def _period_unit(filters: dict[str, Any]) -> str:
    unit = filters.get("periodUnit")
    if unit not in reports.PERIOD_UNITS:
        raise invalid_request(
            f"Cannot set query parameter 'periodUnit' to value '{unit}': month or quarter"
        )
    return unit


def duration_dtos(rows: list[reports.DurationRow]) -> list[dict[str, Any]]:
    """DurationReportResultDto each."""
    return [
        {"period": r.period, "periodUnit": r.period_unit, "minimum": r.minimum,
         "maximum": r.maximum, "average": r.average}
        for r in rows
    ]


class HistoricProcessInstanceReport(AnyAcceptMixin, EngineView):
    """GET /history/process-instance/report?reportType=duration&periodUnit=month|quarter."""

    def get(self, request: Request) -> Any:
        filters = INSTANCE_REPORT_QUERY.parse_filters(request.query_params)
        _report_type(filters, ("duration",))
        unit = _period_unit(filters)
        require(request.user, Permission.READ_HISTORY, Resource.PROCESS_DEFINITION, ANY)
        rows = reports.instance_durations(
            unit,
            definition_ids=filters.get("processDefinitionIdIn"),
            keys=filters.get("processDefinitionKeyIn"),
            started_after=filters.get("startedAfter"),
            started_before=filters.get("startedBefore"),
        )
        lines = [
            f"{r.period},{r.period_unit},{r.minimum},{r.maximum},{r.average}" for r in rows
        ]
        return csv_response(
            request, "PERIOD,PERIOD_UNIT,MINIMUM,MAXIMUM,AVERAGE", lines,
            "process-instance-report.csv",
        ) or Response(duration_dtos(rows))


class HistoricTaskInstanceReport(EngineView):
    """GET /history/task/report?reportType=count&groupBy=... or reportType=duration."""

    def get(self, request: Request) -> Response:
        filters = TASK_REPORT_QUERY.parse_filters(request.query_params)
        kind = _report_type(filters, ("count", "duration"))
        unit = _period_unit(filters) if kind == "duration" else None
        group_by = filters.get("groupBy")
        if kind == "count" and group_by not in reports.TASK_GROUPINGS:
            raise invalid_request(
                f"Cannot set query parameter 'groupBy' to value '{group_by}': taskName or "
                "processDefinition"
            )
        require(request.user, Permission.READ_HISTORY, Resource.PROCESS_DEFINITION, ANY)
        dates = {
            "completed_after": filters.get("completedAfter"),
            "completed_before": filters.get("completedBefore"),
        }
        if unit is not None:
            return Response(duration_dtos(reports.task_durations(unit, **dates)))
        return Response([
            {"count": r.count, "taskName": r.task_name,
             "processDefinitionId": r.process_definition_id,
             "processDefinitionKey": r.process_definition_key,
             "processDefinitionName": r.process_definition_name, "tenantId": r.tenant_id}
            for r in reports.completed_task_counts(group_by, **dates)
        ])
