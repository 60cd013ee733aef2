"""Camunda Connect's connectors for `camunda:connector` service tasks: `http-connector` and
`soap-http-connector`, plain HTTP with the standard library.

A connector takes the request its input parameters built (`url`, `method`, `headers`,
`payload`) and answers the response its output parameters read (`statusCode`, `response`,
`headers`). As in Camunda, an HTTP error status is an answer, not a failure; only a request
that gets no answer (bad URL, refused, timed out) fails the command. The call runs inside the
command, before it commits: a command re-run after losing a race calls again, as Camunda's
does.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

Connector = Callable[[Mapping[str, Any]], dict[str, Any]]
CONNECTORS = frozenset({"http-connector", "soap-http-connector"})
_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
_MAX_BODY = 10 * 1024 * 1024  # a response body kept as a variable: refuse what cannot be one


class ConnectorError(Exception):
    """The request could not be made or got no answer."""


def http_connectors(timeout_seconds: float) -> dict[str, Connector]:
    """Both connectors, each request bounded by `timeout_seconds`."""

    def http(request: Mapping[str, Any]) -> dict[str, Any]:
        return http_request(request, timeout_seconds, default_method="GET")

    def soap(request: Mapping[str, Any]) -> dict[str, Any]:
        return http_request(request, timeout_seconds, default_method="POST")

    return {"http-connector": http, "soap-http-connector": soap}


# No proxies from the environment, as Camunda's HTTP client uses none unless configured.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_request(
    request: Mapping[str, Any], timeout_seconds: float, *, default_method: str
) -> dict[str, Any]:
    url = request.get("url")
    if not isinstance(url, str) or not url.strip():
        raise ConnectorError("the request needs a 'url' input parameter")
    if urlsplit(url).scheme not in ("http", "https"):
        raise ConnectorError(f"'{url}' is not an http or https URL")
    method = str(request.get("method") or default_method).upper()
    if method not in _METHODS:
        raise ConnectorError(f"'{method}' is not an HTTP method")
    headers = request.get("headers") or {}
    if not isinstance(headers, Mapping):
        raise ConnectorError("the 'headers' input parameter must be a map")
    call = urllib.request.Request(
        url,
        data=_body(request.get("payload")),
        method=method,
        headers={str(name): str(value) for name, value in headers.items()},
    )
    try:
        with _opener.open(call, timeout=timeout_seconds) as answer:
            return _response(answer.status, answer.headers, answer.read(_MAX_BODY + 1))
    except urllib.error.HTTPError as error:  # a status >= 400 is an answer
        with error:
            return _response(error.code, error.headers, error.read(_MAX_BODY + 1))
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise ConnectorError(f"{method} {url} got no answer: {reason}") from None


def _body(payload: Any) -> bytes | None:
    if payload is None:
        return None
    if isinstance(payload, bytes):
        return payload
    if isinstance(payload, str):
        return payload.encode("utf-8")
    return json.dumps(payload).encode("utf-8")  # a map or list given as the payload


def _response(status: int, headers: Any, body: bytes) -> dict[str, Any]:
    if len(body) > _MAX_BODY:
        raise ConnectorError(f"the response is larger than {_MAX_BODY // (1024 * 1024)} MB")
    charset = headers.get_content_charset() if hasattr(headers, "get_content_charset") else None
    text = body.decode(charset or "utf-8", errors="replace")
    return {
        "statusCode": status,
        "response": text,
        "headers": {name: value for name, value in headers.items()} if headers else {},
    }
