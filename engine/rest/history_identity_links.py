"""`/history/identity-link-log`: every candidate user or group, assignee and owner a task got
or lost, and who made the change (written at history level full, engine/store/identity_links.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.request import Request

from engine.models import HistoricIdentityLinkLog, ProcessDefinition
from engine.rest import serializers
from engine.rest.base import readable_history
from engine.rest.dates import format_date
from engine.rest.history import apply, tenants_of
from engine.rest.instance_roots import roots_of
from engine.rest.listing import list_views
from engine.rest.params import Kind, ListQuery, Param
from identity.authorization import Resource, readable_ids

S, B, D, L = Kind.STRING, Kind.BOOLEAN, Kind.DATE, Kind.STRING_LIST

IDENTITY_LINK_LOG_QUERY = ListQuery(
    filters=(
        Param("type", S, "`candidate`, `assignee` or `owner`."),
        Param("userId", S, "Entries about this user."),
        Param("groupId", S, "Entries about this group."),
        Param("dateBefore", D, "Entries before this date."),
        Param("dateAfter", D, "Entries after this date."),
        Param("taskId", S, "Entries of this task."),
        Param("processDefinitionId", S, "Entries of tasks of this definition."),
        Param("processDefinitionKey", S, "Entries of tasks of definitions with this key."),
        Param("operationType", S, "`add` or `delete`."),
        Param("assignerId", S, "Entries of changes this user made."),
        Param("tenantIdIn", L, "Comma-separated tenant ids."),
        Param("withoutTenantId", B, "Only entries of no tenant."),
    ),
    sort_fields={
        "time": "timestamp",
        "type": "type",
        "userId": "user_id",
        "groupId": "group_id",
        "taskId": "task_id",
        "processDefinitionId": "process_definition_id",
        "processDefinitionKey": "process_definition_key",
        "operationType": "operation_type",
        "assignerId": "assigner_id",
    },
)

_EXACT = {
    "type": "type",
    "userId": "user_id",
    "groupId": "group_id",
    "dateBefore": "timestamp__lt",
    "dateAfter": "timestamp__gt",
    "taskId": "task_id",
    "processDefinitionId": "process_definition_id",
    "processDefinitionKey": "process_definition_key",
    "operationType": "operation_type",
    "assignerId": "assigner_id",
}


def filter_identity_link_log(request: Request, filters: dict[str, Any]) -> QuerySet[Any]:
    # READ_HISTORY on the definition, or READ on the historic task (a standalone task's way).
    tasks = readable_ids(request.user, Resource.HISTORIC_TASK).q("task_id")
    rows = HistoricIdentityLinkLog.objects.filter(
        readable_history(request, "process_definition_key", tasks)
    )
    rows = apply(rows, filters, _EXACT)
    with_tenant = ProcessDefinition.objects.exclude(tenant_id=None).values("id")
    if "tenantIdIn" in filters:
        rows = rows.filter(process_definition_id__in=ProcessDefinition.objects.filter(
            tenant_id__in=filters["tenantIdIn"]).values("id"))
    if filters.get("withoutTenantId"):
        rows = rows.exclude(process_definition_id__in=with_tenant)
    return rows


def identity_link_log_dtos(rows: list[HistoricIdentityLinkLog]) -> list[serializers.Dto]:
    """HistoricIdentityLinkLogDto each."""
    tenants = tenants_of([r.process_definition_id for r in rows])
    roots = roots_of(rows)
    return [
        {
            "id": str(row.id),
            "time": format_date(row.timestamp),
            "type": row.type,
            "userId": row.user_id,
            "groupId": row.group_id,
            "taskId": row.task_id,
            "processDefinitionId": row.process_definition_id,
            "processDefinitionKey": row.process_definition_key,
            "operationType": row.operation_type,
            "assignerId": row.assigner_id,
            "tenantId": tenants.get(row.process_definition_id or ""),
            "removalTime": None,
            "rootProcessInstanceId": roots.get(row.process_instance_id or ""),
        }
        for row in rows
    ]


IdentityLinkLogList, IdentityLinkLogCount = list_views(
    IDENTITY_LINK_LOG_QUERY, filter_identity_link_log, identity_link_log_dtos, post=False
)
