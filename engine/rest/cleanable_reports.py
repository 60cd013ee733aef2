"""`/history/process-definition/cleanable-process-instance-report` and
`/history/decision-definition/cleanable-decision-instance-report` (with `/count`): per
definition, how many finished instances history holds and how many of them the history
cleanup would remove now (identity/cleanup.py decides which). Only definitions the caller
may READ and READ_HISTORY, as Camunda's reports. And `/history/batch/cleanable-batch-report`
(with `/count`): the same per batch type, over the batches the caller may read in history."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from batches.history import CleanableBatches, cleanable_report
from batches.models import Batch
from batches.services import readable_batches
from engine.rest import serializers
from engine.rest.base import EngineView
from engine.rest.listing import list_views
from engine.rest.params import Kind, ListQuery, Param, tenant_filter
from identity.authorization import Permission, Resource, readable_ids
from identity.cleanup import cleanable_decision_definitions, cleanable_process_definitions

B, L = Kind.BOOLEAN, Kind.STRING_LIST


def _query(kind: str) -> ListQuery:
    return ListQuery(
        filters=(
            Param(f"{kind}DefinitionIdIn", L, "Comma-separated definition ids."),
            Param(f"{kind}DefinitionKeyIn", L, "Comma-separated definition keys."),
            Param("tenantIdIn", L, "Comma-separated tenant ids."),
            Param("withoutTenantId", B, "Only definitions of no tenant."),
            Param("compact", B, "Leave out definitions with no finished instance."),
        ),
        sort_fields={"finished": "finished"},
        default_order=("key", "version"),
    )


PROCESS_REPORT_QUERY = _query("process")
DECISION_REPORT_QUERY = _query("decision")


def _report(
    request: Request, rows: QuerySet[Any], resource: int, kind: str, filters: dict[str, Any]
) -> QuerySet[Any]:
    for permission in (Permission.READ, Permission.READ_HISTORY):
        rows = rows.filter(readable_ids(request.user, resource, permission).q("key"))
    if f"{kind}DefinitionIdIn" in filters:
        rows = rows.filter(id__in=filters[f"{kind}DefinitionIdIn"])
    if f"{kind}DefinitionKeyIn" in filters:
        rows = rows.filter(key__in=filters[f"{kind}DefinitionKeyIn"])
    tenants = tenant_filter(filters, without_tenant="withoutTenantId",
                            include_without_tenant="includeDefinitionsWithoutTenantId")
    if tenants is not None:
        rows = rows.filter(tenants)
    if filters.get("compact"):
        rows = rows.filter(finished__gt=0)
    return rows


def filter_process_report(request: Request, filters: dict[str, Any]) -> QuerySet[Any]:
    rows = cleanable_process_definitions(timezone.now())
    return _report(request, rows, Resource.PROCESS_DEFINITION, "process", filters)


def filter_decision_report(request: Request, filters: dict[str, Any]) -> QuerySet[Any]:
    rows = cleanable_decision_definitions(timezone.now())
    return _report(request, rows, Resource.DECISION_DEFINITION, "decision", filters)


def _dtos(kind: str, noun: str) -> Any:
    def dtos(rows: list[Any]) -> list[serializers.Dto]:
        return [
            {
                f"{kind}DefinitionId": row.id,
                f"{kind}DefinitionKey": row.key,
                f"{kind}DefinitionName": row.name,
                f"{kind}DefinitionVersion": row.version,
                "historyTimeToLive": row.history_time_to_live,
                f"finished{noun}InstanceCount": row.finished,
                f"cleanable{noun}InstanceCount": row.cleanable,
                "tenantId": row.tenant_id,
            }
            for row in rows
        ]

    return dtos


ProcessReportList, ProcessReportCount = list_views(
    PROCESS_REPORT_QUERY, filter_process_report, _dtos("process", "Process"), post=False
)
DecisionReportList, DecisionReportCount = list_views(
    DECISION_REPORT_QUERY, filter_decision_report, _dtos("decision", "Decision"), post=False
)


BATCH_REPORT_QUERY = ListQuery(filters=(), sort_fields={"finished": "finished"})


def _batch_report(request: Request) -> tuple[list[CleanableBatches], Any]:
    """The report's lines for the batches the caller may read in history, and the query."""
    query = BATCH_REPORT_QUERY.parse(request.query_params, None)
    finished = Batch.objects.filter(readable_batches(request.user, Permission.READ_HISTORY))
    return cleanable_report(finished, timezone.now()), query


class BatchReportList(EngineView):
    """GET /history/batch/cleanable-batch-report: per batch type, the finished batches in
    history and those the history cleanup would remove now (batches/history.py)."""

    def get(self, request: Request) -> Response:
        lines, query = _batch_report(request)
        if query.order_by:  # sortBy=finished, with sortOrder
            lines.sort(key=lambda line: line.finished, reverse=query.order_by[0].startswith("-"))
        return Response([
            {
                "batchType": line.batch_type,
                "historyTimeToLive": line.history_time_to_live,
                "finishedBatchesCount": line.finished,
                "cleanableBatchesCount": line.cleanable,
            }
            for line in query.page.apply(lines)  # type: ignore[arg-type]
        ])


class BatchReportCount(EngineView):
    """GET /history/batch/cleanable-batch-report/count."""

    def get(self, request: Request) -> Response:
        return Response(serializers.count_dto(len(_batch_report(request)[0])))
