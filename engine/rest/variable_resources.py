"""The variables sub-resource Camunda repeats on instances, executions and tasks.

`GET .../variables` (all visible), `POST .../variables` (`{modifications, deletions}`),
`GET/PUT/DELETE .../variables/{varName}`, `GET/POST .../variables/{varName}/data` (the
content of a Bytes or File variable: engine/rest/variable_data.py). One set of views serves
every owner through a small `VariableScope`: how to find the owner, check the caller's rights,
read and write.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response

from engine import queries
from engine.errors import NotFoundError
from engine.models import Execution, Task
from engine.rest.base import (
    SINGLE_VALUE,
    AnyAcceptMixin,
    EngineView,
    deserialize_values,
    json_body,
    require_on_instance,
    require_read_instance,
    user_id,
)
from engine.rest.params import invalid_request
from engine.rest.variable_data import binary_response, read_upload
from engine.rest.variables import read_value, read_variables, write_value, write_variables
from engine.runtime.values import TypedValue
from engine.services import runtime, task_scopes
from identity.authorization import Permission
from tasklist.access import involvement

Variables = dict[str, TypedValue]


@dataclass
class VariableScope:
    """Where variables live and who may touch them; `label` names it in Camunda's messages."""

    label: str
    read: Callable[[], Variables]
    write: Callable[[Mapping[str, TypedValue], Sequence[str]], None]
    check_read: Callable[[], None]
    check_update: Callable[[], None]


# -- owners --------------------------------------------------------------------------------


def instance_scope(request: Request, instance_id: str) -> VariableScope:
    instance = queries.get_process_instance(instance_id)
    definition_id = instance.process_definition_id

    def check_update() -> None:
        require_on_instance(
            request,
            instance_id,
            definition_id,
            [Permission.UPDATE_VARIABLE, Permission.UPDATE],
            [Permission.UPDATE_INSTANCE_VARIABLE, Permission.UPDATE_INSTANCE],
        )

    return VariableScope(
        label="process instance",
        read=lambda: queries.get_variables(instance_id),
        write=lambda values, removed: runtime.set_variables(
            instance_id, values, removed=removed, user_id=user_id(request)
        ),
        check_read=lambda: require_read_instance(request, instance_id, definition_id),
        check_update=check_update,
    )


def execution_scope(request: Request, execution_id: str) -> VariableScope:
    row = Execution.objects.filter(pk=execution_id).first()
    if row is None:
        raise NotFoundError(f"execution {execution_id} doesn't exist")
    instance = queries.get_process_instance(row.process_instance_id)
    definition_id = instance.process_definition_id

    def check_update() -> None:
        require_on_instance(
            request,
            instance.id,
            definition_id,
            [Permission.UPDATE_VARIABLE, Permission.UPDATE],
            [Permission.UPDATE_INSTANCE_VARIABLE, Permission.UPDATE_INSTANCE],
        )

    return VariableScope(
        label="execution",
        read=lambda: queries.get_variables(execution_id, local=True),
        write=lambda values, removed: runtime.set_variables(
            execution_id, values, local=True, removed=removed, user_id=user_id(request)
        ),
        check_read=lambda: require_read_instance(request, instance.id, definition_id),
        check_update=check_update,
    )


def task_scope(request: Request, task_id: str, *, local: bool) -> VariableScope:
    from engine.rest.task_access import require_task_permission

    task: Task = queries.get_task(task_id)
    return VariableScope(
        label="task",
        # A task of no process holds its own variables, and sees its parent tasks'.
        read=lambda: (
            queries.get_task_variables(task, local=local)
            if task.execution_id
            else task_scopes.visible_variables(task, local=local)
        ),
        write=lambda values, removed: runtime.set_task_variables(
            task_id, values, local=local, removed=removed, user_id=user_id(request)
        ),
        check_read=lambda: require_task_permission(
            request, task, (Permission.READ_VARIABLE, Permission.READ), involvement(task)
        ),
        check_update=lambda: require_task_permission(
            request, task, (Permission.UPDATE_VARIABLE, Permission.UPDATE), involvement(task)
        ),
    )


