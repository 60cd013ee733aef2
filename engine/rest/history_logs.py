"""`/history/variable-instance`, `/history/detail`, `/history/user-operation`; the incident
list lives in engine.rest.history_incidents, the job and external task logs in
engine.rest.history_job_logs.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response

from engine.errors import NotFoundError
from engine.models import DetailType, HistoricDetail, HistoricVariableInstance, UserOperationLog
from engine.models.tenancy import visible_definitions
from engine.rest import serializers
from engine.rest.base import (
    AnyAcceptMixin,
    EngineView,
    definition_key,
    deserialize_values,
    json_body,
    readable_history,
    user_id,
)
from engine.rest.dates import format_date
from engine.rest.history import apply, require_history, tenants_of

# The URL table and the OpenAPI document name the incident views and query here.
from engine.rest.history_incidents import HISTORIC_INCIDENT_QUERY as HISTORIC_INCIDENT_QUERY
from engine.rest.history_incidents import HistoricIncidentCount as HistoricIncidentCount
from engine.rest.history_incidents import HistoricIncidentList as HistoricIncidentList
from engine.rest.history_log_filters import (
    DETAIL_CASE_PARAMS,
    INSTANCE_TENANT_PARAMS,
    OPERATION_CASE_PARAMS,
    VARIABLE_CASE_PARAMS,
    detail_type_q,
    initial_q,
    instance_definition_q,
    instance_tenant_q,
    is_initial,
    of_cases,
    of_types,
)
from engine.rest.instance_roots import roots_of
from engine.rest.listing import list_views
from engine.rest.params import Kind, ListQuery, Param, invalid_request, like
from engine.rest.variable_data import binary_response
from engine.rest.variable_filters import (
    IGNORE_CASE_PARAMS,
    IgnoreCase,
    VariableCondition,
    condition_q,
    name_q,
    read_text,
)
from engine.rest.variables import write_stored
from engine.runtime.values import TypedValue
from engine.services.history_deletion import (
    delete_historic_variable,
    delete_historic_variables_of_instance,
)
from engine.services.oplog import set_operation_annotation
from identity.authorization import Resource, readable_ids

S, B, N, D, L = Kind.STRING, Kind.BOOLEAN, Kind.INTEGER, Kind.DATE, Kind.STRING_LIST


# -- variables -----------------------------------------------------------------------------

HISTORIC_VARIABLE_QUERY = ListQuery(
    filters=(
        Param("variableName", S, "Filter by name."),
        Param("variableNameLike", S, "Name with SQL LIKE."),
        Param("variableNameIn", L, "Variables with one of these names."),
        Param("variableTypeIn", L, "Variables of one of these types, any case (Object is "
              "also 'serializable')."),
        Param("processInstanceId", S, "Variables of this instance."),
        Param("processInstanceIdIn", L, "Variables of these instances."),
        Param("processDefinitionId", S, "Variables of instances of this definition."),
        Param("processDefinitionKey", S, "Variables of instances of definitions with this key."),
        Param("executionIdIn", L, "Variables of these executions."),
        Param("taskIdIn", L, "Variables of these tasks."),
        Param("activityInstanceIdIn", L, "Variables of these activity instances."),
        Param("includeDeleted", B, "Also deleted variables."),
        Param("variableValue", S, "Variables of `variableName` equal to this value (a number, "
              "boolean or string)."),
        *IGNORE_CASE_PARAMS,
        *INSTANCE_TENANT_PARAMS,
        *VARIABLE_CASE_PARAMS,
    ),
    sort_fields={"instanceId": "process_instance_id", "variableName": "name"},
)


def filter_historic_variables(request: Request, filters: dict[str, Any]) -> QuerySet[Any]:
    readable = readable_ids(request.user, Resource.HISTORIC_PROCESS_INSTANCE).q(
        "process_instance_id"
    )
    rows = HistoricVariableInstance.objects.all()
    if not filters.get("includeDeleted"):
        rows = rows.exclude(state="DELETED")
    # A standalone task's variables have no instance; the task's id names their scope.
    standalone = Q(process_instance_id__isnull=True) & readable_ids(
        request.user, Resource.HISTORIC_TASK
    ).q("execution_id")
    rows = rows.filter(
        Q(process_instance_id__in=_readable_instance_ids(request)) | readable | standalone
    )
    if of_cases(filters, VARIABLE_CASE_PARAMS):
        return rows.none()
    rows = rows.filter(
        _name_and_value(filters), instance_definition_q(filters), instance_tenant_q(filters)
    )
    if "variableNameLike" in filters:
        # Camunda applies variableNamesIgnoreCase to the pattern as well.
        ignore_case = IgnoreCase.of(filters).names
        rows = rows.filter(like("name", filters["variableNameLike"], ignore_case=ignore_case))
    if "variableTypeIn" in filters:
        rows = of_types(rows, filters["variableTypeIn"])
    if "taskIdIn" in filters:
        ids = filters["taskIdIn"]
        rows = rows.filter(
            Q(task_id__in=ids) | Q(process_instance_id__isnull=True, execution_id__in=ids)
        )
    if "executionIdIn" in filters:
        rows = rows.filter(_of_executions(filters["executionIdIn"]))
    return apply(
        rows,
        filters,
        {
            "processInstanceId": "process_instance_id",
            "processInstanceIdIn": "process_instance_id__in",
            "activityInstanceIdIn": "activity_instance_id__in",
            "variableNameIn": "name__in",
        },
    )


def _name_and_value(filters: dict[str, Any]) -> Q:
    ignore_case = IgnoreCase.of(filters)
    name = filters.get("variableName")
    if "variableValue" not in filters:
        return Q() if name is None else name_q(name, ignore_case)
    if name is None:
        # Camunda's wording (HistoricVariableInstanceQueryDto.applyFilters).
        raise invalid_request(
            "Only a single variable value parameter specified: variable name and value are "
            "required to be able to query after a specific variable value."
        )
    value = read_text(filters["variableValue"])
    return condition_q(VariableCondition(name, "eq", value), ignore_case)


def _readable_instance_ids(request: Request) -> Any:
    from engine.models import HistoricProcessInstance

    return HistoricProcessInstance.objects.filter(
        readable_history(request, "process_definition_key")
    ).values("id")


def _definition_of(instance_ids: list[str]) -> dict[str, str]:
    from engine.models import HistoricProcessInstance

    return dict(
        HistoricProcessInstance.objects.filter(id__in=set(instance_ids)).values_list(
            "id", "process_definition_id"
        )
    )


def _start_times(instance_ids: list[str | None]) -> dict[str, Any]:
    from engine.models import HistoricProcessInstance

    ids = {i for i in instance_ids if i}
    return dict(HistoricProcessInstance.objects.filter(id__in=ids).values_list("id", "start_time"))


def _task_executions(rows: list[Any]) -> dict[str, str]:
    """The execution of each task that set some of `rows` as its own: Legato keeps a task's
    variables on the token it waits at, Camunda shows them on the task's execution."""
    from engine.models import HistoricTaskInstance

    ids = {r.task_id for r in rows if r.task_id and r.process_instance_id}
    if not ids:
        return {}
    return dict(HistoricTaskInstance.objects.filter(id__in=ids).values_list("id", "execution_id"))


