"""`/task`: list and count (GET and POST), get, update. Actions are in task_actions.py."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from django.contrib.auth.models import Group
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response

from engine import queries
from engine.bpmn.model import UserTask
from engine.definitions import process_model
from engine.errors import BadRequestError, NotFoundError
from engine.models import Execution as ExecutionRow
from engine.models import ProcessDefinition, ProcessInstance, Task, TaskCandidate
from engine.queries.tasks import TASK_SORT_FIELDS
from engine.rest import serializers, task_extras, task_hal
from engine.rest.base import AnyAcceptMixin, EngineView, json_body, user_id
from engine.rest.dates import format_date, parse_date
from engine.rest.forms import form_dto
from engine.rest.history_reports import csv_response
from engine.rest.params import (
    Kind,
    ListQuery,
    Param,
    ParsedQuery,
    flag,
    invalid_request,
    like,
)
from engine.rest.task_access import require_task_permission
from engine.rest.task_query_expressions import EXPRESSION_PARAMS, resolve_expressions
from engine.rest.task_variable_sorting import PARAMETER_SORTS
from engine.rest.variable_filters import (
    IGNORE_CASE_PARAMS,
    IgnoreCase,
    process_variables_q,
    variables_q,
)
from engine.services import runtime, standalone_tasks
from identity.authorization import ANY, Permission, require
from identity.resources import Resource
from tasklist.access import involvement, visible

S, B, N, D, L = Kind.STRING, Kind.BOOLEAN, Kind.INTEGER, Kind.DATE, Kind.STRING_LIST
V = Kind.VARIABLES
# Filters on what Legato does not have (CMMN): no task matches them.
NOTHING_MATCHES = tuple(
    Param(name, S, "No task matches: Legato has no CMMN cases.")
    for name in ("caseInstanceId", "caseInstanceBusinessKey",
                 "caseInstanceBusinessKeyLike", "caseDefinitionId", "caseDefinitionKey",
                 "caseDefinitionName", "caseDefinitionNameLike", "caseExecutionId")
)

TASK_QUERY = ListQuery(
    filters=(
        Param("taskId", S, "Filter by task id."),
        Param("taskIdIn", L, "Comma-separated task ids."),
        Param("processInstanceId", S, "Tasks of this instance."),
        Param("processInstanceIdIn", L, "Tasks of these instances."),
        Param("processInstanceBusinessKey", S, "Tasks of instances with this business key."),
        Param("processInstanceBusinessKeyIn", L, "Comma-separated business keys."),
        Param("processInstanceBusinessKeyLike", S, "Business key with SQL LIKE."),
        Param("processDefinitionId", S, "Tasks of this definition."),
        Param("processDefinitionKey", S, "Tasks of definitions with this key."),
        Param("processDefinitionKeyIn", L, "Comma-separated definition keys."),
        Param("processDefinitionName", S, "Tasks of definitions with this name."),
        Param("processDefinitionNameLike", S, "Definition name with SQL LIKE."),
        Param("executionId", S, "Tasks of this execution."),
        Param("parentTaskId", S, "Subtasks of this task."),
        Param("activityInstanceIdIn", L, "Tasks of these activity instances."),
        Param("assignee", S, "Tasks assigned to this user."),
        Param("assigneeLike", S, "Assignee with SQL LIKE."),
        Param("assigneeIn", L, "Tasks assigned to one of these users."),
        Param("assigneeNotIn", L, "Tasks not assigned to these users."),
        Param("owner", S, "Tasks owned by this user."),
        Param("candidateGroup", S, "Tasks offered to this group."),
        Param("candidateGroups", L, "Tasks offered to one of these groups."),
        Param("candidateUser", S, "Tasks offered to this user or one of their groups."),
        Param("includeAssignedTasks", B, "With candidate filters: also assigned tasks."),
        Param("involvedUser", S, "Tasks the user is assignee, owner or candidate of."),
        Param("assigned", B, "Only assigned tasks."),
        Param("unassigned", B, "Only unassigned tasks."),
        Param("taskDefinitionKey", S, "Filter by the user task's id in the model."),
        Param("taskDefinitionKeyIn", L, "Comma-separated task definition keys."),
        Param("taskDefinitionKeyLike", S, "Task definition key with SQL LIKE."),
        Param("name", S, "Filter by name."),
        Param("nameNotEqual", S, "Tasks with another name."),
        Param("nameLike", S, "Name with SQL LIKE."),
        Param("nameNotLike", S, "Name not matching SQL LIKE."),
        Param("description", S, "Filter by description."),
        Param("descriptionLike", S, "Description with SQL LIKE."),
        Param("priority", N, "Filter by priority."),
        Param("maxPriority", N, "Priority at most."),
        Param("minPriority", N, "Priority at least."),
        Param("dueDate", D, "Due at this date."),
        Param("dueAfter", D, "Due after this date."),
        Param("dueBefore", D, "Due before this date."),
        Param("withoutDueDate", B, "Only tasks without due date."),
        Param("followUpDate", D, "Follow-up at this date."),
        Param("followUpAfter", D, "Follow-up after this date."),
        Param("followUpBefore", D, "Follow-up before this date."),
        Param("followUpBeforeOrNotExistent", D, "Follow-up before this date or none."),
        Param("createdOn", D, "Created at this date."),
        Param("createdAfter", D, "Created after this date."),
        Param("createdBefore", D, "Created before this date."),
        Param("delegationState", S, "PENDING or RESOLVED."),
        Param("tenantIdIn", L, "Comma-separated tenant ids."),
        Param("withoutTenantId", B, "Only tasks of no tenant."),
        Param("active", B, "Only active tasks."),
        Param("suspended", B, "Only suspended tasks."),
        Param("withCandidateGroups", B, "Only tasks with a candidate group."),
        Param("withoutCandidateGroups", B, "Only tasks without candidate group."),
        Param("withCandidateUsers", B, "Only tasks with a candidate user."),
        Param("withoutCandidateUsers", B, "Only tasks without candidate user."),
        Param("processVariables", V, "`name_op_value,...` on process variables."),
        Param("taskVariables", V, "`name_op_value,...` on the task's local variables."),
        Param("candidateGroupLike", S, "Tasks offered to a group matching this LIKE."),
        *NOTHING_MATCHES,
        *task_extras.PARAMS,
        *EXPRESSION_PARAMS,
        *IGNORE_CASE_PARAMS,
    ),
    sort_fields=TASK_SORT_FIELDS,
    parameter_sorts=PARAMETER_SORTS,
)

_EXACT = {
    "taskId": "id",
    "taskIdIn": "id__in",
    "processInstanceId": "process_instance_id",
    "processInstanceIdIn": "process_instance_id__in",
    "processDefinitionId": "process_definition_id",
    "executionId": "execution_id",
    "parentTaskId": "parent_task_id",
    "activityInstanceIdIn": "activity_instance_id__in",
    "assignee": "assignee",
    "assigneeIn": "assignee__in",
    "owner": "owner",
    "taskDefinitionKey": "task_definition_key",
    "taskDefinitionKeyIn": "task_definition_key__in",
    "name": "name",
    "description": "description",
    "priority": "priority",
    "maxPriority": "priority__lte",
    "minPriority": "priority__gte",
    "dueDate": "due_date",
    "dueAfter": "due_date__gt",
    "dueBefore": "due_date__lt",
    "followUpDate": "follow_up_date",
    "followUpAfter": "follow_up_date__gt",
    "followUpBefore": "follow_up_date__lt",
    "createdOn": "created",
    "createdAfter": "created__gt",
    "createdBefore": "created__lt",
    "delegationState": "delegation_state",
}
_LIKE = {
    "assigneeLike": "assignee",
    "taskDefinitionKeyLike": "task_definition_key",
    "nameLike": "name",
    "descriptionLike": "description",
}
_WHEN_TRUE = {
    "assigned": Q(assignee__isnull=False),
    "unassigned": Q(assignee__isnull=True),
    "withoutDueDate": Q(due_date__isnull=True),
    "active": Q(suspended=False),
    "suspended": Q(suspended=True),
}


def _definitions(**lookup: Any) -> QuerySet[ProcessDefinition]:
    return ProcessDefinition.objects.filter(**lookup).values("id")


def _instances(**lookup: Any) -> QuerySet[ProcessInstance]:
    return ProcessInstance.objects.filter(**lookup).values("id")


def _candidates(condition: Q) -> Q:
    return Q(Exists(TaskCandidate.objects.filter(condition, task=OuterRef("pk"))))


def filter_tasks(  # noqa: C901 - one branch per Camunda filter reads best flat
    request: Request, filters: dict[str, Any]
) -> QuerySet[Task]:
    resolve_expressions(filters, user_id(request))
    tasks = Task.objects.filter(visible(request.user))
    if any(param.name in filters for param in NOTHING_MATCHES):
        return tasks.none()
    tasks = tasks.filter(**{f: filters[p] for p, f in _EXACT.items() if p in filters})
    for param, field_name in _LIKE.items():
        if param in filters:
            tasks = tasks.filter(like(field_name, filters[param]))
    for param, condition in _WHEN_TRUE.items():
        if filters.get(param):
            tasks = tasks.filter(condition)
    if "assigneeNotIn" in filters:
        tasks = tasks.exclude(assignee__in=filters["assigneeNotIn"])
    if "nameNotEqual" in filters:
        tasks = tasks.exclude(name=filters["nameNotEqual"])
    if "nameNotLike" in filters:
        tasks = tasks.exclude(like("name", filters["nameNotLike"]))
    if "followUpBeforeOrNotExistent" in filters:
        tasks = tasks.filter(
            Q(follow_up_date__lt=filters["followUpBeforeOrNotExistent"])
            | Q(follow_up_date__isnull=True)
        )
    if "processInstanceBusinessKey" in filters:
        tasks = tasks.filter(
            process_instance_id__in=_instances(business_key=filters["processInstanceBusinessKey"])
        )
    if "processInstanceBusinessKeyIn" in filters:
        keys = filters["processInstanceBusinessKeyIn"]
        tasks = tasks.filter(process_instance_id__in=_instances(business_key__in=keys))
    if "processInstanceBusinessKeyLike" in filters:
        matching = ProcessInstance.objects.filter(
            like("business_key", filters["processInstanceBusinessKeyLike"])
        )
        tasks = tasks.filter(process_instance_id__in=matching.values("id"))
    if "processDefinitionKey" in filters:
        tasks = tasks.filter(
            process_definition_id__in=_definitions(key=filters["processDefinitionKey"])
        )
    if "processDefinitionKeyIn" in filters:
        keys = filters["processDefinitionKeyIn"]
        tasks = tasks.filter(process_definition_id__in=_definitions(key__in=keys))
    if "processDefinitionName" in filters:
        name = filters["processDefinitionName"]
        tasks = tasks.filter(process_definition_id__in=_definitions(name=name))
    if "processDefinitionNameLike" in filters:
        matching_definitions = ProcessDefinition.objects.filter(
            like("name", filters["processDefinitionNameLike"])
        )
        tasks = tasks.filter(process_definition_id__in=matching_definitions.values("id"))
    if "tenantIdIn" in filters:
        tasks = tasks.filter(
            process_definition_id__in=_definitions(tenant_id__in=filters["tenantIdIn"])
        )
    if filters.get("withoutTenantId"):
        tasks = tasks.filter(process_definition_id__in=_definitions(tenant_id__isnull=True))
    tasks = _candidate_filters(tasks, filters)
    ignore_case = IgnoreCase.of(filters)
    if "processVariables" in filters:
        tasks = tasks.filter(
            process_variables_q(filters["processVariables"], "process_instance_id", ignore_case)
        )
    if "taskVariables" in filters:
        tasks = tasks.annotate(variable_scope=_task_scope()).filter(
            variables_q(
                filters["taskVariables"],
                outer_field="variable_scope",
                match_field="execution_id",
                ignore_case=ignore_case,
            )
        )
    return tasks


def _task_scope() -> Coalesce:
    """Where a task's local variables live: the token it waits at (its `execution_id` may
    name the instance, for a lone token), or the task itself when it is standalone."""
    token = ExecutionRow.objects.filter(
        process_instance_id=OuterRef("process_instance_id"),
        activity_instance_id=OuterRef("activity_instance_id"),
    ).values("id")[:1]
    return Coalesce(Subquery(token), F("id"))


def _candidate_filters(tasks: QuerySet[Task], filters: dict[str, Any]) -> QuerySet[Task]:
    """Camunda's candidate semantics: a candidate filter shows unassigned tasks only,
    unless includeAssignedTasks; candidateUser includes the user's groups."""
    offered: Q | None = None
    if "candidateUser" in filters:
        user = filters["candidateUser"]
        groups = list(Group.objects.filter(user__username=user).values_list("name", flat=True))
        offered = Q(user_id=user) | Q(group_id__in=groups) if groups else Q(user_id=user)
    if "candidateGroup" in filters:
        offered = Q(group_id=filters["candidateGroup"])
    if "candidateGroups" in filters:
        offered = Q(group_id__in=filters["candidateGroups"])
    if "candidateGroupLike" in filters:
        offered = like("group_id", filters["candidateGroupLike"])
    if offered is not None:
        tasks = tasks.filter(_candidates(offered))
        if not filters.get("includeAssignedTasks"):
            tasks = tasks.filter(assignee__isnull=True)
    if "involvedUser" in filters:
        user = filters["involvedUser"]
        tasks = tasks.filter(Q(assignee=user) | Q(owner=user) | _candidates(Q(user_id=user)))
    has_group = _candidates(Q(group_id__isnull=False))
    has_user = _candidates(Q(user_id__isnull=False))
    if filters.get("withCandidateGroups"):
        tasks = tasks.filter(has_group)
    if filters.get("withoutCandidateGroups"):
        tasks = tasks.exclude(has_group)
    if filters.get("withCandidateUsers"):
        tasks = tasks.filter(has_user)
    if filters.get("withoutCandidateUsers"):
        tasks = tasks.exclude(has_user)
    return tasks


