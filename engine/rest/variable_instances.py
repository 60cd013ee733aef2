"""`/variable-instance`: the variables of running instances, queried across instances
(Camunda's VariableInstanceRestService), with `/{id}` and `/{id}/data`.

The rows are Legato's VariableInstance projection. Legato keeps the task-local variables of a
process task on the token the task waits at; those set through the task (the task service's
local variables, `task.setVariableLocal`) name it, as Camunda's task variables do, and
`taskIdIn` finds them (and a standalone task's, all its own). `caseInstanceIdIn`,
`caseExecutionIdIn` and `batchIdIn` match nothing (no cases, no batch variables). Lists leave
out the variables of instances the caller may not read; `/{id}` of one answers 403, as
Legato's other single resources do (Camunda's authorized query would answer 404, docs/rest.md).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response

from engine import queries
from engine.errors import NotFoundError
from engine.models import Execution, ProcessInstance, Task, VariableInstance
from engine.rest import serializers
from engine.rest.base import (
    SINGLE_VALUE,
    AnyAcceptMixin,
    EngineView,
    deserialize_values,
    readable_instances,
    require_read_instance,
)
from engine.rest.history import apply
from engine.rest.listing import list_views
from engine.rest.params import Kind, ListQuery, Param
from engine.rest.variable_data import binary_response
from engine.rest.variable_filters import (
    IGNORE_CASE_PARAMS,
    IgnoreCase,
    condition_q,
    name_q,
)
from engine.rest.variables import write_stored
from engine.runtime.values import TypedValue
from tasklist.access import visible

S, B, L, V = Kind.STRING, Kind.BOOLEAN, Kind.STRING_LIST, Kind.VARIABLES

VARIABLE_INSTANCE_QUERY = ListQuery(
    filters=(
        Param("variableName", S, "Filter by name."),
        Param("variableNameLike", S, "Name with SQL LIKE (`%` any text, `_` one character)."),
        Param("processInstanceIdIn", L, "Variables of these instances."),
        Param("executionIdIn", L, "Variables of these executions (their own, not inherited)."),
        Param("activityInstanceIdIn", L, "Variables of the scopes of these activity instances."),
        Param("variableScopeIdIn", L, "Variables of these scopes (execution or task ids)."),
        Param("taskIdIn", L, "Variables of these tasks (set through the task, as its own)."),
        Param("caseInstanceIdIn", L, "Case variables (Legato runs no cases: nothing matches)."),
        Param("caseExecutionIdIn", L, "Case variables (Legato runs no cases: nothing matches)."),
        Param("batchIdIn", L, "Batch variables (Legato keeps none: nothing matches)."),
        Param("variableValues", V, "Value conditions `name_op_value,...` (eq, neq, gt, gteq, "
              "lt, lteq, like); the variable must have the name and meet the condition."),
        *IGNORE_CASE_PARAMS,
        Param("tenantIdIn", L, "Variables of instances of these tenants."),
        Param("withoutTenantId", B, "Only variables of instances of no tenant."),
    ),
    sort_fields={
        "variableName": "name",
        "variableType": "type",
        "activityInstanceId": "activity_instance_id",
        "tenantId": "tenant_id",
    },
)

_NONE_HERE = ("caseInstanceIdIn", "caseExecutionIdIn", "batchIdIn")


def filter_variable_instances(request: Request, filters: dict[str, Any]) -> QuerySet[Any]:
    instances = ProcessInstance.objects.filter(
        readable_instances(request, "id", "process_definition__key")
    )
    if "tenantIdIn" in filters:
        instances = instances.filter(process_definition__tenant_id__in=filters["tenantIdIn"])
    if filters.get("withoutTenantId"):
        instances = instances.filter(process_definition__tenant_id__isnull=True)
    # A standalone task's variables have no instance: the task's id names their scope.
    tasks = Task.objects.filter(visible(request.user), process_instance_id__isnull=True)
    rows = VariableInstance.objects.filter(
        Q(process_instance_id__in=instances.values("id"))
        | Q(process_instance_id__isnull=True, execution_id__in=tasks.values("id"))
    )
    if any(filters.get(name) for name in _NONE_HERE):
        rows = rows.none()
    rows = _with_scopes(rows)
    if "taskIdIn" in filters:
        ids = filters["taskIdIn"]
        rows = rows.filter(
            Q(task_id__in=ids) | Q(process_instance_id__isnull=True, execution_id__in=ids)
        )
    ignore_case = IgnoreCase.of(filters)
    if "variableName" in filters:
        rows = rows.filter(name_q(filters["variableName"], ignore_case))
    for condition in filters.get("variableValues", []):
        rows = rows.filter(condition_q(condition, ignore_case))
    if "variableScopeIdIn" in filters:
        # a task's variables have the task as their scope, others their execution
        ids = filters["variableScopeIdIn"]
        rows = rows.filter(Q(task_id__in=ids) | Q(task_id__isnull=True, execution_id__in=ids))
    # A task's variables sit on its token: the task says where Camunda shows them.
    if "executionIdIn" in filters:
        ids = filters["executionIdIn"]
        tasks = Task.objects.filter(execution_id__in=ids).values("id")
        rows = rows.filter(Q(execution_id__in=ids) | Q(task_id__in=tasks))
    if "activityInstanceIdIn" in filters:
        ids = filters["activityInstanceIdIn"]
        scopes = Execution.objects.filter(activity_instance_id__in=ids).values("id")
        tasks = Task.objects.filter(activity_instance_id__in=ids).values("id")
        rows = rows.filter(Q(execution_id__in=scopes) | Q(task_id__in=tasks))
    rows = apply(
        rows,
        filters,
        {"processInstanceIdIn": "process_instance_id__in"},
        {"variableNameLike": "name"},
    )
    # The sort key that lives on another row.
    return rows.annotate(
        tenant_id=Subquery(
            ProcessInstance.objects.filter(pk=OuterRef("process_instance_id")).values(
                "process_definition__tenant_id"
            )
        ),
    )


def _with_scopes(rows: QuerySet[Any]) -> QuerySet[Any]:
    """Each row with the execution Camunda shows it on and that execution's activity instance:
    a task's variable sits on the token the task waits at, the task names both."""
    task = Task.objects.filter(pk=OuterRef("task_id"))
    execution = Execution.objects.filter(pk=OuterRef("execution_id"))
    return rows.annotate(
        shown_execution_id=Coalesce(Subquery(task.values("execution_id")), F("execution_id")),
        activity_instance_id=Coalesce(
            Subquery(task.values("activity_instance_id")),
            Subquery(execution.values("activity_instance_id")),
        ),
    )


