"""The facts of Camunda's telemetry data (ManagementService.getTelemetryData), read from this
installation. Nothing is ever sent: Camunda 7.22 removed the sending, and Legato talks to
nothing but loopback. `GET /telemetry/data` only shows the facts to an administrator."""

from __future__ import annotations

import importlib.metadata
import platform
import sys
import tomllib
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import connection

from engine.metrics import names
from engine.metrics.meters import STARTED
from engine.metrics.queries import sum_metric
from engine.models import EngineProperty

PRODUCT_NAME = "Legato"
EDITION = "community"
# Camunda's property name (BootstrapEngineCommand), kept in Legato's ACT_GE_PROPERTY twin.
INSTALLATION_PROPERTY = "camunda.installation.id"
# Legato serves all three at all times; Camunda lists the ones that were opened.
WEBAPPS = ("cockpit", "tasklist", "admin")
# Camunda's DiagnosticsCollector.METRICS_TO_REPORT, answered under their public names.
REPORTED_METRICS = {
    names.PROCESS_INSTANCES: names.ROOT_PROCESS_INSTANCE_START,
    names.FLOW_NODE_INSTANCES: names.ACTIVITY_INSTANCE_START,
    names.DECISION_INSTANCES: names.EXECUTED_DECISION_INSTANCES,
    names.EXECUTED_DECISION_ELEMENTS: names.EXECUTED_DECISION_ELEMENTS,
}
# Camunda resets it at engine startup: here, when this process began counting.
DATA_COLLECTION_START = STARTED
# ASGI servers recognised by the program a process runs, with their distribution's name.
_SERVERS = {"daphne": "Daphne", "uvicorn": "Uvicorn", "hypercorn": "Hypercorn"}


@dataclass(frozen=True)
class VendorVersion:
    vendor: str
    version: str


def get_installation_id() -> str:
    """The id of this database's installation, made once and kept in EngineProperty.

    Camunda writes it when an engine first boots on a database; Legato has no bootstrap
    command, so the first reader writes it (get_or_create: concurrent first readers agree)."""
    row, _ = EngineProperty.objects.get_or_create(
        name=INSTALLATION_PROPERTY, defaults={"value": str(uuid.uuid4())}
    )
    return row.value


@cache
def get_legato_version() -> str:
    """Legato's version as pyproject.toml declares it (the project is not installed)."""
    try:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as file:
            return str(tomllib.load(file)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def get_database() -> VendorVersion:
    """The database as JDBC's DatabaseMetaData names it (product name and server version)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = str(cursor.fetchone()[0])
    elif connection.vendor == "sqlite":
        version = connection.Database.sqlite_version
    else:
        version = ".".join(str(part) for part in connection.get_database_version())
    return VendorVersion(connection.display_name, version)


def get_application_server(argv: list[str] | None = None) -> VendorVersion | None:
    """The ASGI server running this process, known by its program (`daphne ...`,
    `python -m uvicorn ...`, daphne's `manage.py runserver`); None when it is none of them."""
    argv = sys.argv if argv is None else argv
    if not argv:
        return None
    program = Path(argv[0])
    name = program.parent.name if program.name == "__main__.py" else program.name
    if name == "manage.py" and argv[1:2] == ["runserver"] and "daphne" in settings.INSTALLED_APPS:
        name = "daphne"
    if name not in _SERVERS:
        return None
    try:
        version = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None
    return VendorVersion(_SERVERS[name], version)


def get_python_runtime() -> VendorVersion:
    """What Camunda's `jdk` field holds for Java: the interpreter's implementation and version."""
    return VendorVersion(platform.python_implementation(), platform.python_version())


def get_metric_counts(since: datetime = DATA_COLLECTION_START) -> dict[str, int]:
    """Camunda's reported metrics since `since`: what every Legato process on this database
    flushed, plus what this process has not flushed yet."""
    return {public: sum_metric(internal, start=since) for public, internal in
            REPORTED_METRICS.items()}