@cache
def _form_ref(definition_id: str | None, task_definition_key: str | None) -> dict[str, Any] | None:
    # Definitions never change once deployed, so the answer can be kept per process.
    if definition_id is None or task_definition_key is None:
        return None  # a standalone task
    node = process_model(definition_id).find_node(task_definition_key)
    if isinstance(node, UserTask) and node.form_ref is not None:
        reference: dict[str, Any] | None = form_dto(None, node.form_ref)["camundaFormRef"]
        return reference
    return None


def task_dto(task: Task, tenants: dict[str, str | None] | None = None) -> serializers.Dto:
    """TaskDto, in Camunda's key order. Case fields are null (no CMMN); `lastUpdated` is
    null because task rows keep no update time. A standalone task has no process, execution
    or definition key (all null); a subtask (always standalone) names its `parentTaskId`."""
    if tenants is None:
        tenants = _tenants([task.process_definition_id])
    return {
        "id": task.id,
        "name": task.name,
        "assignee": task.assignee,
        "owner": task.owner,
        "created": format_date(task.created),
        "lastUpdated": None,
        "due": format_date(task.due_date),
        "followUp": format_date(task.follow_up_date),
        "delegationState": task.delegation_state,
        "description": task.description,
        "executionId": task.execution_id,
        "parentTaskId": task.parent_task_id,
        "priority": task.priority,
        "processDefinitionId": task.process_definition_id,
        "processInstanceId": task.process_instance_id,
        "caseExecutionId": None,
        "caseDefinitionId": None,
        "caseInstanceId": None,
        "taskDefinitionKey": task.task_definition_key,
        "suspended": task.suspended,
        "formKey": task.form_key,
        "camundaFormRef": _form_ref(task.process_definition_id, task.task_definition_key),
        "tenantId": tenants.get(task.process_definition_id),
    }


