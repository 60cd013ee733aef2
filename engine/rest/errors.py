"""Camunda-shaped error bodies: `{"type": ..., "message": ...}` with Camunda's status codes."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, status
from rest_framework.response import Response

# Camunda's REST layer names the Java exception class in `type`.
_TYPES: dict[type[exceptions.APIException], str] = {
    exceptions.NotAuthenticated: "AuthenticationException",
    exceptions.AuthenticationFailed: "AuthenticationException",
    exceptions.PermissionDenied: "AuthorizationException",
    exceptions.NotFound: "InvalidRequestException",
    exceptions.ParseError: "InvalidRequestException",
    exceptions.ValidationError: "InvalidRequestException",
    exceptions.MethodNotAllowed: "RestException",
    exceptions.UnsupportedMediaType: "RestException",
    exceptions.NotAcceptable: "RestException",
}


class CamundaError(exceptions.APIException):
    """An error raised by a REST view with an explicit Camunda exception type."""

    def __init__(self, status_code: int, error_type: str, message: str) -> None:
        super().__init__(detail=message)
        self.status_code = status_code
        self.error_type = error_type


def error_body(error_type: str, message: str) -> dict[str, str]:
    return {"type": error_type, "message": message}


def camunda_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, CamundaError):
        return Response(error_body(exc.error_type, str(exc.detail)), status=exc.status_code)
    if not isinstance(exc, exceptions.APIException):
        return None  # Django turns it into a 500 without a stack trace in the body.
    error_type = next(
        (name for cls, name in _TYPES.items() if isinstance(exc, cls)), "RestException"
    )
    response = Response(error_body(error_type, _message(exc)), status=exc.status_code)
    if exc.status_code == status.HTTP_401_UNAUTHORIZED:
        response["WWW-Authenticate"] = 'Basic realm="default"'
    return response


def _message(exc: exceptions.APIException) -> str:
    detail = exc.detail
    if isinstance(detail, dict):
        return "; ".join(f"{key}: {_flatten(value)}" for key, value in detail.items())
    return _flatten(detail)


def _flatten(detail: Any) -> str:
    if isinstance(detail, list):
        return " ".join(_flatten(item) for item in detail)
    return str(detail)
