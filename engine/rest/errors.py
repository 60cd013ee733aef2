"""Camunda-shaped error bodies: `{"type": ..., "message": ...}` with Camunda's status codes."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DataError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response

from engine.errors import (
    AuthorizationError,
    BadRequestError,
    DeploymentError,
    EngineError,
    NotFoundError,
)
from engine.runtime.errors import ConcurrentModification, ProcessEngineError
from engine.runtime.errors import NotFoundError as RuntimeNotFound
from engine.runtime.store import MismatchingMessageCorrelation

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


def too_large() -> CamundaError:
    """A body over `LEGATO_MAX_REQUEST_BODY_MB` (Django's RequestDataTooBig)."""
    limit = settings.LEGATO_MAX_REQUEST_BODY_MB
    return CamundaError(
        413, "RestException",
        f"The request body is larger than {limit} MB (LEGATO_MAX_REQUEST_BODY_MB)",
    )


def camunda_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every REST view's errors as Camunda answers them. What the interpreter refuses:
    404 for unknown things it names, 400 RestException for a message that matches nothing
    or too much (Camunda's MessageRestServiceImpl), 500 ProcessEngineException otherwise."""
    if isinstance(exc, RequestDataTooBig):
        exc = too_large()
    elif isinstance(exc, MismatchingMessageCorrelation):
        exc = CamundaError(400, "RestException", str(exc))
    elif isinstance(exc, RuntimeNotFound):
        exc = CamundaError(404, "InvalidRequestException", str(exc))
    elif isinstance(exc, ProcessEngineError):
        return _engine_exception("ProcessEngineException", exc, code=0)
    elif isinstance(exc, DataError | OverflowError):
        # a value no check above refused that its column cannot hold (too long for
        # PostgreSQL, too large an integer for SQLite): the client's input, and nothing kept
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        exc = CamundaError(400, "InvalidRequestException", f"A value cannot be stored: {reason}")
    elif isinstance(exc, ConcurrentModification):
        # a command that kept losing the race to others on the same instance, re-run from
        # fresh state each time (services.runtime.COMMAND_RETRIES); 1 is Camunda's built-in
        # code for its OptimisticLockingException
        return _engine_exception("OptimisticLockingException", exc, code=1)
    if isinstance(exc, CamundaError):
        return Response(error_body(exc.error_type, str(exc.detail)), status=exc.status_code)
    if isinstance(exc, EngineError):
        return engine_error_response(exc)
    if isinstance(exc, Http404):
        return Response(error_body("InvalidRequestException", str(exc)), status=404)
    if not isinstance(exc, exceptions.APIException):
        return None  # Django turns it into a 500 without a stack trace in the body.
    error_type = next(
        (name for cls, name in _TYPES.items() if isinstance(exc, cls)), "RestException"
    )
    response = Response(error_body(error_type, _message(exc)), status=exc.status_code)
    if exc.status_code == status.HTTP_401_UNAUTHORIZED:
        response["WWW-Authenticate"] = 'Basic realm="default"'
    return response


def _engine_exception(error_type: str, exc: Exception, *, code: int) -> Response:
    return Response({"type": error_type, "message": str(exc), "code": code}, status=500)


def _message(exc: exceptions.APIException) -> str:
    detail = exc.detail
    if isinstance(detail, dict):
        return "; ".join(f"{key}: {_flatten(value)}" for key, value in detail.items())
    return _flatten(detail)


def _flatten(detail: Any) -> str:
    if isinstance(detail, list):
        return " ".join(_flatten(item) for item in detail)
    return str(detail)


def engine_error_response(exc: EngineError) -> Response:
    """The Camunda status and body of an error raised by the engine's service API.

    Camunda's ExceptionHandlerHelper: a ParseException or BadUserRequestException is a 400,
    any other ProcessEngineException a 500; the REST resources turn the engine's
    NotFoundException into a 404 InvalidRequestException. Engine exceptions carry `code`
    (0: Camunda's generic built-in code); the REST layer's own InvalidRequestExceptions do not.
    """
    message = str(exc)
    if isinstance(exc, AuthorizationError):
        body403: dict[str, Any] = {
            **error_body("AuthorizationException", message),
            "userId": exc.user_id,
            "missingAuthorizations": exc.missing,
        }
        return Response(body403, status=403)
    if isinstance(exc, NotFoundError):
        return Response(error_body("InvalidRequestException", message), status=404)
    if isinstance(exc, BadRequestError):
        # InvalidRequestException, or the Camunda exception a subclass names
        return Response(error_body(exc.camunda_type, message), status=400)
    if isinstance(exc, DeploymentError):
        body: dict[str, Any] = {"type": "ParseException", "message": message, "code": 0}
        body["details"] = parse_details(exc)
        return Response(body, status=400)
    return Response({"type": exc.camunda_type, "message": message, "code": 0}, status=500)


def parse_details(exc: DeploymentError) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Camunda 7.19+'s `details`: per resource name, its errors (line, column, element ids).

    Our parser reports no columns; Camunda's ProblemDto has an int column, so it is 0.
    """
    details: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: {"errors": [], "warnings": []}
    )
    for problem in exc.problems:
        details[problem.resource]["errors"].append(
            {
                "message": problem.message,
                "line": problem.line or 0,
                "column": 0,
                "mainElementId": problem.element_id,
                "elementIds": [problem.element_id] if problem.element_id else [],
            }
        )
    return dict(details)
