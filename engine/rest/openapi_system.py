"""OpenAPI operations of the engine's own facts: `GET /deployment/registered`, `/schema/log`
and `/telemetry` (engine/rest/deployments.py, engine/rest/schema_log.py,
engine/rest/telemetry.py), with the operation ids and DTO names of Camunda's OpenAPI document."""

from __future__ import annotations

from typing import Any

from engine.rest.openapi_runtime import (
    _ERROR,
    _NO_CONTENT,
    _array_of,
    _body,
    _json,
    _ref,
    dto,
    query_body,
)
from engine.rest.params import PAGING
from engine.rest.schema_log import SCHEMA_LOG_QUERY

Schema = dict[str, Any]

SYSTEM_SCHEMAS: dict[str, Schema] = {
    # Camunda's date format ("2026-11-26T22:00:00.000+0000") is no RFC 3339 date-time.
    "SchemaLogEntryDto": dto("id:S timestamp:s version:S"),
    "TelemetryConfigurationDto": dto("enableTelemetry:b"),
    "AbstractVendorVersionInformationDto": dto("vendor:s version:s"),
    "TelemetryCountDto": dto("count:I"),
    "TelemetryLicenseKeyDto": {
        **dto("customer:s type:s valid-until:s unlimited:b features:o raw:s"),
        "description": "Always null in Legato, which has no license key.",
    },
    "TelemetryInternalsDto": {
        "type": "object",
        "properties": {
            "database": _ref("AbstractVendorVersionInformationDto"),
            # Null when the process runs no known ASGI server (Camunda's REST layer fails then).
            "application-server": {**dto("vendor:s version:s"), "nullable": True},
            "license-key": {"type": "object", "nullable": True,
                            "description": "TelemetryLicenseKeyDto; null in Legato."},
            "camunda-integration": {"type": "array", "items": {"type": "string"}},
            "commands": {"type": "object", "additionalProperties": _ref("TelemetryCountDto")},
            "metrics": {"type": "object", "additionalProperties": _ref("TelemetryCountDto")},
            "webapps": {"type": "array", "items": {"type": "string"}},
            "jdk": {**_ref("AbstractVendorVersionInformationDto"),
                    "description": "The Python implementation and version."},
            "data-collection-start-date": {"type": "string"},
        },
    },
    "TelemetryProductDto": dto("name:S version:S edition:S internals:#TelemetryInternalsDto"),
    "TelemetryDataDto": dto("installation:S product:#TelemetryProductDto"),
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
        Operation("telemetry/configuration", "get", "getTelemetryConfiguration",
                  "Deprecated: always `enableTelemetry` false, nothing is sent "
                  "(camunda-admin or READ on System)",
                  {"200": _json(_ref("TelemetryConfigurationDto")), "403": _ERROR}),
        Operation("telemetry/configuration", "post", "configureTelemetry",
                  "Deprecated: accepted and ignored, nothing is sent "
                  "(camunda-admin or SET on System)",
                  {**_NO_CONTENT, "400": _ERROR, "403": _ERROR},
                  request_body=_body(_ref("TelemetryConfigurationDto"))),
        Operation("telemetry/data", "get", "getTelemetryData",
                  "The facts Camunda's telemetry collected, never sent "
                  "(camunda-admin or READ on System)",
                  {"200": _json(_ref("TelemetryDataDto")), "403": _ERROR}),
    ]
