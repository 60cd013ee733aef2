"""POST /process-definition/key/{key}/start with `startInstructions`: the instance starts at
the named elements instead of its start event (Camunda's ProcessInstantiationBuilder)."""

from __future__ import annotations

import pytest

from engine.models import (
    HistoricActivityInstance,
    HistoricProcessInstance,
    ProcessInstance,
    Task,
    VariableInstance,
)
from engine.services import runtime as rt
from tests.rest.conftest import BASE
from tests.rest.test_modification_api import FIXTURE, task_names

pytestmark = pytest.mark.django_db


@pytest.fixture
def deployed(modeler_deploy) -> None:
    assert modeler_deploy({"modification.bpmn": FIXTURE.read_bytes()}).status_code == 200


def start(api, **body):
    return api.post(
        f"{BASE}/process-definition/key/modification/start", body, content_type="application/json"
    )


def variables_of(instance_id: str) -> dict:
    return {
        row.name: row.value
        for row in VariableInstance.objects.filter(process_instance_id=instance_id)
    }


def test_start_before_an_activity_skips_everything_before_it(api, deployed):
    response = start(api, businessKey="B-7", startInstructions=[
        {"type": "startBeforeActivity", "activityId": "second",
         "variables": {"note": {"value": "moved", "type": "String"}}},
    ])
    assert response.status_code == 200, response.content
    instance_id = response.json()["id"]
    assert response.json()["businessKey"] == "B-7"
    assert task_names(instance_id) == ["Second"]
    # the element ran as usual: its listener and input mapping
    assert variables_of(instance_id) == {
        "note": "moved", "secondStarted": True, "fromInput": "mapped"
    }
    history = HistoricProcessInstance.objects.get(pk=instance_id)
    assert history.start_activity_id == "second"
    ran = set(
        HistoricActivityInstance.objects.filter(process_instance_id=instance_id)
        .values_list("activity_id", flat=True)
    )
    assert ran == {"second"}  # neither the start event nor `first`


def test_several_instructions_start_several_tokens_and_the_instance_runs_on(api, deployed):
    response = start(api, variables={"amount": {"value": 5, "type": "Integer"}}, startInstructions=[
        {"type": "startBeforeActivity", "activityId": "inner"},
        {"type": "startAfterActivity", "activityId": "first"},
    ])
    instance_id = response.json()["id"]
    assert task_names(instance_id) == ["Inner", "Second"]
    assert variables_of(instance_id)["amount"] == 5
    for task in Task.objects.filter(process_instance_id=instance_id):
        rt.complete_task(task.id)
    assert task_names(instance_id) == ["Inner", "Last"]  # `second` went on into the sub-process


def test_a_transition_and_skipped_listeners_and_mappings(api, deployed):
    response = start(api, skipCustomListeners=True, skipIoMappings=True, startInstructions=[
        {"type": "startTransition", "transitionId": "f2"},
    ])
    instance_id = response.json()["id"]
    assert task_names(instance_id) == ["Second"]
    assert variables_of(instance_id) == {}  # no listener, no input mapping ran
    assert HistoricProcessInstance.objects.get(pk=instance_id).start_activity_id == "second"


def test_starting_after_the_last_element_completes_the_instance(api, deployed):
    response = start(api, startInstructions=[{"type": "startAfterActivity", "activityId": "last"}])
    body = response.json()
    assert body["ended"] is True
    assert HistoricProcessInstance.objects.get(pk=body["id"]).state == "COMPLETED"


@pytest.mark.parametrize(
    ("instructions", "message"),
    [
        ([{"type": "startBeforeActivity", "activityId": "nowhere"}], "Cannot instantiate"),
        ([{"type": "startTransition", "transitionId": "nope"}], "'nope' does not exist"),
        ([{"type": "cancel", "activityId": "first"}], "'type' must be one of"),
        ([{"type": "startBeforeActivity"}], "'activityId' must be set"),
        ({"type": "startBeforeActivity"}, "must be an array"),
    ],
)
def test_bad_instructions_are_400_and_start_nothing(api, deployed, instructions, message):
    response = start(api, startInstructions=instructions)
    assert response.status_code == 400, response.content
    assert response.json()["type"] == "InvalidRequestException"
    assert message in response.json()["message"]
    assert not ProcessInstance.objects.exists()
    assert not HistoricProcessInstance.objects.exists()
