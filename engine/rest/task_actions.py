"""`/task/{id}/...` actions: claim, unclaim, assignee, delegate, resolve, complete,
submit-form, forms, identity links and comments.

The services check the caller's task permissions themselves (engine.services.authz); reads
are checked here. Comments are the tasklist's rows (tasklist.models.TaskComment), written as
the tasklist page writes them.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response

from engine import queries
from engine.bpmn.model import UserTask
from engine.definitions import process_model
from engine.errors import NotFoundError
from engine.models import (
    ProcessDefinition,
    ProcessInstance,
    Task,
)
from engine.queries.tasks import task_identity_links
from engine.rest import serializers
from engine.rest.base import (
    AnyAcceptMixin,
    EngineView,
    deserialize_values,
    json_body,
    user_id,
)
from engine.rest.dates import format_date
from engine.rest.definition_actions import _variables_of
from engine.rest.errors import CamundaError
from engine.rest.forms import (
    deployed_form,
    field_values,
    form_dto,
    form_variables,
    rendered_form,
)
from engine.rest.params import first_value, invalid_request
from engine.rest.task_access import require_read_task_or_history, require_task_permission
from engine.rest.tasks import readable_task
from engine.rest.variables import read_variables, write_value, write_variables
from engine.runtime.forms import FormFieldValidationError
from engine.services import forms, identity_links, runtime, task_scopes
from identity.authorization import Permission
from tasklist import comments
from tasklist.access import involvement
from tasklist.models import TaskComment


def _user_in(body: dict[str, Any], required: bool = True) -> str | None:
    value = body.get("userId")
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise invalid_request("'userId' must name a user")
    return value


class Claim(EngineView):
    """POST /task/{id}/claim `{userId}`."""

    def post(self, request: Request, task_id: str) -> Response:
        assignee = _user_in(json_body(request))
        runtime.claim_task(task_id, str(assignee), user_id=user_id(request))
        return Response(status=204)


class Unclaim(EngineView):
    """POST /task/{id}/unclaim."""

    def post(self, request: Request, task_id: str) -> Response:
        runtime.unclaim_task(task_id, user_id=user_id(request))
        return Response(status=204)


class Assignee(EngineView):
    """POST /task/{id}/assignee `{userId}` (null unassigns)."""

    def post(self, request: Request, task_id: str) -> Response:
        assignee = _user_in(json_body(request), required=False)
        runtime.set_assignee(task_id, assignee, user_id=user_id(request))
        return Response(status=204)


class Delegate(EngineView):
    """POST /task/{id}/delegate `{userId}`."""

    def post(self, request: Request, task_id: str) -> Response:
        delegate = _user_in(json_body(request))
        runtime.delegate_task(task_id, str(delegate), user_id=user_id(request))
        return Response(status=204)


class Resolve(EngineView):
    """POST /task/{id}/resolve `{variables}`."""

    def post(self, request: Request, task_id: str) -> Response:
        variables = read_variables(json_body(request).get("variables"))
        runtime.resolve_task(task_id, variables, user_id=user_id(request))
        return Response(status=204)


def _complete(request: Request, task_id: str, *, submit_form: bool = False) -> Response:
    body = json_body(request)
    variables = read_variables(body.get("variables"))
    task = queries.get_task(task_id)
    standalone = task.process_instance_id is None
    # A task of no process answers the variables it saw (Camunda: getVariablesTyped): its
    # own, read now, as they go with it, over what its parents hold once it completed.
    own = task_scopes.visible_variables(task, local=True) if standalone else {}
    if submit_form:
        try:
            forms.submit_task_form(task_id, variables, user_id=user_id(request))
        except FormFieldValidationError as error:
            # Camunda's TaskResourceImpl.submit: a 400 RestException with this prefix.
            raise CamundaError(
                400, "RestException", f"Cannot submit task form {task_id}: {error}"
            ) from error
    else:
        runtime.complete_task(task_id, variables, user_id=user_id(request))
    if not body.get("withVariablesInReturn"):
        return Response(status=204)
    if standalone:
        kept = {} if task.parent_task_id else variables  # a task with no parent keeps them
        values = {**task_scopes.inherited_variables(task), **own, **kept}
        return Response(write_variables(values, deserialize=deserialize_values(request)))
    # Camunda answers the process variables after the completion.
    still_running = ProcessInstance.objects.filter(pk=task.process_instance_id).exists()
    values = _variables_of(task.process_instance_id, ended=not still_running)
    return Response(write_variables(values, deserialize=deserialize_values(request)))


class Complete(EngineView):
    """POST /task/{id}/complete `{variables, withVariablesInReturn}`: 204, or 200 with the
    process variables."""

    def post(self, request: Request, task_id: str) -> Response:
        return _complete(request, task_id)


class SubmitForm(EngineView):
    """POST /task/{id}/submit-form `{variables, withVariablesInReturn}`: as complete, but a
    generated form's fields are validated and typed first (a refused field: 400), and a
    delegated task is resolved rather than completed."""

    def post(self, request: Request, task_id: str) -> Response:
        return _complete(request, task_id, submit_form=True)


def _user_task(task: Task) -> UserTask | None:
    if task.process_definition_id is None:
        return None  # a standalone task: no model, no form
    node = process_model(task.process_definition_id).find_node(task.task_definition_key)
    return node if isinstance(node, UserTask) else None


class TaskForm(EngineView):
    """GET /task/{id}/form: FormDto."""

    def get(self, request: Request, task_id: str) -> Response:
        task = readable_task(request, task_id)
        node = _user_task(task)
        return Response(form_dto(task.form_key, node.form_ref if node else None))


class TaskDeployedForm(AnyAcceptMixin, EngineView):
    """GET /task/{id}/deployed-form: the deployed form file the task references."""

    def get(self, request: Request, task_id: str) -> HttpResponse:
        task = readable_task(request, task_id)
        node = _user_task(task)
        definition = ProcessDefinition.objects.filter(pk=task.process_definition_id).first()
        if definition is None:  # a standalone task
            raise invalid_request(f"Task {task_id} belongs to no process and has no form")
        return deployed_form(definition, task.form_key, node.form_ref if node else None)


class TaskFormVariables(EngineView):
    """GET /task/{id}/form-variables: the form fields with their values, then the other
    variables the task sees (Camunda's GetTaskFormVariablesCmd collects those too: a form of
    no fields loads them all)."""

    def get(self, request: Request, task_id: str) -> Response:
        task = readable_task(request, task_id)
        node = _user_task(task)
        raw_names = first_value(request.query_params, "variableNames")
        names = raw_names.split(",") if raw_names else None
        deserialize = deserialize_values(request)
        typed = (
            task_scopes.visible_variables(task, local=False)
            if task.process_instance_id is None  # a standalone task
            else queries.get_task_variables(task)
        )
        found: dict[str, Any] = {}
        if node is not None:
            values = field_values(
                task.process_definition_id, node.id, {k: v.value for k, v in typed.items()}
            )
            found = form_variables(node.form_fields, values, names, deserialize=deserialize)
        for name, value in typed.items():
            if name not in found and (names is None or name in names):
                found[name] = write_value(value, deserialize=deserialize)
        return Response(found)


class RenderedForm(AnyAcceptMixin, EngineView):
    """GET /task/{id}/rendered-form: the generated HTML form; 404 without form fields."""

    def get(self, request: Request, task_id: str) -> HttpResponse:
        task = readable_task(request, task_id)
        node = _user_task(task)
        if node is None or not node.form_fields:
            # Camunda's wording (TaskResourceImpl.getRenderedForm).
            raise NotFoundError(f"No matching rendered form for task with the id {task_id} found.")
        return HttpResponse(rendered_form(node.form_fields), content_type="application/xhtml+xml")


class IdentityLinks(EngineView):
    """GET /task/{id}/identity-links[?type=] and POST (add a link)."""

    def get(self, request: Request, task_id: str) -> Response:
        links = task_identity_links(readable_task(request, task_id))
        wanted = first_value(request.query_params, "type")
        return Response([link for link in links if wanted is None or link["type"] == wanted])

    def post(self, request: Request, task_id: str) -> Response:
        """IdentityLinkDto `{userId | groupId, type}`: add a candidate, or set the assignee or
        owner; 204."""
        queries.get_task(task_id)
        identity_links.add_identity_link(
            task_id, _identity_link(json_body(request)), user_id=user_id(request)
        )
        return Response(status=204)


class IdentityLinksDelete(EngineView):
    """POST /task/{id}/identity-links/delete: the IdentityLinkDto to remove; 204."""

    def post(self, request: Request, task_id: str) -> Response:
        queries.get_task(task_id)
        identity_links.delete_identity_link(
            task_id, _identity_link(json_body(request)), user_id=user_id(request)
        )
        return Response(status=204)


def _identity_link(body: dict[str, Any]) -> identity_links.IdentityLink:
    values = {key: body.get(key) for key in ("userId", "groupId", "type")}
    for key, value in values.items():
        if value is not None and (not isinstance(value, str) or not value):
            raise invalid_request(f"'{key}' must be a non-empty string")
    if values["type"] is None:
        raise invalid_request("'type' is required: candidate, assignee or owner")
    return identity_links.IdentityLink(
        type=values["type"], user_id=values["userId"], group_id=values["groupId"]
    )


def comment_dto(request: Request, row: TaskComment) -> serializers.Dto:
    """CommentDto. The root instance is the comment's instance (no call hierarchy kept)."""
    return {
        "links": [
            serializers.self_link(
                request, "rest-task-comment", task_id=row.task_id, comment_id=str(row.pk)
            )
        ],
        "id": str(row.pk),
        "userId": row.user_id,
        "taskId": row.task_id,
        "processInstanceId": row.process_instance_id,
        "time": format_date(row.time),
        "message": row.message,
        "removalTime": None,
        "rootProcessInstanceId": row.process_instance_id,
    }


