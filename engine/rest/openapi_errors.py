"""OpenAPI schemas of the error bodies that extend Camunda's ExceptionDto (engine/rest/errors.py
builds them): the 403 AuthorizationExceptionDto and the migration plan's 400."""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(schema: str, description: str) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


_NULLABLE_STRING: Schema = {"type": "string", "nullable": True}
# Camunda marks these three deprecated (missingAuthorizations replaced them) but still sends
# them: those of the one missing authorization, null when several are missing.
_DEPRECATED_STRING: Schema = {**_NULLABLE_STRING, "deprecated": True}

ERROR_SCHEMAS: dict[str, Schema] = {
    "MissingAuthorizationDto": {"type": "object", "properties": {
        "permissionName": _NULLABLE_STRING,
        "resourceName": _NULLABLE_STRING,
        "resourceId": _NULLABLE_STRING,
    }},
    "AuthorizationExceptionDto": {"type": "object", "properties": {
        "type": {"type": "string"},
        "message": {"type": "string"},
        "code": {"type": "integer"},
        "userId": _NULLABLE_STRING,
        "resourceName": _DEPRECATED_STRING,
        "resourceId": _DEPRECATED_STRING,
        "permissionName": _DEPRECATED_STRING,
        "missingAuthorizations": {"type": "array", "items": _ref("MissingAuthorizationDto")},
    }},
    # also the shape of the route's other 400s (InvalidRequestException,
    # MigratingProcessInstanceValidationException), which leave validationReport out
    "MigrationPlanValidationExceptionDto": {"type": "object", "properties": {
        "type": {"type": "string"},
        "message": {"type": "string"},
        "code": {"type": "integer", "nullable": True},
        "validationReport": _ref("MigrationPlanReportDto"),
    }},
}

FORBIDDEN = _error("AuthorizationExceptionDto", "The user lacks a permission.")
PLAN_INVALID = _error(
    "MigrationPlanValidationExceptionDto",
    "The plan does not fit its definitions (MigrationPlanValidationException), an instance "
    "cannot be migrated by it, or the request is invalid.",
)


def with_forbidden(responses: dict[str, Schema]) -> dict[str, Schema]:
    """`responses` with its 403, if any, as Camunda's AuthorizationExceptionDto."""
    if "403" not in responses:
        return responses
    return {**responses, "403": FORBIDDEN}
