"""HAL answers (`Accept: application/hal+json`) of the task resources, in the shape of
Camunda's HalTaskList (GET|POST /task, GET|POST /filter/{id}/list) and HalTask
(GET /task/{id}).

A HAL task list is `{_links: {self}, _embedded: {assignee, owner, processDefinition, task},
count}`: the tasks of the page, the total count, and the users and definitions they link to,
each once (a link to a user who does not exist embeds nothing, as Camunda's resolver). A
filter's list also embeds into each task the values of the variables its
`properties.variables` name, looked up from the task outwards (task, execution, process
instance; engine/queries/task_variables.py): what Camunda's Tasklist shows on its task
cards. Links are relative to `/engine-rest`, as Camunda writes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.models import Group, User
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from engine.models import ProcessDefinition, Task
from engine.queries.task_variables import ScopedVariable, ScopeKind, visible_task_variables
from engine.queries.tasks import task_identity_links
from engine.rest.variables import write_stored
from identity.models import GroupProfile

HAL = "application/hal+json"


class HalJSONRenderer(JSONRenderer):
    media_type = HAL
    format = "hal"


# JSON first: a client that accepts anything gets the plain list, as from Camunda.
RENDERERS = [JSONRenderer, HalJSONRenderer]

# HalTask's fields, in its order (a TaskDto without lastUpdated and camundaFormRef).
_TASK_FIELDS = (
    "id", "name", "assignee", "created", "due", "followUp", "delegationState", "description",
    "executionId", "owner", "parentTaskId", "priority", "processDefinitionId",
    "processInstanceId", "taskDefinitionKey", "caseExecutionId", "caseInstanceId",
    "caseDefinitionId", "suspended", "formKey", "tenantId",
)


def wants_hal(request: Request) -> bool:
    return getattr(request.accepted_renderer, "media_type", None) == HAL


def hal_task_list(
    tasks: Sequence[Task], dtos: Sequence[dict[str, Any]], count: int,
    variable_names: Sequence[str] = (),
) -> dict[str, Any]:
    """HalTaskList of a page of tasks and their TaskDtos; `count` is the query's total."""
    if not tasks:
        return {"_links": {}, "_embedded": {}, "count": count}
    hal_tasks = [_hal_task(dto) for dto in dtos]
    if variable_names:
        values = _variable_values(tasks, variable_names)
        for entry, task in zip(hal_tasks, tasks, strict=True):
            entry["_embedded"] = {"variable": values.get(task.id, [])}
    users = _users({t.assignee for t in tasks} | {t.owner for t in tasks})
    embedded: dict[str, Any] = {
        "assignee": _present(users, (t.assignee for t in tasks)),
        "owner": _present(users, (t.owner for t in tasks)),
        "processDefinition": _definitions({t.process_definition_id for t in tasks}),
        "task": hal_tasks,
    }
    return {
        "_links": {"self": _link("/task")},
        "_embedded": {rel: found for rel, found in embedded.items() if found},
        "count": count,
    }


def hal_task(task: Task, dto: dict[str, Any]) -> dict[str, Any]:
    """One task as Camunda's HalTask (GET /task/{id}): with its process definition, its
    identity links and the users and groups they name embedded."""
    links = task_identity_links(task)
    users = _users({link["userId"] for link in links})
    groups = sorted({link["groupId"] for link in links if link["groupId"]})
    embedded = {
        "group": _groups(groups),
        "identityLink": [_hal_identity_link(task.id, link) for link in links],
        "processDefinition": _definitions({task.process_definition_id}),
        "user": _present(users, (link["userId"] for link in links)),
    }
    found = _hal_task(dto)
    found["_embedded"] = {rel: items for rel, items in embedded.items() if items}
    return found


def _hal_task(dto: dict[str, Any]) -> dict[str, Any]:
    task_id = dto["id"]
    targets = {
        "assignee": ("/user", dto["assignee"]),
        "execution": ("/execution", dto["executionId"]),
        "identityLink": ("/task", f"{task_id}/identity-links"),
        "owner": ("/user", dto["owner"]),
        "parentTask": ("/task", dto["parentTaskId"]),
        "processDefinition": ("/process-definition", dto["processDefinitionId"]),
        "processInstance": ("/process-instance", dto["processInstanceId"]),
        "self": ("/task", task_id),
    }
    links = {rel: _link(f"{base}/{ident}") for rel, (base, ident) in targets.items() if ident}
    return {"_links": links, "_embedded": None, **{name: dto[name] for name in _TASK_FIELDS}}


