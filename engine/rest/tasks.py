"""`/task`: list and count (GET and POST), get, update. Actions are in task_actions.py."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response

from engine import queries
from engine.bpmn.model import UserTask
from engine.definitions import process_model
from engine.errors import BadRequestError, NotFoundError
from engine.models import ProcessDefinition, Task
from engine.rest import serializers, task_extras, task_hal
from engine.rest.base import AnyAcceptMixin, EngineView, json_body, user_id
from engine.rest.dates import format_date, parse_date
from engine.rest.forms import form_dto
from engine.rest.history_reports import csv_response
from engine.rest.params import ParsedQuery, flag, invalid_request
from engine.rest.task_access import require_task_permission

# TASK_QUERY and filter_tasks live in task_filters; filters.py and filter_query.py import
# them from here too.
from engine.rest.task_filters import TASK_QUERY, filter_tasks
from engine.services import standalone_tasks
from engine.services.task_saving import save_task
from identity.authorization import ANY, Permission, require
from identity.resources import Resource
from tasklist.access import involvement


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
    """TaskDto, in Camunda's key order. Case fields are null (no CMMN). A standalone task has
    no process, execution or definition key (all null); a subtask (always standalone) names
    its `parentTaskId`."""
    if tenants is None:
        tenants = _tenants([task.process_definition_id])
    return {
        "id": task.id,
        "name": task.name,
        "assignee": task.assignee,
        "owner": task.owner,
        "created": format_date(task.created),
        "lastUpdated": format_date(task.last_updated),
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
        "tenantId": task.tenant_id or tenants.get(task.process_definition_id),
        "taskState": task.task_state,
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


def _saved_changes(body: dict[str, Any]) -> dict[str, Any]:
    """What PUT /task/{id} changes (Camunda's TaskDto.updateTask): `_task_changes`, the
    assignee and the delegation state; `tenantId` only as a check (a task cannot move to
    another tenant: task_saving.save_task), `caseInstanceId` only as null (no CMMN in Legato)."""
    if body.get("caseInstanceId") is not None:
        raise invalid_request(
            "Could not save task: 'caseInstanceId' is not supported (case instances (CMMN))"
        )
    changes = _task_changes(body)
    for key, field_name in (("assignee", "assignee"), ("tenantId", "tenant_id")):
        if key in body:
            if body[key] is not None and not isinstance(body[key], str):
                raise invalid_request(f"'{key}' must be a string")
            changes[field_name] = body[key]
    if "delegationState" in body:
        changes["delegation_state"] = _delegation_state(body["delegationState"])
    return changes


def _delegation_state(value: Any) -> str | None:
    """Camunda's DelegationStateConverter: PENDING or RESOLVED, in any case; null for none."""
    state = value.upper() if isinstance(value, str) else value
    if state not in (None, "PENDING", "RESOLVED"):
        raise invalid_request(
            f"Valid values for property 'delegationState' are 'PENDING' or 'RESOLVED', "
            f"but was '{value}'"
        )
    return state


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
        changes = _saved_changes(json_body(request))
        save_task(task_id, user_id=user_id(request), **changes)
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
_NOT_KEPT = {"caseInstanceId": "case instances (CMMN)"}


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
        for key in ("name", "description", "assignee", "owner", "tenantId"):
            if body.get(key) is not None and not isinstance(body[key], str):
                raise invalid_request(f"'{key}' must be a string")
        delegation = _delegation_state(body.get("delegationState"))
        changes = _task_changes(body)
        try:
            standalone_tasks.create_task(
                task_id=task_id,
                assignee=body.get("assignee"),
                delegation_state=delegation,
                tenant_id=body.get("tenantId"),
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

