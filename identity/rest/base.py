"""Shared REST plumbing of the identity resources: their view class, query parameters, bodies."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from rest_framework.request import Request
from rest_framework.views import APIView

from engine.errors import BadRequestError


class CamundaView(APIView):
    """An APIView of the identity resources. Its engine errors become Camunda's bodies and
    statuses through REST_FRAMEWORK's EXCEPTION_HANDLER (engine.rest.errors), as every
    /engine-rest view's: a 403 keeps its user and missing authorizations."""


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
