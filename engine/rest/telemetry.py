"""`/telemetry` (Camunda's TelemetryRestService), as Camunda 7.22 left it after removing the
sending: the configuration always reads `{"enableTelemetry": false}` and setting it changes
nothing (204); `/telemetry/data` shows the facts Camunda would have sent, filled with
Legato's own (engine/telemetry.py). Nothing leaves the machine.

Camunda 7.22 checks no permission on the configuration any more; every Legato endpoint
checks one, so reading it needs READ on System and setting it SET on System (Camunda's
checks before 7.22). The data needs READ on System, as in Camunda; camunda-admin may all."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from engine import telemetry
from engine.rest.base import EngineView, json_body
from engine.rest.dates import format_date
from engine.rest.params import invalid_request
from identity.authorization import require
from identity.resources import Permission, Resource


class TelemetryConfiguration(EngineView):
    """GET and POST /telemetry/configuration (TelemetryConfigurationDto)."""

    def get(self, request: Request) -> Response:
        require(request.user, Permission.READ, Resource.SYSTEM)
        return Response({"enableTelemetry": False})

    def post(self, request: Request) -> Response:
        # The body is read first, as Camunda's JSON mapping refuses it before any command.
        enabled = json_body(request).get("enableTelemetry")
        if not isinstance(enabled, bool):
            raise invalid_request("'enableTelemetry' must be true or false")
        require(request.user, Permission.SET, Resource.SYSTEM)
        # Camunda 7.22's TelemetryConfigureCmd is empty: accepted, nothing stored or sent.
        return Response(status=204)


class TelemetryData(EngineView):
    """GET /telemetry/data (TelemetryDataDto)."""

    def get(self, request: Request) -> Response:
        require(request.user, Permission.READ, Resource.SYSTEM)
        return Response(telemetry_data_dto())


def _vendor_version(fact: telemetry.VendorVersion | None) -> dict[str, str] | None:
    return None if fact is None else {"vendor": fact.vendor, "version": fact.version}


def telemetry_data_dto() -> dict[str, Any]:
    counts = telemetry.get_metric_counts()
    return {
        "installation": telemetry.get_installation_id(),
        "product": {
            "name": telemetry.PRODUCT_NAME,
            "version": telemetry.get_legato_version(),
            "edition": telemetry.EDITION,
            "internals": {
                "database": _vendor_version(telemetry.get_database()),
                "application-server": _vendor_version(telemetry.get_application_server()),
                "license-key": None,  # Legato has no license key
                "camunda-integration": [],
                # Legato counts no commands by kind (Camunda counts its Java command classes).
                "commands": {},
                "metrics": {name: {"count": count} for name, count in counts.items()},
                "webapps": list(telemetry.WEBAPPS),
                "jdk": _vendor_version(telemetry.get_python_runtime()),
                "data-collection-start-date": format_date(telemetry.DATA_COLLECTION_START),
            },
        },
    }