def _tenants(definition_ids: list[str]) -> dict[str, str | None]:
    return dict(
        ProcessDefinition.objects.filter(id__in=set(definition_ids)).values_list("id", "tenant_id")
    )


def task_dtos(tasks: list[Task]) -> list[serializers.Dto]:
    tenants = _tenants([t.process_definition_id for t in tasks])
    return [task_dto(task, tenants) for task in tasks]


def _filtered(request: Request, body: dict[str, Any] | None) -> tuple[QuerySet[Task], ParsedQuery]:
    query = TASK_QUERY.parse(request.query_params, body)
    return filter_tasks(request, query.filters), query


class TaskList(EngineView):
    """GET and POST /task: TaskDtos, or a HAL task list when asked for (task_hal)."""

    renderer_classes = task_hal.RENDERERS

    def get(self, request: Request) -> Response:
        return self._list(request, None)

    def post(self, request: Request) -> Response:
        return self._list(request, json_body(request))

    def _list(self, request: Request, body: dict[str, Any] | None) -> Response:
        tasks, query = _filtered(request, body)
        page = list(query.page.apply(tasks.order_by(*query.order_by)))
        return task_list_response(request, page, tasks, asked=query.filters)


def task_list_response(
    request: Request,
    page: list[Task],
    found: QuerySet[Task],
    variable_names: Sequence[str] = (),
    asked: Mapping[str, Any] | None = None,
) -> Response:
    """The page as TaskDtos (with what `asked` adds, task_extras), or as a HAL task list
    counting everything `found` holds."""
    dtos = task_dtos(page)
    if not task_hal.wants_hal(request):
        task_extras.extend(page, dtos, asked or {})
        return Response(dtos)
    return Response(task_hal.hal_task_list(page, dtos, found.count(), variable_names))


