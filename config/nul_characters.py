"""Requests carrying a NUL character are refused before anything is stored or queried.

PostgreSQL keeps no NUL in a text value: a filter or a value holding one would fail deep
inside a query or a write, as a server error. Refused instead with a 400 that names where the
NUL was (Camunda-shaped under `/engine-rest`):
- the path, the query string and url-encoded form fields, by `RefuseNulCharacters` on every
  request (and by `refusal` for the long-polling `fetchAndLock`, served in front of Django);
- every string and key of a JSON body, where the body is parsed: `JSONWithoutNulParser` for
  the REST views, `nul_in_json` for the views that read JSON themselves. Reading the body here
  would hold it to Django's upload limit, which the REST API does not apply.
Multipart bodies (deployments, uploaded files) are left to their views: files may hold any
byte.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

NUL = "\x00"
REST_PREFIX = "/engine-rest/"


def nul_message(where: str) -> str:
    return f"{where} contains a NUL character (U+0000), which cannot be stored"


class RefuseNulCharacters:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return refusal(request) or self.get_response(request)


def refusal(request: HttpRequest) -> HttpResponse | None:
    """The 400 for a request whose path, query or form holds a NUL character, or None."""
    where = nul_in_request(request)
    if where is None:
        return None
    if request.path_info.startswith(REST_PREFIX):
        # Camunda's ExceptionDto: a REST-layer exception of its own carries a null code
        body = {"type": "InvalidRequestException", "message": nul_message(where), "code": None}
        return JsonResponse(body, status=400)
    return HttpResponseBadRequest(nul_message(where), content_type="text/plain; charset=utf-8")


def nul_in_request(request: HttpRequest) -> str | None:
    """Where the path, query or url-encoded form holds a NUL ("Query parameter 'x'"), or None."""
    if NUL in request.path_info:
        return "The path"
    where = _nul_in_fields("Query parameter", request.GET.lists())
    if where is None and request.content_type == "application/x-www-form-urlencoded":
        where = _nul_in_fields("Form field", request.POST.lists())
    return where


def _nul_in_fields(kind: str, fields: Iterable[tuple[str, list[str]]]) -> str | None:
    for name, values in fields:
        if NUL in name or any(NUL in value for value in values):
            return f"{kind} '{name.replace(NUL, '')}'"
    return None


def nul_in_json(data: Any) -> str | None:
    """Where parsed JSON holds a NUL ("Property 'variables.x.value'"), or None."""
    path = _nul_path(data, ())
    if path is None:
        return None
    return f"Property '{'.'.join(path)}'" if path else "The body"


def _nul_path(data: Any, path: tuple[str, ...]) -> tuple[str, ...] | None:
    if isinstance(data, str):
        return path if NUL in data else None
    if isinstance(data, Mapping):
        for key, value in data.items():
            if NUL in key:
                return (*path, key.replace(NUL, ""))
            found = _nul_path(value, (*path, key))
            if found is not None:
                return found
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found = _nul_path(item, (*path, str(index)))
            if found is not None:
                return found
    return None


class JSONWithoutNulParser(JSONParser):
    """DRF's JSON parser, refusing a body that holds a NUL character."""

    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: Any = None
    ) -> Any:
        data = super().parse(stream, media_type, parser_context)
        where = nul_in_json(data)
        if where is not None:
            raise ParseError(nul_message(where))
        return data
