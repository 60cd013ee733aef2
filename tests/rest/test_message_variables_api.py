"""POST /message: `processVariablesLocal` go to the execution that waited for the message,
`processVariablesToTriggeredScope` to the scope the message triggers (Camunda's
setVariablesLocal / setVariablesToTriggeredScope); a message start gets all as its variables."""

from __future__ import annotations

import pytest

from engine.models import Task
from tests.factories import bpmn_document
from tests.rest.conftest import BASE
from tests.rest.test_runtime_api import start

pytestmark = pytest.mark.django_db

MESSAGES = """<bpmn:message id="paid_m" name="paid" /><bpmn:message id="note_m" name="note" />
<bpmn:message id="order_m" name="order" />"""

WAITING = """<bpmn:process id="waiting" isExecutable="true">
  <bpmn:startEvent id="s" />
  <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="sub" />
  <bpmn:subProcess id="sub">
    <bpmn:startEvent id="sub_s" />
    <bpmn:sequenceFlow id="f2" sourceRef="sub_s" targetRef="wait" />
    <bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="paid_m" />
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="inside" />
    <bpmn:userTask id="inside" />
    <bpmn:sequenceFlow id="f4" sourceRef="inside" targetRef="sub_e" />
    <bpmn:endEvent id="sub_e" />
  </bpmn:subProcess>
  <bpmn:sequenceFlow id="f5" sourceRef="sub" targetRef="after" />
  <bpmn:userTask id="after" />
  <bpmn:sequenceFlow id="f6" sourceRef="after" targetRef="e" />
  <bpmn:endEvent id="e" />
  <bpmn:subProcess id="notes" triggeredByEvent="true">
    <bpmn:startEvent id="note_s" isInterrupting="false">
      <bpmn:messageEventDefinition messageRef="note_m" /></bpmn:startEvent>
    <bpmn:sequenceFlow id="n1" sourceRef="note_s" targetRef="read_note" />
    <bpmn:userTask id="read_note" />
    <bpmn:sequenceFlow id="n2" sourceRef="read_note" targetRef="note_e" />
    <bpmn:endEvent id="note_e" />
  </bpmn:subProcess>
</bpmn:process>"""

STARTED = """<bpmn:process id="started" isExecutable="true">
  <bpmn:startEvent id="order_s"><bpmn:messageEventDefinition messageRef="order_m" />
  </bpmn:startEvent>
  <bpmn:sequenceFlow id="g1" sourceRef="order_s" targetRef="handle" />
  <bpmn:userTask id="handle" />
</bpmn:process>"""


@pytest.fixture
def deployed(modeler_deploy):
    response = modeler_deploy({"waiting.bpmn": bpmn_document(WAITING, STARTED, extra=MESSAGES)})
    assert response.status_code == 200, response.content


def typed(value: str) -> dict:
    return {"value": value, "type": "String"}


def correlate(api, **body):
    return api.post(f"{BASE}/message", body, content_type="application/json")


def names(api, path: str) -> set[str]:
    return set(api.get(f"{BASE}/{path}").json())


def task(instance: str, activity: str) -> str:
    return Task.objects.get(process_instance_id=instance, task_definition_key=activity).id


def test_local_variables_stay_in_the_waiting_scope_and_the_others_reach_the_instance(
    api, deployed
):
    instance = start(api, "waiting").json()["id"]
    response = correlate(api, messageName="paid", processInstanceId=instance,
                         processVariables={"amount": typed("10")},
                         processVariablesLocal={"receipt": typed("R-1")},
                         processVariablesToTriggeredScope={"channel": typed("bank")})
    assert response.status_code == 204, response.content
    # The catch event waited in the sub-process's scope: its local variables are that
    # scope's, seen from the task inside and gone from the instance's own.
    inside = task(instance, "inside")
    assert names(api, f"task/{inside}/variables") == {"amount", "receipt", "channel"}
    assert names(api, f"process-instance/{instance}/variables") == {"amount"}
    assert api.post(f"{BASE}/task/{inside}/complete", {},
                    content_type="application/json").status_code == 204
    after = task(instance, "after")
    assert names(api, f"task/{after}/variables") == {"amount"}


def test_an_event_sub_process_gets_the_triggered_scope_variables(api, deployed):
    instance = start(api, "waiting").json()["id"]
    response = correlate(api, messageName="note", processInstanceId=instance,
                         processVariables={"seen": typed("yes")},
                         processVariablesToTriggeredScope={"note": typed("call back")})
    assert response.status_code == 204, response.content
    reading = task(instance, "read_note")
    assert names(api, f"task/{reading}/variables") == {"seen", "note"}
    assert names(api, f"process-instance/{instance}/variables") == {"seen"}


def test_a_message_start_gets_every_kind_as_its_variables(api, deployed):
    response = correlate(api, messageName="order", resultEnabled=True,
                         processVariables={"a": typed("1")},
                         processVariablesLocal={"b": typed("2")},
                         processVariablesToTriggeredScope={"c": typed("3")})
    assert response.status_code == 200, response.content
    [result] = response.json()
    instance = result["processInstance"]["id"]
    assert names(api, f"process-instance/{instance}/variables") == {"a", "b", "c"}


def test_malformed_local_variables_are_a_400_and_deliver_nothing(api, deployed):
    instance = start(api, "waiting").json()["id"]
    for field in ("processVariablesLocal", "processVariablesToTriggeredScope"):
        response = correlate(api, messageName="paid", processInstanceId=instance,
                             **{field: {"x": {"value": "1", "type": "Nope"}}})
        assert response.status_code == 400, field
        assert response.json()["type"] == "InvalidRequestException"
    assert not Task.objects.filter(process_instance_id=instance).exists()