def _of_executions(ids: list[str]) -> Q:
    """Rows of these executions, a task's own variables by the task's execution."""
    from engine.models import HistoricTaskInstance

    tasks = HistoricTaskInstance.objects.filter(execution_id__in=ids).values("id")
    return Q(execution_id__in=ids) | Q(task_id__in=tasks)


def historic_variable_dtos(
    rows: list[HistoricVariableInstance], deserialize: bool = True
) -> list[serializers.Dto]:
    """HistoricVariableInstanceDto each."""
    definitions = _definition_of([r.process_instance_id for r in rows])
    roots = roots_of(rows)
    task_executions = _task_executions(rows)
    tenants = tenants_of(list(definitions.values()))
    dtos = []
    for row in rows:
        definition_id = definitions.get(row.process_instance_id)
        typed = write_stored(
            row.type, row.value, row.object_type_name, deserialize=deserialize
        )
        dtos.append(
            {
                "id": row.id,
                "name": row.name,
                "type": typed["type"],
                "value": typed["value"],
                "valueInfo": typed["valueInfo"],
                "processDefinitionKey": definition_key(definition_id) or None,
                "processDefinitionId": definition_id,
                "processInstanceId": row.process_instance_id,
                "executionId": (
                    task_executions.get(row.task_id, row.execution_id)
                    if row.process_instance_id
                    else None
                ),
                "activityInstanceId": row.activity_instance_id,
                "caseDefinitionKey": None,
                "caseDefinitionId": None,
                "caseInstanceId": None,
                "caseExecutionId": None,
                "taskId": row.task_id or (None if row.process_instance_id else row.execution_id),
                "tenantId": tenants.get(definition_id or ""),
                "errorMessage": None,
                "state": row.state,
                "createTime": format_date(row.create_time),
                "removalTime": None,
                "rootProcessInstanceId": roots.get(row.process_instance_id or ""),
            }
        )
    return dtos