def _link(href: str) -> dict[str, str]:
    return {"href": href}


def _users(ids: set[str | None]) -> dict[str, dict[str, Any]]:
    found = User.objects.filter(username__in=[i for i in ids if i]).order_by("username")
    return {
        user.username: {
            "_links": {"self": _link(f"/user/{user.username}")},
            "_embedded": None,
            "id": user.username,
            "firstName": user.first_name,
            "lastName": user.last_name,
            "email": user.email,
        }
        for user in found
    }


def _hal_identity_link(task_id: str, link: dict[str, Any]) -> dict[str, Any]:
    targets = {"group": ("/group", link["groupId"]), "task": ("/task", task_id),
               "user": ("/user", link["userId"])}
    return {
        "_links": {rel: _link(f"{base}/{ident}") for rel, (base, ident) in targets.items()
                   if ident},
        "_embedded": None,
        "type": link["type"],
        "userId": link["userId"],
        "groupId": link["groupId"],
        "taskId": task_id,
    }


def _groups(ids: list[str]) -> list[dict[str, Any]]:
    """HalGroup of each group that exists, as GET /group/{id} describes it."""
    profiles = {
        group: (name, kind)
        for group, name, kind in GroupProfile.objects.filter(group__name__in=ids).values_list(
            "group__name", "name", "type"
        )
    }
    existing = Group.objects.filter(name__in=ids).order_by("name").values_list("name", flat=True)
    return [
        {"_links": {"self": _link(f"/group/{group}")}, "_embedded": None, "id": group,
         "name": profiles.get(group, (group, ""))[0] or group,
         "type": profiles.get(group, (group, ""))[1]}
        for group in existing
    ]


def _present(users: dict[str, dict[str, Any]], ids: Iterable[str | None]) -> list[Any]:
    return [users[i] for i in sorted({i for i in ids if i}) if i in users]


def _definitions(ids: set[str | None]) -> list[dict[str, Any]]:
    rows = ProcessDefinition.objects.filter(id__in=[i for i in ids if i]).order_by("id")
    return [
        {
            "_links": {
                "deployment": _link(f"/deployment/{row.deployment_id}"),
                "resource": _link(f"/deployment/{row.deployment_id}/resources/{row.resource_name}"),
                "self": _link(f"/process-definition/{row.id}"),
            },
            "_embedded": None,
            "id": row.id,
            "key": row.key,
            "category": row.category,
            "description": row.description,
            "name": row.name,
            "versionTag": row.version_tag,
            "version": row.version,
            "resource": row.resource_name,
            "deploymentId": row.deployment_id,
            "diagram": None,
            "suspended": row.suspended,
            "contextPath": None,  # no process applications
        }
        for row in rows
    ]


def _variable_values(
    tasks: Sequence[Task], names: Sequence[str]
) -> dict[str, list[dict[str, Any]]]:
    """Per task, the named variables it sees, nearest scope first (a name found nearer hides
    the same name further out), in a fixed number of statements for the page."""
    found = visible_task_variables(tasks, names)
    return {
        task_id: [_hal_variable(scoped) for scoped in variables.values()]
        for task_id, variables in found.items()
    }


def _hal_variable(scoped: ScopedVariable) -> dict[str, Any]:
    row, scope_id = scoped.row, scoped.scope_id
    if scoped.scope is ScopeKind.TASK:
        path = f"/task/{scope_id}/localVariables"
    elif scoped.scope is ScopeKind.PROCESS_INSTANCE:
        path = f"/process-instance/{scope_id}/variables"
    else:
        path = f"/execution/{scope_id}/localVariables"
    typed = write_stored(row.type, row.value)
    return {
        "_links": {"self": _link(f"{path}/{row.name}")},
        "_embedded": None,
        "name": row.name,
        "value": typed["value"],
        "type": typed["type"],
        "valueInfo": typed["valueInfo"],
    }