def workable_task(request: Request, task_id: str) -> Task:
    """The task, or 404; 403 unless the caller may work on it (TASK_WORK or UPDATE)."""
    task = queries.get_task(task_id)
    require_task_permission(
        request, task, (Permission.TASK_WORK, Permission.UPDATE), involvement(task)
    )
    return task


class Comments(EngineView):
    """GET /task/{id}/comment; PUT `{id, message}` changes one; DELETE removes them all."""

    def get(self, request: Request, task_id: str) -> Response:
        require_read_task_or_history(request, task_id)
        rows = TaskComment.objects.filter(task_id=task_id)
        return Response([comment_dto(request, row) for row in rows])

    def delete(self, request: Request, task_id: str) -> Response:
        comments.delete_comments(workable_task(request, task_id), user_id=user_id(request))
        return Response(status=204)

    def put(self, request: Request, task_id: str) -> Response:
        # Camunda reads only `id` and `message` of the CommentDto sent.
        body = json_body(request)
        comments.update_comment(workable_task(request, task_id), comment_id_in(body),
                                body.get("message"), user_id=user_id(request))
        return Response(status=204)


def comment_id_in(body: dict[str, Any]) -> str:
    comment_id = body.get("id")
    if not isinstance(comment_id, str) or not comment_id:
        raise invalid_request("'id' must name the comment")
    return comment_id


