"""OpenAPI operations of the engine's own facts: `GET /deployment/registered` and
`/schema/log` (engine/rest/deployments.py, engine/rest/schema_log.py), with the operation ids
and DTO names of Camunda's OpenAPI document."""

from __future__ import annotations

from typing import Any

from engine.rest.openapi_runtime import _ERROR, _array_of, _body, _json, dto, query_body
from engine.rest.params import PAGING
from engine.rest.schema_log import SCHEMA_LOG_QUERY

Schema = dict[str, Any]

SYSTEM_SCHEMAS: dict[str, Schema] = {
    # Camunda's date format ("2026-11-26T22:00:00.000+0000") is no RFC 3339 date-time.
    "SchemaLogEntryDto": dto("id:S timestamp:s version:S"),
}


def operations() -> list[Any]:
    from engine.rest.openapi import Operation

    schema_log = {"200": _json(_array_of("SchemaLogEntryDto")), "400": _ERROR}
    return [
        Operation("deployment/registered", "get", "getRegisteredDeployments",
                  "The deployments registered with a process application: always none in "
                  "Legato (camunda-admin or READ on System)",
                  {"200": _json({"type": "array", "items": {"type": "string"}}),
                   "403": _ERROR}),
        Operation("schema/log", "get", "getSchemaLog",
                  "The applied migrations (empty without READ on System)", schema_log,
                  query=SCHEMA_LOG_QUERY, paged=True),
        Operation("schema/log", "post", "querySchemaLog",
                  "The applied migrations (POST form: `version` and `sorting` in the body)",
                  schema_log, request_body=_body(query_body(SCHEMA_LOG_QUERY)),
                  parameters=PAGING),
    ]
