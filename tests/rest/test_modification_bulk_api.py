"""POST /modification/execute and /modification/executeAsync: the same instructions applied
to a set of instances of one definition, all at once or in a batch."""

from __future__ import annotations

import pytest

from batches.models import Batch
from engine.models import ProcessDefinition, ProcessInstance, Task, UserOperationLog
from engine.services import ResourceInput, deploy
from engine.services.runtime import start_process_instance
from tests.factories import one_task_bpmn
from tests.rest.batch_helpers import run_to_end
from tests.rest.conftest import BASE
from tests.rest.test_modification_api import FIXTURE, task_names

MOVE = [{"type": "startBeforeActivity", "activityId": "second"},
        {"type": "cancel", "activityId": "first"}]


@pytest.fixture
def instances(api) -> list[str]:
    deploy([ResourceInput("modification.bpmn", FIXTURE.read_bytes())])
    return [start_process_instance("modification").id for _ in range(3)]


def definition_id() -> str:
    return ProcessDefinition.objects.get(key="modification").id


def post(api, path: str, body: dict):
    return api.post(f"{BASE}/modification/{path}", body, content_type="application/json")


def test_execute_moves_every_instance_at_once(api, instances):
    response = post(api, "execute", {
        "processDefinitionId": definition_id(),
        "processInstanceIds": instances[:2],
        "instructions": MOVE,
        "annotation": "skip the first step",
    })
    assert response.status_code == 204, response.content
    assert [task_names(i) for i in instances] == [["Second"], ["Second"], ["First"]]
    logged = UserOperationLog.objects.filter(operation_type="ModifyProcessInstance")
    assert {row.process_instance_id for row in logged} == set(instances[:2])
    assert {row.annotation for row in logged} == {"skip the first step"}


def test_execute_by_query_finds_the_instances(api, instances):
    response = post(api, "execute", {
        "processDefinitionId": definition_id(),
        "processInstanceQuery": {"processDefinitionKey": "modification"},
        "instructions": MOVE,
    })
    assert response.status_code == 204, response.content
    assert [task_names(i) for i in instances] == [["Second"]] * 3


def test_one_instance_of_another_definition_refuses_them_all(api, instances):
    deploy([ResourceInput("other.bpmn", one_task_bpmn("other"))])
    stranger = start_process_instance("other").id
    response = post(api, "execute", {
        "processDefinitionId": definition_id(),
        "processInstanceIds": [instances[0], stranger],
        "instructions": MOVE,
    })
    assert response.status_code == 400
    assert response.json()["message"] == (
        f"Process instance '{stranger}' cannot be modified. The process instance does not "
        f"belong to the process definition '{definition_id()}'."
    )
    assert task_names(instances[0]) == ["First"]  # the first one was not modified either


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"processDefinitionId": None, "instructions": MOVE, "processInstanceIds": ["x"]},
         "processDefinitionId is null"),
        ({"processDefinitionId": "nope:1:x", "instructions": MOVE, "processInstanceIds": ["x"]},
         "Process definition with id 'nope:1:x' does not exist"),
        ({"instructions": MOVE}, "processInstanceIds is empty"),
        ({"instructions": [{"type": "cancel", "activityInstanceId": "first:1"}],
          "processInstanceIds": ["x"]},
         "Instruction 1: a modification of a set of process instances names activities and "
         "flows only (no activity, transition or ancestor instance ids)"),
        ({"instructions": [{"type": "cancel", "activityId": "first",
                            "cancelCurrentActiveActivityInstances": "yes"}],
          "processInstanceIds": ["x"]},
         "Instruction 1: 'cancelCurrentActiveActivityInstances' must be a boolean"),
    ],
)
def test_bad_bodies_are_refused_and_change_nothing(api, instances, body, message):
    body.setdefault("processDefinitionId", definition_id())
    for path in ("execute", "executeAsync"):
        response = post(api, path, body)
        assert response.status_code == 400, response.content
        assert response.json() == {"type": "InvalidRequestException", "message": message,
                                   "code": None}
    assert not Batch.objects.exists()
    assert [task_names(i) for i in instances] == [["First"]] * 3


def test_execute_async_makes_a_batch_that_modifies_each_instance_on_its_own(api, instances):
    ProcessInstance.objects.filter(pk=instances[1]).update(suspended=True)
    response = post(api, "executeAsync", {
        "processDefinitionId": definition_id(),
        "processInstanceIds": instances,
        "instructions": MOVE,
        "skipCustomListeners": True,
    })
    assert response.status_code == 200, response.content
    dto = response.json()
    assert (dto["type"], dto["totalJobs"]) == ("instance-modification", 3)
    assert task_names(instances[0]) == ["First"]  # nothing until the batch runs
    batch = run_to_end(dto["id"])
    # the suspended one fails alone; the others are modified
    assert [task_names(i) for i in instances] == [["Second"], ["First"], ["Second"]]
    assert batch.failed == 1
    assert Task.objects.filter(name="Second").count() == 2


def test_cancel_current_active_instances_restarts_an_activity_in_each_instance(api, instances):
    # Start a fresh instance of the activity, then cancel only the ones that were there.
    first = {i: Task.objects.get(process_instance_id=i).id for i in instances}
    response = post(api, "execute", {
        "processDefinitionId": definition_id(),
        "processInstanceIds": instances,
        "instructions": [
            {"type": "startBeforeActivity", "activityId": "first"},
            {"type": "cancel", "activityId": "first", "cancelCurrentActiveActivityInstances": True},
        ],
    })
    assert response.status_code == 204, response.content
    assert [task_names(i) for i in instances] == [["First"]] * 3
    for instance_id, old_task in first.items():
        (task,) = Task.objects.filter(process_instance_id=instance_id)
        assert task.id != old_task
