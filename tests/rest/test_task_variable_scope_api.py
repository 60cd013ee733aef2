"""A task's variables over REST are seen from the task outwards, as in Camunda: its own
local ones (input mappings, `/localVariables`) first, then its instance's; a task's local
variables are its own and go with it, never the instance's."""

from __future__ import annotations

import pytest

from engine.models import Task
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import bpmn_document
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db

MAPPED = bpmn_document(
    """<bpmn:process id="review" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
  <bpmn:userTask id="check" name="Check">
    <bpmn:extensionElements>
      <camunda:inputOutput>
        <camunda:inputParameter name="limit">${amount * 2}</camunda:inputParameter>
      </camunda:inputOutput>
    </bpmn:extensionElements>
  </bpmn:userTask>
  <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="after" />
  <bpmn:userTask id="after" name="After" />
  <bpmn:sequenceFlow id="f3" sourceRef="after" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""
)


@pytest.fixture
def task(demo_user) -> Task:
    deploy([ResourceInput("review.bpmn", MAPPED)])
    started = rt.start_process_instance("review", variables={"amount": 21})
    return Task.objects.get(process_instance_id=started.id)


def values(response) -> dict:
    assert response.status_code == 200, response.content
    return {name: dto["value"] for name, dto in response.json().items()}


def test_a_task_sees_its_input_mappings_and_its_instance(api, task):
    assert values(api.get(f"{BASE}/task/{task.id}/variables")) == {"amount": 21, "limit": 42}
    assert values(api.get(f"{BASE}/task/{task.id}/localVariables")) == {"limit": 42}
    assert values(api.get(f"{BASE}/process-instance/{task.process_instance_id}/variables")) == {
        "amount": 21
    }


def test_a_tasks_local_variables_stay_its_own_and_end_with_it(api, task):
    put = api.put(f"{BASE}/task/{task.id}/localVariables/note",
                  {"value": "checked", "type": "String"}, content_type="application/json")
    assert put.status_code == 204, put.content
    instance = f"{BASE}/process-instance/{task.process_instance_id}/variables"
    assert "note" not in values(api.get(instance))
    assert values(api.get(f"{BASE}/task/{task.id}/localVariables")) == {
        "limit": 42, "note": "checked"
    }
    # A variable set through the task (not local) reaches the instance, as Camunda's scopes.
    api.put(f"{BASE}/task/{task.id}/variables/outcome", {"value": "ok", "type": "String"},
            content_type="application/json")
    assert values(api.get(instance)) == {"amount": 21, "outcome": "ok"}
    rt.complete_task(task.id)
    after = Task.objects.get(process_instance_id=task.process_instance_id)
    assert values(api.get(f"{BASE}/task/{after.id}/variables")) == {"amount": 21, "outcome": "ok"}
    assert values(api.get(f"{BASE}/task/{after.id}/localVariables")) == {}


def test_a_task_at_a_scope_activity_names_its_own_execution_as_camunda_does(api, task):
    # Input mappings make the activity a scope: Camunda gives it an execution of its own,
    # which `/execution` lists beside the instance's; a plain task's is the instance's.
    dto = api.get(f"{BASE}/task/{task.id}").json()
    executions = api.get(f"{BASE}/execution?processInstanceId={task.process_instance_id}").json()
    assert dto["executionId"] != task.process_instance_id
    assert dto["executionId"] in {e["id"] for e in executions}
    assert values(api.get(f"{BASE}/execution/{dto['executionId']}/localVariables")) == {
        "limit": 42
    }
    rt.complete_task(task.id)
    after = api.get(f"{BASE}/task?processInstanceId={task.process_instance_id}").json()[0]
    assert after["executionId"] == task.process_instance_id


def test_a_task_dto_adds_its_variables_comments_and_attachments_when_asked(api, task):
    url = f"{BASE}/task/{task.id}"
    assert "variables" not in api.get(url).json()
    local = api.get(f"{url}?withTaskLocalVariablesInReturn=true").json()["variables"]
    assert {name: dto["value"] for name, dto in local.items()} == {"limit": 42}
    every = api.get(f"{url}?withTaskVariablesInReturn=true&withTaskLocalVariablesInReturn=true")
    assert {name: dto["value"] for name, dto in every.json()["variables"].items()} == {
        "amount": 21, "limit": 42
    }
    info = api.get(f"{url}?withCommentAttachmentInfo=true").json()
    assert (info["attachment"], info["comment"]) == (False, False)
    api.post(f"{url}/comment/create", {"message": "seen"}, content_type="application/json")
    listed = api.get(f"{BASE}/task?withCommentAttachmentInfo=true&withTaskVariablesInReturn=true")
    (dto,) = listed.json()
    assert (dto["attachment"], dto["comment"], sorted(dto["variables"])) == (
        False, True, ["amount", "limit"]
    )
    posted = api.post(f"{BASE}/task", {"withCommentAttachmentInfo": True},
                      content_type="application/json").json()
    assert posted[0]["comment"] is True
