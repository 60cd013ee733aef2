"""A 204 answer has no body, so it names no content type: Django's HttpResponse gives every
answer `text/html`, where Camunda's 204s (JAX-RS) carry no Content-Type at all."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class NoContentWithoutType:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 204 and "Content-Type" in response:
            del response["Content-Type"]
        return response
