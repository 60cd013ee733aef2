"""POST /migration/executeAsync: the plan checked first, then each instance migrated alone."""

from __future__ import annotations

import pytest

from batches.models import Batch
from engine.models import ProcessInstance, Task, UserOperationLog
from identity.resources import Permission, Resource
from tests.identity.factories import make_user
from tests.rest.batch_helpers import run_to_end
from tests.rest.conftest import BASE
from tests.rest.test_migration_api import deploy_versions, instruction, start
from tests.rest.test_read_authorization import basic_client, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions(api, modeler_deploy) -> tuple[str, str]:
    return deploy_versions(modeler_deploy)


def execute_async(client, body):
    return client.post(f"{BASE}/migration/executeAsync", body, content_type="application/json")


def plan(source: str, target: str, *instructions: dict) -> dict:
    return {
        "sourceProcessDefinitionId": source,
        "targetProcessDefinitionId": target,
        "instructions": list(instructions),
    }


def test_a_batch_migrates_each_instance_alone_and_records_the_one_it_cannot(api, versions):
    v1, v2 = versions
    movable, stuck = start(api, v2), start(api, v2)
    task = Task.objects.get(process_instance_id=stuck)
    assert api.post(f"{BASE}/task/{task.id}/complete", {},
                    content_type="application/json").status_code == 204  # now at 'review'

    response = execute_async(api, {
        "migrationPlan": plan(v2, v1, instruction("work")),
        "processInstanceQuery": {"processDefinitionId": v2},
    })

    assert response.status_code == 200, response.content
    dto = response.json()
    assert (dto["type"], dto["totalJobs"], dto["createUserId"]) == ("instance-migration", 2, "demo")
    assert api.get(f"{BASE}/batch/{dto['id']}").json() == dto
    batch = run_to_end(dto["id"])
    assert (batch.done, batch.failed) == (1, 1)
    assert batch.failures[0]["target"] == stuck
    assert f"Cannot migrate process instance '{stuck}'" in batch.failures[0]["message"]
    assert ProcessInstance.objects.get(pk=movable).process_definition_id == v1
    assert ProcessInstance.objects.get(pk=stuck).process_definition_id == v2


def test_the_operation_log_holds_camundas_migrate_entry_with_the_batch(api, versions):
    v1, v2 = versions
    instance_id = start(api, v1)
    dto = execute_async(api, {"migrationPlan": plan(v1, v2, instruction("work")),
                              "processInstanceIds": [instance_id]}).json()
    run_to_end(dto["id"])

    entries = api.get(f"{BASE}/history/user-operation",
                      {"operationType": "Migrate", "batchId": dto["id"]}).json()
    created = {e["property"]: e for e in entries if e["processInstanceId"] is None}
    assert {p: (e["orgValue"], e["newValue"]) for p, e in created.items()} == {
        "processDefinitionId": (v1, v2), "nrOfInstances": (None, "1"), "async": (None, "true"),
    }
    assert {e["entityType"] for e in entries} == {"ProcessInstance"}
    (moved,) = [e for e in entries if e["processInstanceId"] == instance_id]
    assert (moved["orgValue"], moved["newValue"]) == (v1, v2)


def test_an_invalid_plan_is_camundas_400_with_its_report_and_makes_nothing(api, versions):
    v1, v2 = versions
    instance_id = start(api, v1)
    response = execute_async(api, {"migrationPlan": plan(v1, v2, instruction("work", "nope")),
                                   "processInstanceIds": [instance_id]})
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "MigrationPlanValidationException"
    assert "Target activity 'nope' does not exist" in body["message"]
    assert body["validationReport"]["instructionReports"][0]["failures"] == [
        "Target activity 'nope' does not exist"
    ]
    assert not Batch.objects.exists()
    assert not UserOperationLog.objects.filter(operation_type="Migrate").exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"processInstanceIds": ["p"]}, "'migrationPlan' must be an object"),
        ({"migrationPlan": "PLAN"},
         "Process instance ids cannot empty: process instance ids is empty"),
        ({"migrationPlan": "PLAN", "processInstanceQuery": {"processDefinitionId": "none"}},
         "Process instance ids cannot empty: process instance ids is empty"),
        ({"migrationPlan": "PLAN", "processInstanceIds": "all"},
         "'processInstanceIds' must be an array of process instance ids"),
        ({"migrationPlan": "PLAN", "processInstanceIds": ["p"], "skipIoMappings": "yes"},
         "'skipIoMappings' must be true or false"),
        ({"migrationPlan": {"sourceProcessDefinitionId": "x", "targetProcessDefinitionId": "y"},
          "processInstanceIds": ["p"]},
         "Source process definition with id 'x' does not exist"),
    ],
)
def test_bad_requests_are_400_invalid_request_and_make_no_batch(api, versions, body, message):
    v1, v2 = versions
    if body.get("migrationPlan") == "PLAN":
        body = {**body, "migrationPlan": plan(v1, v2, instruction("work"))}
    response = execute_async(api, body)
    assert response.status_code == 400
    assert response.json() == {"type": "InvalidRequestException", "message": message, "code": None}
    assert not Batch.objects.exists()


def test_it_needs_migrate_instance_on_both_definitions_and_batch_create(api, versions):
    v1, v2 = versions
    instance_id = start(api, v1)
    make_user("mary")
    grant("mary", Resource.BATCH, "*", Permission.CREATE)  # not enough alone
    response = execute_async(basic_client("mary"), {
        "migrationPlan": plan(v1, v2, instruction("work")), "processInstanceIds": [instance_id]
    })
    assert response.status_code == 403
    assert response.json()["type"] == "AuthorizationException"
    assert not Batch.objects.exists()
    assert ProcessInstance.objects.get(pk=instance_id).process_definition_id == v1
