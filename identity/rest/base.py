"""Shared REST plumbing: engine errors as Camunda bodies, paging, booleans."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
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


def paged(request: Request, query: QuerySet) -> QuerySet:
    """Camunda's firstResult/maxResults."""
    first = _int(request, "firstResult", 0)
    count = _int(request, "maxResults", None)
    return query[first:first + count] if count is not None else query[first:]


def _int(request: Request, name: str, default: int | None) -> Any:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequestError(f"Cannot set query parameter '{name}' to value '{raw}'") from None
    if value < 0:
        raise BadRequestError(f"Query parameter '{name}' must not be negative")
    return value


def body(request: Request) -> dict[str, Any]:
    data = request.data
    if not isinstance(data, dict):
        raise BadRequestError("The request body must be a JSON object")
    return data