class TaskCount(EngineView):
    """GET and POST /task/count."""

    def get(self, request: Request) -> Response:
        return Response(serializers.count_dto(_filtered(request, None)[0].count()))

    def post(self, request: Request) -> Response:
        tasks = _filtered(request, json_body(request))[0]
        return Response(serializers.count_dto(tasks.count()))


def readable_task(request: Request, task_id: str) -> Task:
    """The task, or 404; 403 when the caller may not read it."""
    task = queries.get_task(task_id)
    require_task_permission(request, task, (Permission.READ,), involvement(task))
    return task


_UPDATABLE = {
    "name": "name",
    "description": "description",
    "priority": "priority",
    "owner": "owner",
    "due": "due_date",
    "followUp": "follow_up_date",
    "parentTaskId": "parent_task_id",
}


_TEXTS = ("name", "description", "owner")


def _task_changes(body: dict[str, Any]) -> dict[str, Any]:
    """TaskDto fields PUT /task/{id} may change; Camunda sets every one sent (null clears)."""
    changes: dict[str, Any] = {}
    for key, field_name in _UPDATABLE.items():
        if key not in body:
            continue
        value = body[key]
        if key in ("due", "followUp") and value is not None:
            try:
                value = parse_date(str(value))
            except ValueError:
                raise invalid_request(f"Cannot read '{key}': {value}") from None
        if key in _TEXTS and value is not None and not isinstance(value, str):
            raise invalid_request(f"'{key}' must be a string")
        if key == "priority" and (not isinstance(value, int) or isinstance(value, bool)):
            raise invalid_request("'priority' must be an integer")
        if key == "priority" and not -(2**31) <= value < 2**31:  # a Java int, as Camunda's
            raise invalid_request("'priority' is out of range for a 32-bit integer")
        if key == "parentTaskId" and not (value is None or (isinstance(value, str) and value)):
            raise invalid_request("'parentTaskId' must be a task id")
        changes[field_name] = value
    return changes