def variable_instance_dtos(
    rows: list[VariableInstance], deserialize: bool = True
) -> list[serializers.Dto]:
    """VariableInstanceDto each."""
    instances = {
        instance_id: (definition_id, tenant_id)
        for instance_id, definition_id, tenant_id in ProcessInstance.objects.filter(
            id__in={row.process_instance_id for row in rows}
        ).values_list("id", "process_definition_id", "process_definition__tenant_id")
    }
    dtos = []
    for row in rows:
        definition_id, tenant_id = instances.get(row.process_instance_id, (None, None))
        typed = write_stored(row.type, row.value, _object_type(row), deserialize=deserialize)
        dtos.append(
            {
                "id": row.id,
                "name": row.name,
                "type": typed["type"],
                "value": typed["value"],
                "valueInfo": typed["valueInfo"],
                "processDefinitionId": definition_id,
                "processInstanceId": row.process_instance_id,
                "executionId": row.shown_execution_id if row.process_instance_id else None,
                "caseInstanceId": None,
                "caseExecutionId": None,
                "taskId": row.task_id or (None if row.process_instance_id else row.execution_id),
                "batchId": None,
                "activityInstanceId": row.activity_instance_id,
                "tenantId": tenant_id,
                "errorMessage": None,
            }
        )
    return dtos


def _object_type(row: VariableInstance) -> str | None:
    # The projection keeps no Java class name; the instance state does (Object values only).
    if row.type != "Object":
        return None
    found = queries.get_variables(row.execution_id, local=True).get(row.name)
    return found.object_type if found is not None else None


VariableInstanceList, VariableInstanceCount = list_views(
    VARIABLE_INSTANCE_QUERY, filter_variable_instances, variable_instance_dtos, values=True
)


def _readable_variable(request: Request, variable_id: str) -> VariableInstance:
    row = _with_scopes(VariableInstance.objects.filter(pk=variable_id)).first()
    if row is None:
        # Camunda's wording (AbstractResourceProvider.getResource).
        raise NotFoundError(f"Variable instance with Id '{variable_id}' does not exist.")
    definition_id = (
        ProcessInstance.objects.filter(pk=row.process_instance_id)
        .values_list("process_definition_id", flat=True)
        .first()
    )
    require_read_instance(request, row.process_instance_id, definition_id)
    return row


class VariableInstanceDetail(EngineView):
    """GET /variable-instance/{id}."""

    def get(self, request: Request, variable_id: str) -> Response:
        row = _readable_variable(request, variable_id)
        return Response(variable_instance_dtos([row], deserialize_values(request, SINGLE_VALUE))[0])


class VariableInstanceData(AnyAcceptMixin, EngineView):
    """GET /variable-instance/{id}/data: the content of a Bytes or File variable."""

    def get(self, request: Request, variable_id: str) -> HttpResponse:
        row = _readable_variable(request, variable_id)
        return binary_response(
            TypedValue.from_json({"type": row.type, "value": row.value}), variable_id
        )
