"""The filters of `/history/variable-instance`, `/history/detail` and `/history/user-operation`
that look beyond the row: the instance's definition and its tenant (Legato keeps both on the
historic instance, Camunda on every history row), variable types as Camunda names them, the
`initial` writes of an instance's start. Filters on CMMN cases match nothing (Legato has no
cases)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from engine.models import (
    DetailType,
    HistoricProcessInstance,
    HistoricTaskInstance,
    ProcessDefinition,
)
from engine.rest.params import Kind, Param

S, B, L = Kind.STRING, Kind.BOOLEAN, Kind.STRING_LIST

INSTANCE_TENANT_PARAMS = (
    Param("tenantIdIn", L, "Of instances of definitions of these tenants."),
    Param("withoutTenantId", B, "Only of instances of definitions of no tenant (and of "
          "standalone tasks)."),
)
VARIABLE_CASE_PARAMS = (
    Param("caseInstanceId", S, "No variable matches: Legato has no CMMN cases."),
    Param("caseExecutionIdIn", L, "No variable matches: Legato has no CMMN cases."),
    Param("caseActivityIdIn", L, "No variable matches: Legato has no CMMN cases."),
)
DETAIL_CASE_PARAMS = (
    Param("caseInstanceId", S, "No detail matches: Legato has no CMMN cases."),
    Param("caseExecutionId", S, "No detail matches: Legato has no CMMN cases."),
)
OPERATION_CASE_PARAMS = tuple(
    Param(name, S, "No entry matches: Legato has no CMMN cases.")
    for name in ("caseDefinitionId", "caseInstanceId", "caseExecutionId")
)
# "All non-primitive variables are associated with the type 'serializable'" (Camunda's
# variableTypeIn): Legato names that type Object.
_TYPE_ALIASES = {"serializable": "object"}


def of_cases(filters: dict[str, Any], params: Iterable[Param]) -> bool:
    """Whether the request filters by a CMMN case (then nothing matches)."""
    return any(param.name in filters for param in params)


def of_types(rows: QuerySet[Any], types: list[str]) -> QuerySet[Any]:
    """`variableTypeIn` on rows with a `type` column: Camunda compares `lower(VAR_TYPE_)`
    with the lowered names."""
    wanted = sorted({_TYPE_ALIASES.get(name.lower(), name.lower()) for name in types})
    return rows.alias(lowered_type=Lower("type")).filter(lowered_type__in=wanted)


def instance_tenant_q(filters: dict[str, Any]) -> Q:
    """`tenantIdIn` / `withoutTenantId` by the tenant of the row's instance's definition;
    a row of no instance (a standalone task's variable, its scope the task's id) belongs to
    the task's own tenant, or to none."""
    condition = Q()
    definitions = ProcessDefinition.objects.values("id")
    instances = HistoricProcessInstance.objects.values("id")
    tasks = HistoricTaskInstance._base_manager.filter(process_definition_id__isnull=True)
    if "tenantIdIn" in filters:
        chosen = definitions.filter(tenant_id__in=filters["tenantIdIn"])
        held = tasks.filter(tenant_id__in=filters["tenantIdIn"]).values("id")
        condition &= Q(process_instance_id__in=instances.filter(process_definition_id__in=chosen)
                       ) | Q(process_instance_id__isnull=True, execution_id__in=held)
    if filters.get("withoutTenantId"):
        untenanted = definitions.filter(tenant_id__isnull=True)
        held = tasks.filter(tenant_id__isnull=False).values("id")
        condition &= (Q(process_instance_id__isnull=True) & ~Q(execution_id__in=held)) | Q(
            process_instance_id__in=instances.filter(process_definition_id__in=untenanted)
        )
    return condition


def instance_definition_q(filters: dict[str, Any]) -> Q:
    """`processDefinitionId` / `processDefinitionKey` by the row's instance's definition."""
    condition = Q()
    instances = HistoricProcessInstance.objects.values("id")
    if "processDefinitionId" in filters:
        ids = instances.filter(process_definition_id=filters["processDefinitionId"])
        condition &= Q(process_instance_id__in=ids)
    if "processDefinitionKey" in filters:
        keyed = instances.filter(process_definition_key=filters["processDefinitionKey"])
        condition &= Q(process_instance_id__in=keyed)
    return condition


# Filters only a variable update can pass: Camunda's form fields have no variable type
# (VAR_TYPE_ is null, in no list) and no variable instance (`initial`: see `initial_q`).
_VARIABLE_UPDATE_ONLY = ("variableTypeIn", "variableInstanceId")


def detail_type_q(filters: dict[str, Any]) -> Q:
    """Camunda's `formFields` / `variableUpdates`: either, given with any value, selects its
    type of detail; given both, `variableUpdates` wins (HistoricDetailQueryDto.applyFilters
    calls it later, and the query keeps the last type)."""
    if any(name in filters for name in ("variableUpdates", *_VARIABLE_UPDATE_ONLY)):
        return Q(detail_type=DetailType.VARIABLE_UPDATE)
    if "formFields" in filters:
        return Q(detail_type=DetailType.FORM_FIELD)
    return Q()


def initial_q() -> Q:
    """Camunda's `initial` details: the first value of a variable created while its instance
    started (DefaultHistoryEventProducer: VARIABLE_INSTANCE_CREATE, sequence counter 1, the
    instance starting). Legato's start command writes these on the instance's own scope at
    the instance's start time, as restart's `initialVariables` reads them
    (engine.queries.history.initial_variables)."""
    started = HistoricProcessInstance.objects.filter(
        pk=OuterRef("process_instance_id"), start_time=OuterRef("time")
    )
    first = Q(revision=0, deleted=False, execution_id=F("process_instance_id"))
    return first & Q(detail_type=DetailType.VARIABLE_UPDATE) & Q(Exists(started))


def is_initial(row: Any, start_times: dict[str, datetime]) -> bool:
    """`initial` of one detail row, as `initial_q` selects it."""
    return bool(
        row.detail_type == DetailType.VARIABLE_UPDATE
        and row.revision == 0
        and not row.deleted
        and row.process_instance_id
        and row.execution_id == row.process_instance_id
        and start_times.get(row.process_instance_id) == row.time
    )