class TaskDetail(EngineView):
    """GET (a TaskDto, or a HalTask when asked for), PUT and DELETE /task/{id}."""

    renderer_classes = task_hal.RENDERERS

    def get(self, request: Request, task_id: str) -> Response:
        task = readable_task(request, task_id)
        dto = task_dto(task)
        if task_hal.wants_hal(request):
            return Response(task_hal.hal_task(task, dto))
        asked = {p.name: flag(request.query_params, p.name) for p in task_extras.PARAMS}
        task_extras.extend([task], [dto], asked)
        return Response(dto)

    def put(self, request: Request, task_id: str) -> Response:
        queries.get_task(task_id)
        changes = _task_changes(json_body(request))
        runtime.update_task(task_id, user_id=user_id(request), **changes)
        return Response(status=204)

    def delete(self, request: Request, task_id: str) -> Response:
        """Only a standalone task can be deleted (a 500 for a task of a process, as Camunda);
        an unknown id is a 400 there."""
        try:
            standalone_tasks.delete_task(task_id, user_id=user_id(request))
        except NotFoundError as missing:
            raise invalid_request(f"Could not delete task: {missing}") from None
        return Response(status=204)


# TaskDto fields Camunda's createTask reads that need what Legato does not keep.
_NOT_KEPT = {
    "caseInstanceId": "case instances (CMMN)",
    "tenantId": "tenants of standalone tasks",
}


