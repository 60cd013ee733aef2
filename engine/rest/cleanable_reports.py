"""`/history/process-definition/cleanable-process-instance-report` and
`/history/decision-definition/cleanable-decision-instance-report` (with `/count`): per
definition, how many finished instances history holds and how many of them the history
cleanup would remove now (identity/cleanup.py decides which). Only definitions the caller
may READ and READ_HISTORY, as Camunda's reports."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from rest_framework.request import Request

from engine.models import (
    DecisionDefinition,
    HistoricDecisionInstance,
    HistoricProcessInstance,
    ProcessDefinition,
)
from engine.rest import serializers
from engine.rest.listing import list_views
from engine.rest.params import Kind, ListQuery, Param, tenant_filter
from identity.authorization import Permission, Resource, readable_ids
from identity.cleanup import expired_decisions_q, expired_instances_q

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


def _count(rows: QuerySet[Any], field: str) -> Any:
    """The number of `rows` per definition, as a subquery on the definition row."""
    counted = (
        rows.filter(**{field: OuterRef("id")}).order_by().values(field)
        .annotate(n=Count("*")).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


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
    finished = HistoricProcessInstance.objects.filter(end_time__isnull=False)
    rows = ProcessDefinition.objects.annotate(
        finished=_count(finished, "process_definition_id"),
        cleanable=_count(finished.filter(expired_instances_q(timezone.now())),
                         "process_definition_id"),
    )
    return _report(request, rows, Resource.PROCESS_DEFINITION, "process", filters)


def filter_decision_report(request: Request, filters: dict[str, Any]) -> QuerySet[Any]:
    # Decision instances of a process go with their process instance; the cleanup removes
    # by the decision's own time to live only the roots evaluated over REST.
    evaluated = HistoricDecisionInstance.objects.all()
    rows = DecisionDefinition.objects.annotate(
        finished=_count(evaluated, "decision_definition_id"),
        cleanable=_count(evaluated.filter(expired_decisions_q(timezone.now())),
                         "decision_definition_id"),
    )
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
