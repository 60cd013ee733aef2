"""Shared REST plumbing: engine errors as Camunda bodies, query parameters, bodies."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from engine.errors import AuthorizationError, BadRequestError, EngineError, NotFoundError
from engine.rest.errors import CamundaError

_STATUS = {AuthorizationError: 403, NotFoundError: 404, BadRequestError: 400}


class CamundaView(APIView):
    """An APIView whose engine errors become Camunda's `{type, message}` with its status."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, EngineError) and not isinstance(exc, CamundaError):
            status = next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 500)
            exc = CamundaError(status, exc.camunda_type, str(exc))
        return super().handle_exception(exc)


def present(params: QueryDict) -> QueryDict:
    """The query parameters without their empty values: the identity lists and counts read
    `?id=` as no filter at all (the engine's lists would filter by the empty string)."""
    kept = QueryDict(mutable=True)
    for name, values in params.lists():
        if non_empty := [value for value in values if value != ""]:
            kept.setlist(name, non_empty)
    return kept


def body(request: Request) -> dict[str, Any]:
    data = request.data
    if not isinstance(data, dict):
        raise BadRequestError("The request body must be a JSON object")
    return data


def member_object(data: dict[str, Any], name: str) -> dict[str, Any]:
    """A JSON object nested in a body (`profile`, `credentials`); absent is empty."""
    member = data.get(name)
    if member is None:
        return {}
    if not isinstance(member, dict):
        raise BadRequestError(f"'{name}' must be a JSON object")
    return member
