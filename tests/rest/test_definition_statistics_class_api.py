"""The process definition statistics carry Camunda's `@class` type id first (its Java clients
deserialize StatisticsResultDto by it) and no top-level `tenantId` (Camunda keeps the tenant
in `definition.tenantId`)."""

from __future__ import annotations

import pytest

from engine.services import ResourceInput, deploy
from engine.services.runtime import start_process_instance
from tests.factories import one_task_bpmn
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db
PACKAGE = "org.camunda.bpm.engine.rest.dto.repository"


@pytest.fixture
def invoices(demo_user):
    """`invoice` deployed without a tenant and for tenant acme, one instance each."""
    found = {}
    for tenant in (None, "acme"):
        [definition] = deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))],
                              tenant_id=tenant).process_definitions
        start_process_instance(definition_id=definition.id)
        found[tenant] = definition
    return found


def test_definition_statistics_start_with_their_class_and_keep_the_tenant_in_definition(
    api, invoices
):
    rows = api.get(f"{BASE}/process-definition/statistics").json()
    assert [list(row) for row in rows] == 2 * [
        ["@class", "id", "instances", "failedJobs", "incidents", "definition"]]
    assert {row["@class"] for row in rows} == {f"{PACKAGE}.ProcessDefinitionStatisticsResultDto"}
    assert {row["id"]: row["definition"]["tenantId"] for row in rows} == {
        invoices[None].id: None, invoices["acme"].id: "acme"}


@pytest.mark.parametrize("route", [
    "{id}/statistics", "key/invoice/statistics", "key/invoice/tenant-id/acme/statistics",
])
def test_activity_statistics_start_with_their_class(api, invoices, route):
    path = route.format(id=invoices["acme"].id)
    [row] = api.get(f"{BASE}/process-definition/{path}?failedJobs=true&incidents=true").json()
    assert row == {"@class": f"{PACKAGE}.ActivityStatisticsResultDto", "id": "Task_1",
                   "instances": 1, "failedJobs": 0, "incidents": []}
