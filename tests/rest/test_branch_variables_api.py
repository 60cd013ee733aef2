"""Local variables on a parallel branch over REST: an execution's own stay with the branch
(Camunda's concurrent execution) until it joins; a task's own end with the task."""

from __future__ import annotations

import pytest

from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import bpmn_document
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db

BRANCHES = """<bpmn:process id="branches" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="split" />
  <bpmn:parallelGateway id="split" />
  <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="pack" /><bpmn:userTask id="pack" />
  <bpmn:sequenceFlow id="f3" sourceRef="pack" targetRef="ship" /><bpmn:userTask id="ship" />
  <bpmn:sequenceFlow id="f4" sourceRef="ship" targetRef="join" />
  <bpmn:sequenceFlow id="f5" sourceRef="split" targetRef="bill" /><bpmn:userTask id="bill" />
  <bpmn:sequenceFlow id="f6" sourceRef="bill" targetRef="join" />
  <bpmn:parallelGateway id="join" />
  <bpmn:sequenceFlow id="f7" sourceRef="join" targetRef="close" /><bpmn:userTask id="close" />
</bpmn:process>"""


def put(api, path, value):
    response = api.put(f"{BASE}/{path}", {"value": value, "type": "String"},
                       content_type="application/json")
    assert response.status_code == 204


def names(response):
    assert response.status_code == 200
    return set(response.json())


def test_an_executions_local_variable_follows_its_branch_and_a_tasks_ends_with_it(api):
    deploy([ResourceInput("branches.bpmn", bpmn_document(BRANCHES))])
    instance = rt.start_process_instance("branches")

    def task(key):
        [found] = api.get(f"{BASE}/task", {"taskDefinitionKey": key}).json()
        return found

    pack = task("pack")
    branch = pack["executionId"]
    assert branch != instance.id  # a concurrent execution of its own
    put(api, f"execution/{branch}/localVariables/parcel", "P-1")
    put(api, f"task/{pack['id']}/localVariables/scribble", "fragile?")
    assert names(api.get(f"{BASE}/task/{pack['id']}/localVariables")) >= {"scribble"}
    assert api.post(f"{BASE}/task/{pack['id']}/complete", {},
                    content_type="application/json").status_code == 204

    ship = task("ship")
    assert ship["executionId"] == branch
    assert names(api.get(f"{BASE}/execution/{branch}/localVariables")) == {"parcel"}
    assert names(api.get(f"{BASE}/task/{ship['id']}/variables")) == {"parcel"}
    assert names(api.get(f"{BASE}/process-instance/{instance.id}/variables")) == set()

    for key in ("ship", "bill"):
        assert api.post(f"{BASE}/task/{task(key)['id']}/complete", {},
                        content_type="application/json").status_code == 204
    # the join ended the branch and its variable
    assert names(api.get(f"{BASE}/task/{task('close')['id']}/variables")) == set()
