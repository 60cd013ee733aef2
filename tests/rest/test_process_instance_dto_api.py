"""Every answer that is Camunda's ProcessInstanceDto (or extends it) names the key of the
instance's definition as `definitionKey`, right after `definitionId` (Camunda's order)."""

from __future__ import annotations

import pytest

from tests.factories import bpmn_document, one_task_bpmn
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db

# A message starts `onMessage`, which ends at once; `foo == 1` starts `onFoo`, which waits.
EVENT_STARTS = bpmn_document(
    """<bpmn:process id="onMessage" isExecutable="true">
  <bpmn:startEvent id="s"><bpmn:messageEventDefinition messageRef="m" /></bpmn:startEvent>
  <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="e" />
  <bpmn:endEvent id="e" />
</bpmn:process>""",
    """<bpmn:process id="onFoo" isExecutable="true">
  <bpmn:startEvent id="c"><bpmn:conditionalEventDefinition>
    <bpmn:condition>${foo == 1}</bpmn:condition>
  </bpmn:conditionalEventDefinition></bpmn:startEvent>
  <bpmn:sequenceFlow id="g1" sourceRef="c" targetRef="review" />
  <bpmn:userTask id="review" />
</bpmn:process>""",
    extra='<bpmn:message id="m" name="go" />',
)
HEAD = ["links", "id", "definitionId", "definitionKey", "businessKey"]


@pytest.fixture
def deployed(modeler_deploy):
    response = modeler_deploy({"invoice.bpmn": one_task_bpmn(), "events.bpmn": EVENT_STARTS})
    assert response.status_code == 200, response.content


def post(api, path, body):
    return api.post(f"{BASE}/{path}", body, content_type="application/json")


def test_start_and_submit_form_answers_name_the_definition_key(api, deployed):
    started = post(api, "process-definition/key/invoice/start", {"withVariablesInReturn": True})
    submitted = post(api, "process-definition/key/invoice/submit-form", {"variables": {}})
    for body in (started.json(), submitted.json()):
        assert list(body)[:5] == HEAD
        assert body["definitionKey"] == "invoice"
    assert list(started.json())[-1] == "variables"


def test_instance_list_and_detail_name_the_definition_key(api, deployed):
    instance_id = post(api, "process-definition/key/invoice/start", {}).json()["id"]
    listed = api.get(f"{BASE}/process-instance").json()
    queried = post(api, "process-instance", {"processDefinitionKey": "invoice"}).json()
    one = api.get(f"{BASE}/process-instance/{instance_id}").json()
    for body in (listed[0], queried[0], one):
        assert list(body)[:5] == HEAD
        assert (body["id"], body["definitionKey"]) == (instance_id, "invoice")


def test_instances_started_by_a_message_or_a_condition_name_the_definition_key(api, deployed):
    # onMessage has ended by the time the answer is written: its dto comes from history.
    [correlated] = post(api, "message", {"messageName": "go", "resultEnabled": True}).json()
    started = correlated["processInstance"]
    assert (started["ended"], started["definitionKey"]) == (True, "onMessage")
    assert list(started)[:5] == HEAD
    [by_condition] = post(api, "condition", {"variables": {"foo": {"value": 1,
                                                                    "type": "Integer"}}}).json()
    assert (by_condition["ended"], by_condition["definitionKey"]) == (False, "onFoo")
    assert list(by_condition)[:5] == HEAD
