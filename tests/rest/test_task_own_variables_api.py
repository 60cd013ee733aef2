"""A task's own variables (the task service's local variables, `task.setVariableLocal` in a
listener) name the task, as Camunda's task variables do: `/variable-instance` and its history
find them by `taskIdIn`, show them on the task's execution and activity instance, and history
keeps the task after the task has ended."""

from __future__ import annotations

import pytest

from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import bpmn_document
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db

REVIEW = """<bpmn:process id="review" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="check" />
  <bpmn:userTask id="check">
    <bpmn:extensionElements>
      <camunda:taskListener event="create" expression="${task.setVariableLocal('seen', 1)}" />
    </bpmn:extensionElements>
  </bpmn:userTask>
  <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="after" /><bpmn:userTask id="after" />
</bpmn:process>"""

TWO_REVIEWERS = """<bpmn:process id="twice" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="split" />
  <bpmn:parallelGateway id="split" />
  <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="legal" /><bpmn:userTask id="legal" />
  <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="finance" />
  <bpmn:userTask id="finance" />
</bpmn:process>"""


def put_local(api, task_id: str, name: str, value: str) -> None:
    response = api.put(f"{BASE}/task/{task_id}/localVariables/{name}",
                       {"value": value, "type": "String"}, content_type="application/json")
    assert response.status_code == 204, response.content


def by_name(response) -> dict[str, dict]:
    assert response.status_code == 200, response.content
    return {dto["name"]: dto for dto in response.json()}


def test_a_tasks_own_variables_name_it_at_runtime_and_in_history(api, demo_user):
    deploy([ResourceInput("review.bpmn", bpmn_document(REVIEW))])
    instance = rt.start_process_instance("review", variables={"amount": 5})
    [task] = api.get(f"{BASE}/task", {"processInstanceId": instance.id}).json()
    put_local(api, task["id"], "verdict", "approved")

    found = by_name(api.get(f"{BASE}/variable-instance", {"taskIdIn": task["id"]}))
    assert set(found) == {"seen", "verdict"}
    verdict = found["verdict"]
    assert verdict["taskId"] == task["id"]
    assert verdict["executionId"] == task["executionId"] == instance.id
    activity = api.get(f"{BASE}/process-instance/{instance.id}/activity-instances").json()
    [check] = activity["childActivityInstances"]
    assert verdict["activityInstanceId"] == check["id"]
    # The task is their scope; the execution finds them beside the instance's own.
    scoped = api.get(f"{BASE}/variable-instance", {"variableScopeIdIn": task["id"]})
    assert set(by_name(scoped)) == {"seen", "verdict"}
    on_execution = by_name(api.get(f"{BASE}/variable-instance", {"executionIdIn": instance.id}))
    assert set(on_execution) == {"amount", "seen", "verdict"}
    assert on_execution["amount"]["taskId"] is None
    by_id = api.get(f"{BASE}/variable-instance/{verdict['id']}").json()
    assert (by_id["taskId"], by_id["executionId"]) == (task["id"], instance.id)

    history = by_name(api.get(f"{BASE}/history/variable-instance", {"taskIdIn": task["id"]}))
    assert set(history) == {"seen", "verdict"}
    assert history["verdict"]["executionId"] == instance.id
    details = api.get(f"{BASE}/history/detail", {"taskId": task["id"]}).json()
    assert {(d["variableName"], d["taskId"], d["executionId"]) for d in details} == {
        ("seen", task["id"], instance.id), ("verdict", task["id"], instance.id)
    }

    # A variable set through the task but not locally is the instance's, no task's.
    api.put(f"{BASE}/task/{task['id']}/variables/outcome", {"value": "ok", "type": "String"},
            content_type="application/json")
    assert by_name(api.get(f"{BASE}/variable-instance", {"variableName": "outcome"}))[
        "outcome"]["taskId"] is None

    rt.complete_task(task["id"])
    assert api.get(f"{BASE}/variable-instance", {"taskIdIn": task["id"]}).json() == []
    after = by_name(api.get(f"{BASE}/history/variable-instance", {"taskIdIn": task["id"]}))
    assert (after["verdict"]["value"], after["verdict"]["taskId"]) == ("approved", task["id"])
    kept = api.get(f"{BASE}/history/variable-instance", {"executionIdIn": instance.id}).json()
    assert {dto["name"] for dto in kept} == {"amount", "outcome", "seen", "verdict"}


def test_parallel_tasks_each_keep_their_own_variable_of_the_same_name(api, demo_user):
    deploy([ResourceInput("twice.bpmn", bpmn_document(TWO_REVIEWERS))])
    instance = rt.start_process_instance("twice")
    tasks = {t["taskDefinitionKey"]: t for t in api.get(
        f"{BASE}/task", {"processInstanceId": instance.id}).json()}
    put_local(api, tasks["legal"]["id"], "verdict", "no objection")
    put_local(api, tasks["finance"]["id"], "verdict", "over budget")

    rows = api.get(f"{BASE}/variable-instance", {"variableName": "verdict"}).json()
    assert {(r["taskId"], r["executionId"], r["value"]) for r in rows} == {
        (tasks["legal"]["id"], tasks["legal"]["executionId"], "no objection"),
        (tasks["finance"]["id"], tasks["finance"]["executionId"], "over budget"),
    }
    legal = api.get(f"{BASE}/variable-instance", {"taskIdIn": tasks["legal"]["id"]}).json()
    assert [r["value"] for r in legal] == ["no objection"]
    assert api.get(f"{BASE}/process-instance/{instance.id}/variables").json() == {}
