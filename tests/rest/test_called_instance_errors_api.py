"""A worker's BPMN error and a user's escalation in a called instance, as Camunda handles
them: they go up to the call activity (whose camunda:out mappings take the called instance's
variables on the way); an error no caller catches ends the worker's task and both instances go
on, an escalation nobody catches is refused."""

from __future__ import annotations

import pytest

from engine.models import ExternalTask, HistoricActivityInstance, HistoricProcessInstance, Task
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import bpmn_document
from tests.rest.conftest import BASE

# fetchAndLock is an async view: its own connection must see the committed rows
pytestmark = pytest.mark.django_db(transaction=True)

MODELS = bpmn_document(
    """<bpmn:process id="order" isExecutable="true">
  <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="pay" />
  <bpmn:callActivity id="pay" calledElement="payment">
    <bpmn:extensionElements>
      <camunda:out source="declined" target="declined" />
    </bpmn:extensionElements>
  </bpmn:callActivity>
  <bpmn:boundaryEvent id="no_funds" attachedToRef="pay">
    <bpmn:errorEventDefinition errorRef="funds" />
  </bpmn:boundaryEvent>
  <bpmn:sequenceFlow id="f2" sourceRef="pay" targetRef="ship" /><bpmn:userTask id="ship" />
  <bpmn:sequenceFlow id="f3" sourceRef="no_funds" targetRef="remind" /><bpmn:userTask id="remind" />
</bpmn:process>""",
    """<bpmn:process id="payment" isExecutable="true">
  <bpmn:startEvent id="pay_start" />
  <bpmn:sequenceFlow id="p1" sourceRef="pay_start" targetRef="charge" />
  <bpmn:serviceTask id="charge" camunda:type="external" camunda:topic="charge" />
  <bpmn:sequenceFlow id="p2" sourceRef="charge" targetRef="pay_end" /><bpmn:endEvent id="pay_end" />
</bpmn:process>""",
    extra='<bpmn:error id="funds" errorCode="NO_FUNDS" />',
)


@pytest.fixture
def order(demo_user):
    deploy([ResourceInput("order.bpmn", MODELS)])
    return rt.start_process_instance("order")


def lock(api) -> str:
    response = api.post(
        f"{BASE}/external-task/fetchAndLock",
        {"workerId": "w1", "topics": [{"topicName": "charge", "lockDuration": 9000}]},
        content_type="application/json",
    )
    (task,) = response.json()
    return task["id"]


def report_error(api, code: str) -> int:
    response = api.post(
        f"{BASE}/external-task/{lock(api)}/bpmnError",
        {
            "workerId": "w1",
            "errorCode": code,
            "errorMessage": "card declined",
            "variables": {"declined": {"value": "card 4242", "type": "String"}},
        },
        content_type="application/json",
    )
    return response.status_code


def open_tasks(instance) -> list[str]:
    return list(Task.objects.filter(process_instance_id=instance.id)
                .values_list("task_definition_key", flat=True))


def caller_variable(api, instance, name: str):
    return api.get(f"{BASE}/process-instance/{instance.id}/variables/{name}").json()["value"]


def test_an_error_the_caller_catches_brings_the_called_instances_out_variables(api, order):
    assert report_error(api, "NO_FUNDS") == 204
    assert open_tasks(order) == ["remind"]
    assert caller_variable(api, order, "declined") == "card 4242"
    child = HistoricProcessInstance.objects.get(super_process_instance_id=order.id)
    assert child.state == "EXTERNALLY_TERMINATED"
    assert not ExternalTask.objects.exists()


def test_an_error_no_caller_catches_ends_the_workers_task_and_both_instances_go_on(api, order):
    assert report_error(api, "CARD_EXPIRED") == 204
    assert open_tasks(order) == ["ship"]
    assert caller_variable(api, order, "declined") == "card 4242"
    child = HistoricProcessInstance.objects.get(super_process_instance_id=order.id)
    assert child.state == "COMPLETED"
    assert child.end_activity_id == "charge"
    history = HistoricActivityInstance.objects.filter(process_instance_id=child.id)
    charge = history.get(activity_id="charge")
    assert charge.end_time is not None
    assert not charge.canceled
    assert not ExternalTask.objects.exists()


def test_with_exceptions_after_unhandled_errors_the_report_fails_and_changes_nothing(
    api, order, engine_settings
):
    engine_settings(LEGATO_EXCEPTIONS_AFTER_UNHANDLED_BPMN_ERROR=True)
    response = api.post(
        f"{BASE}/external-task/{lock(api)}/bpmnError",
        {"workerId": "w1", "errorCode": "CARD_EXPIRED"},
        content_type="application/json",
    )
    assert response.status_code == 500
    assert response.json()["message"].startswith(
        "Execution with id 'charge' throws an error event with errorCode 'CARD_EXPIRED'"
    )
    assert open_tasks(order) == []
    assert ExternalTask.objects.get().worker_id == "w1"


CLAIMS = bpmn_document(
    """<bpmn:process id="claim" isExecutable="true">
  <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="assess" />
  <bpmn:callActivity id="assess" calledElement="assessment" />
  <bpmn:boundaryEvent id="help" attachedToRef="assess" cancelActivity="false">
    <bpmn:escalationEventDefinition escalationRef="expert" />
  </bpmn:boundaryEvent>
  <bpmn:sequenceFlow id="f2" sourceRef="help" targetRef="advise" /><bpmn:userTask id="advise" />
</bpmn:process>""",
    """<bpmn:process id="assessment" isExecutable="true">
  <bpmn:startEvent id="a_start" />
  <bpmn:sequenceFlow id="a1" sourceRef="a_start" targetRef="review" />
  <bpmn:userTask id="review" />
</bpmn:process>""",
    extra='<bpmn:escalation id="expert" escalationCode="EXPERT" />',
)


def test_a_users_escalation_in_a_called_instance_is_caught_at_the_call_activity(api, demo_user):
    deploy([ResourceInput("claim.bpmn", CLAIMS)])
    claim = rt.start_process_instance("claim")
    review = Task.objects.get(task_definition_key="review")
    escalate = f"{BASE}/task/{review.id}/bpmnEscalation"
    response = api.post(escalate, {"escalationCode": "EXPERT"}, content_type="application/json")
    assert response.status_code == 204, response.content
    assert open_tasks(claim) == ["advise"]
    assert Task.objects.filter(pk=review.id).exists()  # the task that escalated stays
    response = api.post(escalate, {"escalationCode": "UNKNOWN"}, content_type="application/json")
    assert response.status_code == 500
    assert response.json()["message"].startswith(
        "Execution with id 'review' throws an escalation event with escalationCode 'UNKNOWN'"
    )
    assert open_tasks(claim) == ["advise"]
