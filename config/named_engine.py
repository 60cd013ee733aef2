"""Camunda's named-engine paths: `/engine-rest/engine/{name}/...` is the same resource as
`/engine-rest/...` (Camunda's NamedProcessEngineRestServiceImpl). Legato runs one engine,
`default`; any other name is Camunda's 400 "No process engine available"."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from engine.rest.views import ENGINE_NAME

NAMED = "/engine-rest/engine/"
DEFAULT = f"{NAMED}{ENGINE_NAME}/"


class UnknownEngine(Exception):
    """A path names an engine Legato does not run."""


def unnamed_path(path: str) -> str:
    """The path without its engine name (the path itself when it names none).
    `/engine-rest/engine` (the engine list) and `/engine-rest/engine/{name}` alone are left
    as they are: they name no resource of an engine."""
    if path.startswith(DEFAULT):
        return "/engine-rest/" + path[len(DEFAULT):]
    if path.startswith(NAMED) and "/" in path[len(NAMED):]:
        raise UnknownEngine(path)
    return path


class NamedEngineRoutes:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            # URLs resolve `path_info`; `path` keeps what the client asked for.
            request.path_info = unnamed_path(request.path_info)
        except UnknownEngine:
            # Camunda's ExceptionDto of its REST layer's own InvalidRequestException: code null
            body = {"type": "InvalidRequestException", "message": "No process engine available",
                    "code": None}
            return JsonResponse(body, status=400)
        return self.get_response(request)
