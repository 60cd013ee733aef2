"""`/history/process-instance`, `/history/activity-instance`, `/history/task`: list, count
(GET and POST), get by id. Rows are shown where the caller holds READ_HISTORY on the process
definition (Camunda), or READ on the historic instance / historic task."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from rest_framework.request import Request
from rest_framework.response import Response

from engine.errors import NotFoundError
from engine.models import (
    HistoricActivityInstance,
    HistoricProcessInstance,
    HistoricTaskInstance,
    HistoricVariableInstance,
    ProcessDefinition,
)
from engine.rest import serializers
from engine.rest.base import EngineView, definition_key, readable_history, user_id
from engine.rest.dates import format_date
from engine.rest.historic_instance_filters import (
    HISTORIC_INSTANCE_PARAMS,
    HISTORIC_TASK_PARAMS,
    TENANT_PARAMS,
    historic_instance_q,
    historic_task_q,
    tenant_q,
)
from engine.rest.historic_query_fields import (
    HISTORIC_INSTANCE_FIELDS,
    HISTORIC_TASK_FIELDS,
    historic_instance_fields_q,
    historic_task_fields_q,
)
from engine.rest.instance_roots import historic_roots, roots_of
from engine.rest.listing import list_views
from engine.rest.or_query_criteria import apply_or_queries
from engine.rest.params import Kind, ListQuery, Param, first_value, like
from engine.rest.variable_filters import IGNORE_CASE_PARAMS, IgnoreCase, variables_q
from engine.services.history_deletion import delete_historic_process_instance
from identity.authorization import Check as AuthCheck
from identity.authorization import Permission, Resource, readable_ids, require_any

S, B, N, D, L = Kind.STRING, Kind.BOOLEAN, Kind.INTEGER, Kind.DATE, Kind.STRING_LIST
V = Kind.VARIABLES


def tenants_of(definition_ids: list[str | None]) -> dict[str, str | None]:
    ids = {i for i in definition_ids if i}
    return dict(ProcessDefinition.objects.filter(id__in=ids).values_list("id", "tenant_id"))


def apply(rows: QuerySet[Any], filters: dict[str, Any], exact: dict[str, str],
          likes: dict[str, str] | None = None, when_true: dict[str, Q] | None = None
          ) -> QuerySet[Any]:
    rows = rows.filter(**{f: filters[p] for p, f in exact.items() if p in filters})
    for param, field_name in (likes or {}).items():
        if param in filters:
            rows = rows.filter(like(field_name, filters[param]))
    for param, condition in (when_true or {}).items():
        if filters.get(param):
            rows = rows.filter(condition)
    return rows


def historic_variables_q(
    filters: dict[str, Any], param: str, *, outer_field: str, match_field: str
) -> Q:
    """The rows having historic variables (of any state, as Camunda's ACT_HI_VARINST join)
    that meet every condition of the variable filter `param`."""
    return variables_q(
        filters.get(param, []),
        outer_field=outer_field,
        match_field=match_field,
        rows=HistoricVariableInstance.objects.all(),
        ignore_case=IgnoreCase.of(filters),
    )


def require_history(request: Request, key: str, resource: Resource, resource_id: str) -> None:
    require_any(
        request.user,
        [
            AuthCheck(Permission.READ_HISTORY, Resource.PROCESS_DEFINITION, key),
            AuthCheck(Permission.READ, resource, resource_id),
        ],
    )


# -- process instances ---------------------------------------------------------------------

HISTORIC_PROCESS_INSTANCE_QUERY = ListQuery(
    filters=(
        Param("processInstanceId", S, "Filter by instance id."),
        Param("processInstanceIds", L, "Comma-separated instance ids."),
        Param("processDefinitionId", S, "Instances of this definition."),
        Param("processDefinitionKey", S, "Instances of definitions with this key."),
        Param("processDefinitionKeyIn", L, "Comma-separated definition keys."),
        Param("processDefinitionName", S, "Instances of definitions with this name."),
        Param("processDefinitionNameLike", S, "Definition name with SQL LIKE."),
        Param("processInstanceBusinessKey", S, "Filter by business key."),
        Param("processInstanceBusinessKeyLike", S, "Business key with SQL LIKE."),
        Param("finished", B, "Only finished instances."),
        Param("unfinished", B, "Only running instances."),
        Param("startedBy", S, "Instances started by this user."),
        Param("superProcessInstanceId", S, "Instances called by this instance."),
        Param("startedBefore", D, "Started before this date."),
        Param("startedAfter", D, "Started after this date."),
        Param("finishedBefore", D, "Finished before this date."),
        Param("finishedAfter", D, "Finished after this date."),
        Param("active", B, "Only active instances."),
        Param("suspended", B, "Only suspended instances."),
        Param("completed", B, "Only completed instances."),
        Param("externallyTerminated", B, "Only instances deleted from outside."),
        Param("internallyTerminated", B, "Only instances ended by a terminate event."),
        Param("variables", V, "`name_op_value,...`: instances having a variable (any scope) "
              "that matches; op: eq neq gt gteq lt lteq like."),
        *HISTORIC_INSTANCE_PARAMS,
        *HISTORIC_INSTANCE_FIELDS,
        *IGNORE_CASE_PARAMS,
    ),
    sort_fields={
        "instanceId": "id",
        "definitionId": "process_definition_id",
        "definitionKey": "process_definition_key",
        "definitionName": "process_definition_name",
        "definitionVersion": "process_definition_version",
        "businessKey": "business_key",
        "startTime": "start_time",
        "endTime": "end_time",
        "duration": "duration_ms",
    },
    or_queries=True,
)
# What is one condition within an or-query (one EXISTS, or one tenant check, in Camunda's
# HistoricProcessInstance.xml).
_INSTANCE_GROUPS = [("tenantIdIn", "withoutTenantId"),
                    ("executedActivityAfter", "executedActivityBefore"),
                    ("executedJobAfter", "executedJobBefore")]


def filter_historic_instances(request: Request, filters: dict[str, Any]) -> QuerySet[Any]:
    """The historic instances the caller may read that meet `filters`, `orQueries` included
    (the list and count resources, and `historicProcessInstanceQuery` of bulk operations)."""
    readable = readable_ids(request.user, Resource.HISTORIC_PROCESS_INSTANCE).q("id")
    rows = HistoricProcessInstance.objects.filter(
        readable_history(request, "process_definition_key", readable)
    )
    return apply_or_queries(
        _historic_instances(rows, filters), filters,
        lambda one: _historic_instances(HistoricProcessInstance.objects.all(), one),
        together=_INSTANCE_GROUPS, each=["variables"],
    )


def _historic_instances(rows: QuerySet[Any], filters: dict[str, Any]) -> QuerySet[Any]:
    rows = rows.filter(
        historic_variables_q(
            filters, "variables", outer_field="id", match_field="process_instance_id"
        ),
        historic_instance_q(filters),
        historic_instance_fields_q(filters),
    )
    return apply(
        rows,
        filters,
        {
            "processInstanceId": "id",
            "processInstanceIds": "id__in",
            "processDefinitionId": "process_definition_id",
            "processDefinitionKey": "process_definition_key",
            "processDefinitionKeyIn": "process_definition_key__in",
            "processDefinitionName": "process_definition_name",
            "processInstanceBusinessKey": "business_key",
            "startedBy": "start_user_id",
            "superProcessInstanceId": "super_process_instance_id",
            "startedBefore": "start_time__lt",
            "startedAfter": "start_time__gt",
            "finishedBefore": "end_time__lt",
            "finishedAfter": "end_time__gt",
        },
        {
            "processDefinitionNameLike": "process_definition_name",
            "processInstanceBusinessKeyLike": "business_key",
        },
        {
            "finished": Q(end_time__isnull=False),
            "unfinished": Q(end_time__isnull=True),
            "active": Q(state="ACTIVE"),
            "suspended": Q(state="SUSPENDED"),
            "completed": Q(state="COMPLETED"),
            "externallyTerminated": Q(state="EXTERNALLY_TERMINATED"),
            "internallyTerminated": Q(state="INTERNALLY_TERMINATED"),
        },
    )


def historic_instance_dto(
    row: HistoricProcessInstance, tenants: dict[str, Any], roots: dict[str, str]
) -> serializers.Dto:
    """HistoricProcessInstanceDto; `roots`: each instance's root (instance_roots)."""
    return {
        "id": row.id,
        "rootProcessInstanceId": roots.get(row.id, row.id),
        "superProcessInstanceId": row.super_process_instance_id,
        "superCaseInstanceId": None,
        "caseInstanceId": None,
        "processDefinitionName": row.process_definition_name,
        "processDefinitionKey": row.process_definition_key,
        "processDefinitionVersion": row.process_definition_version,
        "processDefinitionId": row.process_definition_id,
        "businessKey": row.business_key,
        "startTime": format_date(row.start_time),
        "endTime": format_date(row.end_time),
        "removalTime": format_date(row.removal_time),
        "durationInMillis": row.duration_ms,
        "startUserId": row.start_user_id,
        "startActivityId": row.start_activity_id,
        "deleteReason": row.delete_reason,
        "tenantId": tenants.get(row.process_definition_id),
        "state": row.state,
        "restartedProcessInstanceId": row.restarted_process_instance_id,
    }


def historic_instance_dtos(rows: list[HistoricProcessInstance]) -> list[serializers.Dto]:
    tenants = tenants_of([r.process_definition_id for r in rows])
    roots = historic_roots(r.id for r in rows)
    return [historic_instance_dto(row, tenants, roots) for row in rows]


HistoricProcessInstanceList, HistoricProcessInstanceCount = list_views(
    HISTORIC_PROCESS_INSTANCE_QUERY, filter_historic_instances, historic_instance_dtos
)


class HistoricProcessInstanceDetail(EngineView):
    """GET and DELETE /history/process-instance/{id}."""

    def delete(self, request: Request, instance_id: str) -> Response:
        fail = first_value(request.query_params, "failIfNotExists") != "false"
        delete_historic_process_instance(
            instance_id, user_id=user_id(request), fail_if_not_exists=fail
        )
        return Response(status=204)

    def get(self, request: Request, instance_id: str) -> Response:
        row = HistoricProcessInstance.objects.filter(pk=instance_id).first()
        if row is None:
            # Camunda's wording (HistoricProcessInstanceResourceImpl).
            raise NotFoundError(f"Historic process instance with id {instance_id} does not exist")
        require_history(
            request, row.process_definition_key, Resource.HISTORIC_PROCESS_INSTANCE, row.id
        )
        return Response(historic_instance_dtos([row])[0])


# -- activity instances --------------------------------------------------------------------

HISTORIC_ACTIVITY_INSTANCE_QUERY = ListQuery(
    filters=(
        Param("activityInstanceId", S, "Filter by activity instance id."),
        Param("processInstanceId", S, "Activities of this instance."),
        Param("processDefinitionId", S, "Activities of this definition."),
        Param("executionId", S, "Activities of this execution."),
        Param("activityId", S, "Filter by the activity's id in the model."),
        Param("activityName", S, "Filter by activity name."),
        Param("activityType", S, "Filter by activity type (userTask, ...)."),
        Param("taskAssignee", S, "Activities of user tasks assigned to this user."),
        Param("finished", B, "Only finished activities."),
        Param("unfinished", B, "Only running activities."),
        Param("canceled", B, "Only canceled activities."),
        Param("completeScope", B, "Only activities that completed their scope."),
        Param("startedBefore", D, "Started before this date."),
        Param("startedAfter", D, "Started after this date."),
        Param("finishedBefore", D, "Finished before this date."),
        Param("finishedAfter", D, "Finished after this date."),
        *TENANT_PARAMS,
    ),
    sort_fields={
        "activityInstanceId": "id",
        "instanceId": "process_instance_id",
        "executionId": "execution_id",
        "activityId": "activity_id",
        "activityName": "activity_name",
        "activityType": "activity_type",
        "startTime": "start_time",
        "endTime": "end_time",
        "duration": "duration_ms",
        "definitionId": "process_definition_id",
        "occurrence": "sequence_counter",
    },
)


def filter_historic_activities(request: Request, filters: dict[str, Any]) -> QuerySet[Any]:
    rows = HistoricActivityInstance.objects.filter(readable_history(request, None),
                                                   tenant_q(filters))
    return apply(
        rows,
        filters,
        {
            "activityInstanceId": "id",
            "processInstanceId": "process_instance_id",
            "processDefinitionId": "process_definition_id",
            "executionId": "execution_id",
            "activityId": "activity_id",
            "activityName": "activity_name",
            "activityType": "activity_type",
            "taskAssignee": "assignee",
            "startedBefore": "start_time__lt",
            "startedAfter": "start_time__gt",
            "finishedBefore": "end_time__lt",
            "finishedAfter": "end_time__gt",
        },
        when_true={
            "finished": Q(end_time__isnull=False),
            "unfinished": Q(end_time__isnull=True),
            "canceled": Q(canceled=True),
            "completeScope": Q(complete_scope=True),
        },
    )


def historic_activity_dtos(rows: list[HistoricActivityInstance]) -> list[serializers.Dto]:
    """HistoricActivityInstanceDto each."""
    tenants = tenants_of([r.process_definition_id for r in rows])
    roots = roots_of(rows)
    return [
        {
            "id": row.id,
            "parentActivityInstanceId": row.parent_activity_instance_id,
            "activityId": row.activity_id,
            "activityName": row.activity_name,
            "activityType": row.activity_type,
            "processDefinitionKey": definition_key(row.process_definition_id),
            "processDefinitionId": row.process_definition_id,
            "processInstanceId": row.process_instance_id,
            "executionId": row.execution_id,
            "taskId": row.task_id,
            "calledProcessInstanceId": row.called_process_instance_id,
            "calledCaseInstanceId": None,
            "assignee": row.assignee,
            "startTime": format_date(row.start_time),
            "endTime": format_date(row.end_time),
            "durationInMillis": row.duration_ms,
            "canceled": row.canceled,
            "completeScope": row.complete_scope,
            "tenantId": tenants.get(row.process_definition_id),
            "removalTime": None,
            "rootProcessInstanceId": roots.get(row.process_instance_id or ""),
        }
        for row in rows
    ]


HistoricActivityInstanceList, HistoricActivityInstanceCount = list_views(
    HISTORIC_ACTIVITY_INSTANCE_QUERY, filter_historic_activities, historic_activity_dtos
)


class HistoricActivityInstanceDetail(EngineView):
    """GET /history/activity-instance/{id}."""

    def get(self, request: Request, activity_instance_id: str) -> Response:
        row = HistoricActivityInstance.objects.filter(pk=activity_instance_id).first()
        if row is None:
            raise NotFoundError(
                f"Historic activity instance with id {activity_instance_id} does not exist"
            )
        require_history(
            request,
            definition_key(row.process_definition_id),
            Resource.HISTORIC_PROCESS_INSTANCE,
            row.process_instance_id,
        )
        return Response(historic_activity_dtos([row])[0])


# -- tasks ---------------------------------------------------------------------------------

HISTORIC_TASK_QUERY = ListQuery(
    filters=(
        Param("taskId", S, "Filter by task id."),
        Param("processInstanceId", S, "Tasks of this instance."),
        Param("processInstanceBusinessKey", S, "Tasks of instances with this business key."),
        Param("processDefinitionId", S, "Tasks of this definition."),
        Param("processDefinitionKey", S, "Tasks of definitions with this key."),
        Param("executionId", S, "Tasks of this execution."),
        Param("activityInstanceIdIn", L, "Tasks of these activity instances."),
        Param("taskName", S, "Filter by name."),
        Param("taskNameLike", S, "Name with SQL LIKE."),
        Param("taskDescription", S, "Filter by description."),
        Param("taskDescriptionLike", S, "Description with SQL LIKE."),
        Param("taskDefinitionKey", S, "Filter by task definition key."),
        Param("taskDefinitionKeyIn", L, "Comma-separated task definition keys."),
        Param("taskDeleteReason", S, "Filter by delete reason."),
        Param("taskAssignee", S, "Filter by assignee."),
        Param("taskAssigneeLike", S, "Assignee with SQL LIKE."),
        Param("taskOwner", S, "Filter by owner."),
        Param("taskPriority", N, "Filter by priority."),
        Param("assigned", B, "Only tasks that were assigned."),
        Param("unassigned", B, "Only tasks never assigned."),
        Param("finished", B, "Only finished tasks."),
        Param("unfinished", B, "Only open tasks."),
        Param("taskDueDate", D, "Due at this date."),
        Param("taskDueDateBefore", D, "Due before this date."),
        Param("taskDueDateAfter", D, "Due after this date."),
        Param("taskFollowUpDate", D, "Follow-up at this date."),
        Param("taskFollowUpDateBefore", D, "Follow-up before this date."),
        Param("taskFollowUpDateAfter", D, "Follow-up after this date."),
        Param("startedBefore", D, "Started before this date."),
        Param("startedAfter", D, "Started after this date."),
        Param("finishedBefore", D, "Finished before this date."),
        Param("finishedAfter", D, "Finished after this date."),
        Param("taskVariables", V, "`name_op_value,...` on the task's local variables; "
              "op: eq neq gt gteq lt lteq like."),
        Param("processVariables", V, "`name_op_value,...` on any variable of the task's "
              "process instance; op: eq neq gt gteq lt lteq like."),
        *HISTORIC_TASK_PARAMS,
        *HISTORIC_TASK_FIELDS,
        *IGNORE_CASE_PARAMS,
    ),
    sort_fields={
        "taskId": "id",
        "activityInstanceId": "activity_instance_id",
        "processDefinitionId": "process_definition_id",
        "processInstanceId": "process_instance_id",
        "executionId": "execution_id",
        "duration": "duration_ms",
        "endTime": "end_time",
        "startTime": "start_time",
        "taskName": "name",
        "taskDescription": "description",
        "assignee": "assignee",
        "owner": "owner",
        "dueDate": "due_date",
        "followUpDate": "follow_up_date",
        "deleteReason": "delete_reason",
        "taskDefinitionKey": "task_definition_key",
        "priority": "priority",
    },
    or_queries=True,
)


def filter_historic_tasks(request: Request, filters: dict[str, Any]) -> QuerySet[Any]:
    """The historic tasks the caller may read that meet `filters`, `orQueries` included."""
    readable = readable_ids(request.user, Resource.HISTORIC_TASK).q("id")
    rows = HistoricTaskInstance.objects.filter(readable_history(request, None, readable))
    return apply_or_queries(
        _historic_tasks(rows, filters), filters,
        lambda one: _historic_tasks(HistoricTaskInstance.objects.all(), one),
        together=[("tenantIdIn", "withoutTenantId")], each=["taskVariables", "processVariables"],
        # HistoricTaskInstanceQueryImpl refuses these within an or-query.
        refused=["withCandidateGroups", "withoutCandidateGroups"],
    )


def _historic_tasks(rows: QuerySet[Any], filters: dict[str, Any]) -> QuerySet[Any]:
    rows = rows.filter(
        # A task's local variables are those of its activity instance (its token's).
        historic_variables_q(
            filters,
            "taskVariables",
            outer_field="activity_instance_id",
            match_field="activity_instance_id",
        ),
        historic_variables_q(
            filters,
            "processVariables",
            outer_field="process_instance_id",
            match_field="process_instance_id",
        ),
        historic_task_q(filters),
        historic_task_fields_q(filters),
    )
    rows = apply(
        rows,
        filters,
        {
            "taskId": "id",
            "taskParentTaskId": "parent_task_id",
            "processInstanceId": "process_instance_id",
            "processDefinitionId": "process_definition_id",
            "executionId": "execution_id",
            "activityInstanceIdIn": "activity_instance_id__in",
            "taskName": "name",
            "taskDescription": "description",
            "taskDefinitionKey": "task_definition_key",
            "taskDefinitionKeyIn": "task_definition_key__in",
            "taskDeleteReason": "delete_reason",
            "taskAssignee": "assignee",
            "taskOwner": "owner",
            "taskPriority": "priority",
            "taskDueDate": "due_date",
            "taskDueDateBefore": "due_date__lt",
            "taskDueDateAfter": "due_date__gt",
            "taskFollowUpDate": "follow_up_date",
            "taskFollowUpDateBefore": "follow_up_date__lt",
            "taskFollowUpDateAfter": "follow_up_date__gt",
            "startedBefore": "start_time__lt",
            "startedAfter": "start_time__gt",
            "finishedBefore": "end_time__lt",
            "finishedAfter": "end_time__gt",
        },
        {
            "taskNameLike": "name",
            "taskDescriptionLike": "description",
            "taskAssigneeLike": "assignee",
        },
        {
            "assigned": Q(assignee__isnull=False),
            "unassigned": Q(assignee__isnull=True),
            "finished": Q(end_time__isnull=False),
            "unfinished": Q(end_time__isnull=True),
        },
    )
    if "processDefinitionKey" in filters:
        rows = rows.filter(process_definition_id__startswith=f"{filters['processDefinitionKey']}:")
    if "processInstanceBusinessKey" in filters:
        instances = HistoricProcessInstance.objects.filter(
            business_key=filters["processInstanceBusinessKey"]
        ).values("id")
        rows = rows.filter(process_instance_id__in=instances)
    return rows


def historic_task_dtos(rows: list[HistoricTaskInstance]) -> list[serializers.Dto]:
    """HistoricTaskInstanceDto each."""
    tenants = tenants_of([r.process_definition_id for r in rows])
    roots = historic_roots({r.process_instance_id for r in rows if r.process_instance_id})
    return [
        {
            "id": row.id,
            "processDefinitionKey": definition_key(row.process_definition_id) or None,
            "processDefinitionId": row.process_definition_id,
            "processInstanceId": row.process_instance_id,
            "executionId": row.execution_id,
            "caseDefinitionKey": None,
            "caseDefinitionId": None,
            "caseInstanceId": None,
            "caseExecutionId": None,
            "activityInstanceId": row.activity_instance_id,
            "name": row.name,
            "description": row.description,
            "deleteReason": row.delete_reason,
            "owner": row.owner,
            "assignee": row.assignee,
            "startTime": format_date(row.start_time),
            "endTime": format_date(row.end_time),
            "duration": row.duration_ms,
            "taskDefinitionKey": row.task_definition_key,
            "priority": row.priority,
            "due": format_date(row.due_date),
            "parentTaskId": row.parent_task_id,
            "followUp": format_date(row.follow_up_date),
            "tenantId": row.tenant_id or tenants.get(row.process_definition_id),
            "removalTime": None,
            "rootProcessInstanceId": roots.get(row.process_instance_id or ""),
            "taskState": row.task_state,
        }
        for row in rows
    ]


HistoricTaskList, HistoricTaskCount = list_views(
    HISTORIC_TASK_QUERY, filter_historic_tasks, historic_task_dtos
)