class CommentUpdate(EngineView):
    """PUT /task/comment `{id, taskId, message}` (Camunda 7.21)."""

    def put(self, request: Request) -> Response:
        body = json_body(request)
        task_id, comment_id = body.get("taskId"), body.get("id")
        if not isinstance(task_id, str) or not isinstance(comment_id, str):
            raise invalid_request("'taskId' and 'id' must name the task and its comment")
        comments.update_comment(workable_task(request, task_id), comment_id, body.get("message"),
                                user_id=user_id(request))
        return Response(status=204)


class CommentCreate(EngineView):
    """POST /task/{id}/comment/create `{message}`: CommentDto."""

    def post(self, request: Request, task_id: str) -> Response:
        message = comments.checked_message(json_body(request).get("message"))
        task = workable_task(request, task_id)
        row = comments.add_comment(task, message, user_id=user_id(request))
        return Response(comment_dto(request, row))


class CommentDetail(EngineView):
    """GET and DELETE /task/{id}/comment/{commentId}."""

    def get(self, request: Request, task_id: str, comment_id: str) -> Response:
        require_read_task_or_history(request, task_id)
        return Response(comment_dto(request, comments.comment_of(task_id, comment_id)))

    def delete(self, request: Request, task_id: str, comment_id: str) -> Response:
        comments.delete_comment(workable_task(request, task_id), comment_id,
                                user_id=user_id(request))
        return Response(status=204)