HistoricVariableList, HistoricVariableCount = list_views(
    HISTORIC_VARIABLE_QUERY, filter_historic_variables, historic_variable_dtos, values=True
)


class HistoricVariableDetail(EngineView):
    """GET and DELETE /history/variable-instance/{id}."""

    def delete(self, request: Request, variable_id: str) -> Response:
        delete_historic_variable(variable_id, user_id=user_id(request))
        return Response(status=204)

    def get(self, request: Request, variable_id: str) -> Response:
        row = _readable_historic_variable(request, variable_id)
        return Response(historic_variable_dtos([row], deserialize_values(request))[0])


class HistoricVariableData(AnyAcceptMixin, EngineView):
    """GET /history/variable-instance/{id}/data: the content of a Bytes or File variable."""

    def get(self, request: Request, variable_id: str) -> HttpResponse:
        row = _readable_historic_variable(request, variable_id)
        return binary_response(
            TypedValue.from_json({"type": row.type, "value": row.value}), variable_id
        )


def _readable_historic_variable(request: Request, variable_id: str) -> HistoricVariableInstance:
    row = HistoricVariableInstance.objects.filter(pk=variable_id).first()
    if row is None:
        raise NotFoundError(f"Historic variable instance with Id '{variable_id}' does not exist")
    definition_id = _definition_of([row.process_instance_id]).get(row.process_instance_id)
    require_history(
        request,
        definition_key(definition_id),
        Resource.HISTORIC_PROCESS_INSTANCE,
        row.process_instance_id,
    )
    return row


class HistoricInstanceVariables(EngineView):
    """DELETE /history/process-instance/{id}/variable-instances: every historic variable of
    the instance, with their updates."""

    def delete(self, request: Request, instance_id: str) -> Response:
        delete_historic_variables_of_instance(instance_id, user_id=user_id(request))
        return Response(status=204)


# -- details -------------------------------------------------------------------------------

HISTORIC_DETAIL_QUERY = ListQuery(
    filters=(
        Param("processInstanceId", S, "Details of this instance."),
        Param("processInstanceIdIn", L, "Details of these instances."),
        Param("executionId", S, "Details of this execution."),
        Param("taskId", S, "Details of this task."),
        Param("activityInstanceId", S, "Details of this activity instance."),
        Param("variableInstanceId", S, "Details of this variable."),
        Param("variableTypeIn", L, "Details of variables of these types, any case (Object is "
              "also 'serializable')."),
        Param("variableNameLike", S, "Variable name with SQL LIKE, any case."),
        Param("userOperationId", S, "Details written by this user operation."),
        Param("variableUpdates", B, "Only variable updates (given at all, whatever its value, "
              "as Camunda; it wins over `formFields`)."),
        Param("formFields", B, "Only submitted form fields (given at all, whatever its "
              "value, as Camunda)."),
        Param("excludeTaskDetails", B,
              "Only details not set on a task (unless `taskId`); any value, as Camunda."),
        Param("initial", B, "Only the first values of variables the instance was started "
              "with."),
        Param("occurredBefore", D, "Before this date."),
        Param("occurredAfter", D, "After this date."),
        *INSTANCE_TENANT_PARAMS,
        *DETAIL_CASE_PARAMS,
    ),
    sort_fields={
        "processInstanceId": "process_instance_id",
        "variableName": "name",
        "variableType": "type",
        "variableRevision": "revision",
        "formPropertyId": "name",
        "time": "time",
    },
)


def filter_historic_details(request: Request, filters: dict[str, Any]) -> QuerySet[Any]:
    readable = readable_ids(request.user, Resource.HISTORIC_PROCESS_INSTANCE).q(
        "process_instance_id"
    )
    rows = HistoricDetail.objects.filter(
        Q(process_instance_id__in=_readable_instance_ids(request)) | readable
    )
    if of_cases(filters, DETAIL_CASE_PARAMS):
        return rows.none()
    rows = rows.filter(instance_tenant_q(filters), detail_type_q(filters))
    if "executionId" in filters:
        rows = rows.filter(_of_executions([filters["executionId"]]))
    if "variableNameLike" in filters:  # Camunda: UPPER(NAME_) like UPPER(?)
        rows = rows.filter(like("name", filters["variableNameLike"], ignore_case=True))
    if "variableTypeIn" in filters:
        rows = of_types(rows, filters["variableTypeIn"])
    # Camunda's HistoricDetailQueryDto applies it whenever it is given, `false` too.
    if "excludeTaskDetails" in filters and "taskId" not in filters:
        rows = rows.filter(task_id__isnull=True)
    if filters.get("initial"):
        rows = rows.filter(initial_q())
    return apply(
        rows,
        filters,
        {
            "processInstanceId": "process_instance_id",
            "processInstanceIdIn": "process_instance_id__in",
            "taskId": "task_id",
            "activityInstanceId": "activity_instance_id",
            "variableInstanceId": "variable_instance_id",
            "userOperationId": "user_operation_id",
            "occurredBefore": "time__lte",
            "occurredAfter": "time__gte",
        },
    )


