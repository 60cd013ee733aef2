"""Requests carrying a NUL character are refused before any view runs.

PostgreSQL keeps no NUL in a text value: a filter or a value holding one would fail deep
inside a query or a write, as a server error. Refused at the door instead, with a 400 that
names the parameter (Camunda-shaped under `/engine-rest`). Checked: the path, the query
string, form fields, and every string and key of a JSON body. Multipart bodies (deployments,
uploaded files) are left to their views: files may hold any byte. The long-polling
`fetchAndLock`, served in front of Django, asks `refusal` itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

NUL = "\x00"
REST_PREFIX = "/engine-rest/"


class RefuseNulCharacters:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return refusal(request) or self.get_response(request)


def refusal(request: HttpRequest) -> HttpResponse | None:
    """The 400 for a request holding a NUL character, or None."""
    where = nul_in_request(request)
    if where is None:
        return None
    message = f"{where} contains a NUL character (U+0000), which cannot be stored"
    if request.path_info.startswith(REST_PREFIX):
        return JsonResponse({"type": "InvalidRequestException", "message": message}, status=400)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def nul_in_request(request: HttpRequest) -> str | None:
    """Where the request holds a NUL character ("query parameter 'x'", ...), or None."""
    if NUL in request.path_info:
        return "The path"
    where = _nul_in_fields("Query parameter", request.GET.lists())
    if where is not None:
        return where
    content_type = request.content_type or ""
    if content_type == "application/x-www-form-urlencoded":
        return _nul_in_fields("Form field", request.POST.lists())
    # the text of a NUL in JSON is the escape \u0000 (a raw NUL byte is malformed JSON,
    # which the views' parser refuses): only a body holding one is parsed here
    if content_type.endswith("json") and b"\\u0000" in request.body:
        try:
            data = json.loads(request.body)
        except ValueError:
            return None
        path = _nul_in_json(data, ())
        if path is not None:
            return f"Property '{'.'.join(path)}'" if path else "The body"
    return None


def _nul_in_fields(kind: str, fields: Iterable[tuple[str, list[str]]]) -> str | None:
    for name, values in fields:
        if NUL in name or any(NUL in value for value in values):
            return f"{kind} '{name.replace(NUL, '')}'"
    return None


def _nul_in_json(data: Any, path: tuple[str, ...]) -> tuple[str, ...] | None:
    if isinstance(data, str):
        return path if NUL in data else None
    if isinstance(data, dict):
        for key, value in data.items():
            if NUL in key:
                return (*path, key.replace(NUL, ""))
            found = _nul_in_json(value, (*path, key))
            if found is not None:
                return found
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found = _nul_in_json(item, (*path, str(index)))
            if found is not None:
                return found
    return None
