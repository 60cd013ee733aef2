"""`/task/{id}/bpmnError` and `/task/{id}/bpmnEscalation`: a user reports a business error
or escalates at a user task (engine.services.task_events)."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from engine.rest.base import EngineView, json_body, user_id
from engine.rest.params import invalid_request
from engine.rest.variables import read_variables
from engine.services import task_events


class TaskBpmnError(EngineView):
    """POST /task/{id}/bpmnError `{errorCode, errorMessage, variables}`: 204."""

    def post(self, request: Request, task_id: str) -> Response:
        body = json_body(request)
        task_events.handle_task_bpmn_error(
            task_id,
            _text(body, "errorCode"),
            _text(body, "errorMessage"),
            read_variables(body.get("variables")),
            user_id=user_id(request),
        )
        return Response(status=204)


class TaskBpmnEscalation(EngineView):
    """POST /task/{id}/bpmnEscalation `{escalationCode, variables}`: 204."""

    def post(self, request: Request, task_id: str) -> Response:
        body = json_body(request)
        task_events.handle_task_escalation(
            task_id,
            _text(body, "escalationCode"),
            read_variables(body.get("variables")),
            user_id=user_id(request),
        )
        return Response(status=204)


def _text(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise invalid_request(f"'{name}' must be a string")
    return value