def historic_detail_dtos(
    rows: list[HistoricDetail], deserialize: bool = True
) -> list[serializers.Dto]:
    """HistoricVariableUpdateDto or HistoricFormFieldDto each."""
    definitions = _definition_of([r.process_instance_id for r in rows])
    roots = roots_of(rows)
    start_times = _start_times([r.process_instance_id for r in rows])
    task_executions = _task_executions(rows)
    tenants = tenants_of(list(definitions.values()))
    dtos = []
    for row in rows:
        definition_id = definitions.get(row.process_instance_id)
        form_field = row.detail_type == DetailType.FORM_FIELD
        dto = {
            "id": str(row.id),
            "type": "formField" if form_field else "variableUpdate",
            "processDefinitionKey": definition_key(definition_id) or None,
            "processDefinitionId": definition_id,
            "processInstanceId": row.process_instance_id,
            "activityInstanceId": row.activity_instance_id,
            "executionId": task_executions.get(row.task_id, row.execution_id),
            "caseDefinitionKey": None,
            "caseDefinitionId": None,
            "caseInstanceId": None,
            "caseExecutionId": None,
            "taskId": row.task_id,
            "tenantId": tenants.get(definition_id or ""),
            "userOperationId": row.user_operation_id,
            "time": format_date(row.time),
            "removalTime": None,
            "rootProcessInstanceId": roots.get(row.process_instance_id or ""),
        }
        if form_field:  # the text submitted (HistoricFormFieldDto)
            dtos.append({**dto, "fieldId": row.name, "fieldValue": row.value})
            continue
        typed = write_stored(row.type, row.value, row.object_type_name, deserialize=deserialize)
        dtos.append(
            {
                **dto,
                "variableName": row.name,
                "variableInstanceId": row.variable_instance_id,
                "variableType": typed["type"],
                "value": typed["value"],
                "valueInfo": typed["valueInfo"],
                "initial": is_initial(row, start_times),
                "revision": row.revision,
                "errorMessage": None,
            }
        )
    return dtos


HistoricDetailList, HistoricDetailCount = list_views(
    HISTORIC_DETAIL_QUERY, filter_historic_details, historic_detail_dtos, values=True
)


def _readable_detail(request: Request, detail_id: str) -> HistoricDetail:
    row = None
    if detail_id.isdigit() and len(detail_id) < 19:  # ids are bigints
        row = filter_historic_details(request, {}).filter(pk=int(detail_id)).first()
    if row is None:
        # Camunda's wording (HistoricDetailResourceImpl).
        raise NotFoundError(f"Historic detail with Id '{detail_id}' does not exist")
    return row


class HistoricDetailDetail(EngineView):
    """GET /history/detail/{id}: one variable update or form field (also one of an instance
    the caller may not read: not found)."""

    def get(self, request: Request, detail_id: str) -> Response:
        return Response(historic_detail_dtos([_readable_detail(request, detail_id)])[0])


class HistoricDetailData(AnyAcceptMixin, EngineView):
    """GET /history/detail/{id}/data: the content a Bytes or File variable was set to."""

    def get(self, request: Request, detail_id: str) -> HttpResponse:
        row = _readable_detail(request, detail_id)
        if row.detail_type != DetailType.VARIABLE_UPDATE:
            # Camunda's wording (HistoricDetailResourceImpl.transformQueryResultIntoTypedValue).
            raise invalid_request(
                f"Historic detail with Id '{detail_id}' is not a variable update."
            )
        return binary_response(
            TypedValue.from_json({"type": row.type, "value": row.value}), detail_id
        )


# -- user operations -----------------------------------------------------------------------