# -- views ---------------------------------------------------------------------------------

ScopeOf = Callable[..., VariableScope]


def read_modifications(body: Mapping[str, Any]) -> tuple[dict[str, TypedValue], list[str]]:
    """PatchVariablesDto: `modifications` (typed values) and `deletions` (names)."""
    modifications = read_variables(body.get("modifications"), "modifications")
    deletions = body.get("deletions") or []
    if not isinstance(deletions, list) or not all(isinstance(d, str) for d in deletions):
        raise invalid_request("'deletions' must be a list of variable names")
    return modifications, deletions


def variable_views(
    scope_of: ScopeOf, id_kwarg: str
) -> tuple[type[EngineView], type[EngineView], type[EngineView]]:
    """The collection view, the single-variable view and its `/data` view for one owner
    kind."""

    class VariableList(EngineView):
        def get(self, request: Request, **kwargs: str) -> Response:
            scope = scope_of(request, kwargs[id_kwarg])
            scope.check_read()
            return Response(write_variables(scope.read(), deserialize=deserialize_values(request)))

        def post(self, request: Request, **kwargs: str) -> Response:
            scope = scope_of(request, kwargs[id_kwarg])
            modifications, deletions = read_modifications(json_body(request))
            scope.check_update()
            scope.write(modifications, deletions)
            return Response(status=204)

    class VariableDetail(EngineView):
        def get(self, request: Request, var_name: str, **kwargs: str) -> Response:
            scope = scope_of(request, kwargs[id_kwarg])
            found = _readable(scope, var_name)
            deserialize = deserialize_values(request, SINGLE_VALUE)
            return Response(write_value(found, deserialize=deserialize))

        def put(self, request: Request, var_name: str, **kwargs: str) -> Response:
            scope = scope_of(request, kwargs[id_kwarg])
            value = read_value(var_name, json_body(request))
            scope.check_update()
            scope.write({var_name: value}, ())
            return Response(status=204)

        def delete(self, request: Request, var_name: str, **kwargs: str) -> Response:
            scope = scope_of(request, kwargs[id_kwarg])
            scope.check_update()
            scope.write({}, [var_name])
            return Response(status=204)

    class VariableData(AnyAcceptMixin, EngineView):
        def get(self, request: Request, var_name: str, **kwargs: str) -> HttpResponse:
            scope = scope_of(request, kwargs[id_kwarg])
            return binary_response(_readable(scope, var_name), var_name)

        def post(self, request: Request, var_name: str, **kwargs: str) -> Response:
            scope = scope_of(request, kwargs[id_kwarg])
            value = read_upload(request)
            scope.check_update()
            scope.write({var_name: value}, ())
            return Response(status=204)

    return VariableList, VariableDetail, VariableData


def _readable(scope: VariableScope, name: str) -> TypedValue:
    scope.check_read()
    found = scope.read().get(name)
    if found is None:
        # Camunda's wording (AbstractVariablesResource.getVariable).
        raise NotFoundError(f"{scope.label} variable with name {name} does not exist")
    return found


ProcessInstanceVariables, ProcessInstanceVariable, ProcessInstanceVariableData = variable_views(
    instance_scope, "instance_id"
)
ExecutionLocalVariables, ExecutionLocalVariable, ExecutionLocalVariableData = variable_views(
    execution_scope, "execution_id"
)
TaskVariables, TaskVariable, TaskVariableData = variable_views(
    lambda request, task_id: task_scope(request, task_id, local=False), "task_id"
)
TaskLocalVariables, TaskLocalVariable, TaskLocalVariableData = variable_views(
    lambda request, task_id: task_scope(request, task_id, local=True), "task_id"
)