class TaskCreate(EngineView):
    """POST /task/create: a standalone task from a TaskDto (Camunda: newTask + saveTask); with
    `parentTaskId`, a subtask of that task."""

    def post(self, request: Request) -> Response:
        body = json_body(request)
        for key, what in _NOT_KEPT.items():
            if body.get(key) is not None:
                raise invalid_request(f"Could not save task: '{key}' is not supported ({what})")
        task_id = body.get("id")
        if task_id is not None and (not isinstance(task_id, str) or not task_id):
            raise invalid_request("'id' must be a non-empty string")
        for key in ("name", "description", "assignee", "owner"):
            if body.get(key) is not None and not isinstance(body[key], str):
                raise invalid_request(f"'{key}' must be a string")
        delegation = body.get("delegationState")
        if delegation is not None and delegation not in ("PENDING", "RESOLVED"):
            raise invalid_request(
                f"Valid values for property 'delegationState' are 'PENDING' or 'RESOLVED', "
                f"but was '{delegation}'"
            )
        changes = _task_changes(body)
        try:
            standalone_tasks.create_task(
                task_id=task_id,
                assignee=body.get("assignee"),
                delegation_state=delegation,
                user_id=user_id(request),
                **changes,
            )
        except BadRequestError as refused:  # Camunda's NotValidException, as its REST words it
            raise invalid_request(f"Could not save task: {refused}") from None
        return Response(status=204)


class TaskCandidateGroupReport(AnyAcceptMixin, EngineView):
    """GET /task/report/candidate-group-count: unassigned tasks per candidate group, as JSON
    or, for `Accept: text/csv` or `application/csv`, as Camunda's CSV. Needs READ on all
    tasks (Camunda's TaskReportManager)."""

    def get(self, request: Request) -> HttpResponse:
        require(request.user, Permission.READ, Resource.TASK, ANY)
        rows = queries.task_count_by_candidate_group()
        # Camunda writes a group-less row's name as Java prints null.
        lines = [f"{'null' if group is None else group},{count}" for group, count in rows]
        return csv_response(
            request, "CANDIDATE_GROUP_NAME,TASK_COUNT", lines, "task-count-by-candidate-group.csv"
        ) or Response([{"groupName": group, "taskCount": count} for group, count in rows])