USER_OPERATION_QUERY = ListQuery(
    filters=(
        Param("deploymentId", S, "Operations on this deployment."),
        Param("processDefinitionId", S, "Operations on this definition."),
        Param("processDefinitionKey", S, "Operations on definitions with this key."),
        Param("processInstanceId", S, "Operations on this instance."),
        Param("taskId", S, "Operations on this task."),
        Param("executionId", S, "Operations in this execution (entries on a task name its "
              "execution)."),
        Param("jobId", S, "Operations on this job."),
        Param("jobDefinitionId", S, "Operations on this job definition or its jobs."),
        Param("externalTaskId", S, "Operations on this external task."),
        Param("batchId", S, "Operations on this batch."),
        Param("userId", S, "Operations by this user."),
        Param("operationId", S, "Entries of this operation."),
        Param("operationType", S, "Filter by operation type (Claim, Complete, ...)."),
        Param("entityType", S, "Filter by entity type (Task, ProcessInstance, ...)."),
        Param("entityTypeIn", L, "Comma-separated entity types."),
        Param("category", S, "Filter by category (Operator, Admin, TaskWorker)."),
        Param("categoryIn", L, "Comma-separated categories."),
        Param("property", S, "Filter by changed property."),
        Param("afterTimestamp", D, "After this date."),
        Param("beforeTimestamp", D, "Before this date."),
        *OPERATION_CASE_PARAMS,
    ),
    sort_fields={"timestamp": "timestamp"},
)


def filter_user_operations(request: Request, filters: dict[str, Any]) -> QuerySet[Any]:
    by_category = readable_ids(request.user, Resource.OPERATION_LOG_CATEGORY).q("category")
    rows = UserOperationLog.objects.filter(
        readable_history(request, "process_definition_key", by_category),
        visible_definitions("process_definition_id", "process_instance_id"),  # tenant check
    )
    if of_cases(filters, OPERATION_CASE_PARAMS):
        return rows.none()
    return apply(
        rows,
        filters,
        {
            "deploymentId": "deployment_id",
            "processDefinitionId": "process_definition_id",
            "processDefinitionKey": "process_definition_key",
            "processInstanceId": "process_instance_id",
            "taskId": "task_id",
            "executionId": "execution_id",
            "jobId": "job_id",
            "jobDefinitionId": "job_definition_id",
            "externalTaskId": "external_task_id",
            "batchId": "batch_id",
            "userId": "user_id",
            "operationId": "operation_id",
            "operationType": "operation_type",
            "entityType": "entity_type",
            "entityTypeIn": "entity_type__in",
            "category": "category",
            "categoryIn": "category__in",
            "property": "property",
            "afterTimestamp": "timestamp__gt",
            "beforeTimestamp": "timestamp__lt",
        },
    )


def user_operation_dtos(rows: list[UserOperationLog]) -> list[serializers.Dto]:
    """UserOperationLogEntryDto each."""
    roots = roots_of(rows)
    return [
        {
            "id": str(row.id),
            "deploymentId": row.deployment_id,
            "processDefinitionId": row.process_definition_id,
            "processDefinitionKey": row.process_definition_key,
            "processInstanceId": row.process_instance_id,
            "executionId": row.execution_id,
            "caseDefinitionId": None,
            "caseInstanceId": None,
            "caseExecutionId": None,
            "taskId": row.task_id,
            "externalTaskId": row.external_task_id,
            "batchId": row.batch_id,
            "jobId": row.job_id,
            "jobDefinitionId": row.job_definition_id,
            "userId": row.user_id,
            "timestamp": format_date(row.timestamp),
            "operationId": row.operation_id,
            "operationType": row.operation_type,
            "entityType": row.entity_type,
            "property": row.property,
            "orgValue": row.org_value,
            "newValue": row.new_value,
            "removalTime": None,
            "rootProcessInstanceId": roots.get(row.process_instance_id or ""),
            "category": row.category,
            "annotation": row.annotation,
        }
        for row in rows
    ]


UserOperationList, UserOperationCount = list_views(
    USER_OPERATION_QUERY, filter_user_operations, user_operation_dtos, post=False
)


class UserOperationAnnotation(EngineView):
    """PUT /history/user-operation/{operationId}/set-annotation `{annotation}` and
    /clear-annotation."""

    def put(self, request: Request, operation_id: str, action: str) -> Response:
        annotation = None
        if action == "set-annotation":
            annotation = json_body(request).get("annotation")
            if not isinstance(annotation, str):
                raise invalid_request("'annotation' must be a text")
        set_operation_annotation(operation_id, annotation, user_id=user_id(request))
        return Response(status=204)
