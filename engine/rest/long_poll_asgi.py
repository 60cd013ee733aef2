"""`POST /engine-rest/external-task/fetchAndLock` (also under `/engine-rest/engine/default/`)
served in front of Django's ASGI handler.

Django's handler gives each request a thread of its own for the request's synchronous parts,
and keeps it until the request ends: a long-polling worker would pin one idle thread for its
whole wait. Served here, the same async view runs on the event loop; its database work uses
the shared executor, so any number of waiting workers costs no thread each.
"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from typing import Any

from django.core.handlers.asgi import ASGIRequest

from config.named_engine import UnknownEngine, unnamed_path
from config.nul_characters import refusal

PATH = "/engine-rest/external-task/fetchAndLock"
MAX_BODY = 1024 * 1024

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


# Camunda's ExceptionDto of a RestException of the REST layer's own: a null code
_TOO_LARGE = b'{"type":"RestException","message":"Request too large","code":null}'


def with_long_poll(django_app: App) -> App:
    """Route fetchAndLock to the view directly; everything else to Django."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] != "POST"
                or _unnamed(scope["path"]) != PATH):
            await django_app(scope, receive, send)
            return
        body = await _read_body(receive)
        if body is None:
            await _send(send, 413, _TOO_LARGE, [(b"content-type", b"application/json")])
            return
        from engine.rest.external_tasks import fetch_and_lock

        request = ASGIRequest(scope, io.BytesIO(body))
        response = refusal(request) or await fetch_and_lock(request)
        headers = [(k.encode(), v.encode()) for k, v in response.items()]
        await _send(send, response.status_code, response.content, headers)

    return app


def _unnamed(path: str) -> str:
    try:
        return unnamed_path(path)
    except UnknownEngine:
        return path  # Django's handler answers it (config.named_engine)


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _send(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    headers = [h for h in headers if h[0].lower() != b"content-length"]
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
