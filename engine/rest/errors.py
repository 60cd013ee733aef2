"""Camunda-shaped error bodies: `{"type": ..., "message": ..., "code": ...}` (ExceptionDto and
its subclasses) with Camunda's status codes."""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Mapping, Sequence
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


# Camunda's BuiltinExceptionCode: FALLBACK for any ProcessEngineException, OPTIMISTIC_LOCKING
# for its OptimisticLockingException, COLUMN_SIZE_TOO_SMALL for a value its column cannot hold.
FALLBACK_CODE = 0
OPTIMISTIC_LOCKING_CODE = 1
COLUMN_SIZE_TOO_SMALL_CODE = 10_002

# The REST layer's own exceptions: no code of their own, only that of an engine exception they
# wrap (Camunda's ExceptionHandlerHelper.provideExceptionCode); every other type Legato names
# is a ProcessEngineException.
REST_TYPES = frozenset({"InvalidRequestException", "RestException"})
AUTHENTICATION = "AuthenticationException"
AUTHORIZATION = "AuthorizationException"


class CamundaError(exceptions.APIException):
    """An error raised by a REST view with an explicit Camunda exception type.

    `code` defaults to what Camunda would send: 0 for an engine exception type, and for
    InvalidRequestException/RestException the code of the engine refusal it was made from.
    """

    def __init__(
        self, status_code: int, error_type: str, message: str, *, code: int | None = None
    ) -> None:
        super().__init__(detail=message)
        self.status_code = status_code
        self.error_type = error_type
        self.code = code
        # Java's cause: the exception being handled when this one was made (a view that
        # turns an engine error into a REST one inside its except block); it gives a
        # wrapping REST exception its code, and a 403 its user and missing rights.
        self.cause = sys.exc_info()[1]


def type_code(error_type: str) -> int | None:
    """The code Camunda sends for an exception of `error_type` that wraps nothing."""
    if error_type == "OptimisticLockingException":
        return OPTIMISTIC_LOCKING_CODE
    return None if error_type in REST_TYPES else FALLBACK_CODE


def cause_code(cause: BaseException | None) -> int | None:
    """The code of an engine refusal a REST exception wraps; None for anything else."""
    if isinstance(cause, ConcurrentModification):
        return OPTIMISTIC_LOCKING_CODE
    if isinstance(cause, ProcessEngineError):
        return FALLBACK_CODE
    if isinstance(cause, CamundaError):
        return _camunda_error_code(cause)
    if isinstance(cause, EngineError):
        return type_code(cause.camunda_type)
    return None


def error_body(error_type: str, message: str, code: int | None = None) -> dict[str, Any]:
    """Camunda's ExceptionDto; `code` None means the type's own (`type_code`).

    The 401 body stays `{type, message}`: Camunda sends none, it is Legato's own.
    """
    if error_type == AUTHENTICATION:
        return {"type": error_type, "message": message}
    return {
        "type": error_type,
        "message": message,
        "code": type_code(error_type) if code is None else code,
    }


def authorization_body(
    message: str, user_id: str | None = None, missing: Sequence[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """Camunda's AuthorizationExceptionDto, in its key order. The deprecated `resourceName`,
    `resourceId` and `permissionName` are still sent: those of the one missing authorization,
    null when none or several are missing."""
    single: Mapping[str, Any] = missing[0] if len(missing) == 1 else {}
    return {
        **error_body(AUTHORIZATION, message, FALLBACK_CODE),
        "userId": user_id or None,
        "resourceName": single.get("resourceName"),
        "resourceId": single.get("resourceId"),
        "permissionName": single.get("permissionName"),
        "missingAuthorizations": [dict(entry) for entry in missing],
    }


def _camunda_error_code(exc: CamundaError) -> int | None:
    if exc.code is not None:
        return exc.code
    if exc.error_type in REST_TYPES:
        return cause_code(exc.cause)
    return type_code(exc.error_type)


def _camunda_error_body(exc: CamundaError) -> dict[str, Any]:
    message = str(exc.detail)
    if exc.error_type == AUTHORIZATION:
        cause = exc.cause
        if isinstance(cause, AuthorizationError):
            return authorization_body(message, cause.user_id, cause.missing)
        return authorization_body(message)
    return error_body(exc.error_type, message, _camunda_error_code(exc))


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
        # a RestException wrapping the engine's refusal: it carries that refusal's code
        exc = CamundaError(400, "RestException", str(exc), code=FALLBACK_CODE)
    elif isinstance(exc, RuntimeNotFound):
        exc = CamundaError(404, "InvalidRequestException", str(exc), code=FALLBACK_CODE)
    elif isinstance(exc, ProcessEngineError):
        return _engine_exception("ProcessEngineException", exc)
    elif isinstance(exc, DataError | OverflowError):
        # a value no check above refused that its column cannot hold (too long for
        # PostgreSQL, too large an integer for SQLite): the client's input, and nothing kept
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        exc = CamundaError(400, "InvalidRequestException", f"A value cannot be stored: {reason}",
                           code=_storage_code(reason))
    elif isinstance(exc, ConcurrentModification):
        # a command that kept losing the race to others on the same instance, re-run from
        # fresh state each time (services.runtime.COMMAND_RETRIES); 1 is Camunda's built-in
        # code for its OptimisticLockingException
        return _engine_exception("OptimisticLockingException", exc)
    if isinstance(exc, CamundaError):
        return Response(_camunda_error_body(exc), status=exc.status_code)
    if isinstance(exc, EngineError):
        return engine_error_response(exc)
    if isinstance(exc, Http404):
        return Response(error_body("InvalidRequestException", str(exc)), status=404)
    if not isinstance(exc, exceptions.APIException):
        return None  # Django turns it into a 500 without a stack trace in the body.
    error_type = next(
        (name for cls, name in _TYPES.items() if isinstance(exc, cls)), "RestException"
    )
    message = _message(exc)
    body = authorization_body(message) if error_type == AUTHORIZATION else error_body(
        error_type, message
    )
    response = Response(body, status=exc.status_code)
    if exc.status_code == status.HTTP_401_UNAUTHORIZED:
        response["WWW-Authenticate"] = 'Basic realm="default"'
    return response


def _storage_code(reason: str) -> int:
    """The code Camunda gives a failed write: COLUMN_SIZE_TOO_SMALL when the database says the
    value is too long or too large (its ExceptionUtil reads the message the same way)."""
    lowered = reason.lower()
    if "too long" in lowered or "too large" in lowered:
        return COLUMN_SIZE_TOO_SMALL_CODE
    return FALLBACK_CODE


def _engine_exception(error_type: str, exc: Exception) -> Response:
    return Response(error_body(error_type, str(exc)), status=500)


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
    NotFoundException into a 404 InvalidRequestException. Engine exception types carry
    `code` 0 (Camunda's FALLBACK); the InvalidRequestExceptions, null (`type_code`).
    """
    message = str(exc)
    if isinstance(exc, AuthorizationError):
        return Response(authorization_body(message, exc.user_id, exc.missing), status=403)
    if isinstance(exc, NotFoundError):
        return Response(error_body("InvalidRequestException", message), status=404)
    if isinstance(exc, BadRequestError):
        # InvalidRequestException, or the Camunda exception a subclass names
        # (MigratingProcessInstanceValidationException: code 0)
        return Response(error_body(exc.camunda_type, message), status=400)
    if isinstance(exc, DeploymentError):
        body = {**error_body("ParseException", message), "details": parse_details(exc)}
        return Response(body, status=400)
    return Response(error_body(exc.camunda_type, message), status=500)


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
