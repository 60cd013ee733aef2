"""`/telemetry`: Camunda 7.22's telemetry resource, which sends nothing: the configuration is
always off and setting it changes nothing; the data shows Legato's own facts."""

from __future__ import annotations

import importlib.metadata
import platform
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from engine import telemetry
from engine.metrics import names
from engine.metrics.meters import meters
from engine.models import EngineProperty, MeterLog
from identity.resources import Permission, Resource
from tests.identity.factories import GRANT, make_user, rule
from tests.rest.conftest import BASE
from tests.rest.test_openapi import _call
from tests.rest.test_read_authorization import assert_forbidden, basic_client

pytestmark = pytest.mark.django_db
CONFIGURATION = f"{BASE}/telemetry/configuration"
DATA = f"{BASE}/telemetry/data"


@pytest.fixture(autouse=True)
def no_counts():
    meters.reset()
    yield
    meters.reset()


def _meter(name: str, value: int, when: datetime) -> None:
    MeterLog.objects.create(name=name, reporter="elsewhere", value=value, timestamp=when,
                            milliseconds=int(when.timestamp() * 1000))


def test_telemetry_is_off_and_enabling_it_changes_nothing(api):
    assert _call(api, "get", "/telemetry/configuration", 200) == {"enableTelemetry": False}
    properties = list(EngineProperty.objects.values_list("name", "value"))
    assert _call(api, "post", "/telemetry/configuration", 204, {"enableTelemetry": True}) is None
    assert api.get(CONFIGURATION).json() == {"enableTelemetry": False}
    assert api.post(CONFIGURATION, {"enableTelemetry": False},
                    content_type="application/json").status_code == 204
    assert list(EngineProperty.objects.values_list("name", "value")) == properties


@pytest.mark.parametrize("body", [
    {"enableTelemetry": "true"}, {"enableTelemetry": 1}, {"enableTelemetry": None}, {}, [True],
])
def test_a_configuration_that_is_no_boolean_is_refused(api, body):
    response = api.post(CONFIGURATION, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["type"] == "InvalidRequestException"
    assert response.json()["message"]
    assert api.get(CONFIGURATION).json() == {"enableTelemetry": False}


def test_telemetry_needs_read_on_system_and_set_to_configure():
    make_user("mona")
    client = basic_client("mona")
    assert_forbidden(client.get(CONFIGURATION), "mona")
    assert_forbidden(client.get(DATA), "mona")
    refused = client.post(CONFIGURATION, {"enableTelemetry": True},
                          content_type="application/json")
    assert_forbidden(refused, "mona")
    assert not EngineProperty.objects.filter(name=telemetry.INSTALLATION_PROPERTY).exists()
    granted = rule(GRANT, Resource.SYSTEM, "*", Permission.READ, user="mona")
    assert client.get(CONFIGURATION).json() == {"enableTelemetry": False}
    assert client.get(DATA).status_code == 200
    assert_forbidden(client.post(CONFIGURATION, {"enableTelemetry": True},
                                 content_type="application/json"), "mona")
    granted.permissions = [Permission.READ, Permission.SET]
    granted.save()
    assert client.post(CONFIGURATION, {"enableTelemetry": True},
                       content_type="application/json").status_code == 204


def test_the_data_are_legatos_facts(api):
    data = _call(api, "get", "/telemetry/data", 200)
    installation = EngineProperty.objects.get(name=telemetry.INSTALLATION_PROPERTY).value
    assert data["installation"] == installation
    assert api.get(DATA).json()["installation"] == installation  # made once, then kept
    with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as file:
        version = tomllib.load(file)["project"]["version"]
    product = data["product"]
    assert (product["name"], product["version"], product["edition"]) == (
        "Legato", version, "community")
    internals = product["internals"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert internals["database"] == {"vendor": "PostgreSQL",
                                         "version": cursor.fetchone()[0]}
    assert internals["application-server"] is None  # pytest is no ASGI server
    assert internals["jdk"] == {"vendor": platform.python_implementation(),
                                "version": platform.python_version()}
    assert internals["license-key"] is None
    assert internals["camunda-integration"] == []
    assert internals["commands"] == {}
    assert internals["webapps"] == ["cockpit", "tasklist", "admin"]
    started = datetime.strptime(internals["data-collection-start-date"],
                                "%Y-%m-%dT%H:%M:%S.%f%z")
    assert abs(started - telemetry.DATA_COLLECTION_START) < timedelta(milliseconds=1)


def test_the_metrics_count_from_the_data_collection_start(api):
    _meter(names.ROOT_PROCESS_INSTANCE_START, 5, datetime(2020, 1, 1, tzinfo=UTC))
    now = timezone.now()
    _meter(names.ROOT_PROCESS_INSTANCE_START, 2, now)
    _meter(names.ACTIVITY_INSTANCE_START, 7, now)
    _meter(names.EXECUTED_DECISION_ELEMENTS, 4, now)
    meters.mark(names.ROOT_PROCESS_INSTANCE_START)  # counted here, not flushed yet
    meters.mark(names.EXECUTED_DECISION_INSTANCES, 3)
    metrics = api.get(DATA).json()["product"]["internals"]["metrics"]
    assert metrics == {
        "process-instances": {"count": 3},
        "flow-node-instances": {"count": 7},
        "decision-instances": {"count": 3},
        "executed-decision-elements": {"count": 4},
    }


def test_the_application_server_is_the_asgi_server_the_process_runs():
    daphne = importlib.metadata.version("daphne")
    expected = telemetry.VendorVersion("Daphne", daphne)
    assert telemetry.get_application_server(["/usr/bin/daphne", "config.asgi:app"]) == expected
    assert telemetry.get_application_server(
        ["/x/site-packages/daphne/__main__.py", "config.asgi:app"]) == expected
    assert telemetry.get_application_server(["manage.py", "runserver"]) == expected
    assert telemetry.get_application_server(["manage.py", "migrate"]) is None
    assert telemetry.get_application_server([]) is None
