"""POST /task/{id}/bpmnError and /bpmnEscalation: a user reports a business error or
escalates at a user task, as Camunda's taskService.handleBpmnError / handleEscalation."""

from __future__ import annotations

import pytest

from engine.models import HistoricTaskInstance, Task, UserOperationLog
from engine.services import ResourceInput, deploy, suspension
from engine.services import runtime as rt
from tests.factories import bpmn_document
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db

REVIEW = bpmn_document(
    """<bpmn:process id="review" isExecutable="true">
  <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
  <bpmn:userTask id="check" />
  <bpmn:boundaryEvent id="refused" attachedToRef="check">
    <bpmn:errorEventDefinition errorRef="fraud" camunda:errorMessageVariable="why" />
  </bpmn:boundaryEvent>
  <bpmn:boundaryEvent id="ask" attachedToRef="check" cancelActivity="false">
    <bpmn:escalationEventDefinition escalationRef="help" />
  </bpmn:boundaryEvent>
  <bpmn:boundaryEvent id="hand_over" attachedToRef="check">
    <bpmn:escalationEventDefinition escalationRef="senior" />
  </bpmn:boundaryEvent>
  <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="done" /><bpmn:endEvent id="done" />
  <bpmn:sequenceFlow id="f3" sourceRef="refused" targetRef="investigate" />
  <bpmn:userTask id="investigate" />
  <bpmn:sequenceFlow id="f4" sourceRef="ask" targetRef="advise" /><bpmn:userTask id="advise" />
  <bpmn:sequenceFlow id="f5" sourceRef="hand_over" targetRef="senior_check" />
  <bpmn:userTask id="senior_check" />
</bpmn:process>""",
    extra='<bpmn:error id="fraud" errorCode="FRAUD" /><bpmn:escalation id="help" '
    'escalationCode="NEED_HELP" /><bpmn:escalation id="senior" escalationCode="TOO_BIG" />',
)


@pytest.fixture
def instance(demo_user):
    deploy([ResourceInput("review.bpmn", REVIEW)])
    return rt.start_process_instance("review", variables={"amount": 10})


def open_tasks(instance) -> dict[str, str]:
    return dict(Task.objects.filter(process_instance_id=instance.id)
                .values_list("task_definition_key", "id"))


def post(api, task_id: str, action: str, body: dict):
    return api.post(f"{BASE}/task/{task_id}/{action}", body, content_type="application/json")


def variables(api, instance) -> dict:
    found = api.get(f"{BASE}/process-instance/{instance.id}/variables").json()
    return {name: dto["value"] for name, dto in found.items()}


def test_a_bpmn_error_at_a_task_is_caught_by_its_boundary_event(api, instance):
    check = open_tasks(instance)["check"]
    response = post(api, check, "bpmnError", {
        "errorCode": "FRAUD", "errorMessage": "stolen card",
        "variables": {"flag": {"value": "red", "type": "String"}},
    })
    assert response.status_code == 204, response.content
    assert set(open_tasks(instance)) == {"investigate"}
    assert variables(api, instance) == {"amount": 10, "flag": "red", "why": "stolen card"}
    assert HistoricTaskInstance.objects.get(pk=check).delete_reason == "deleted"
    logged = UserOperationLog.objects.get(task_id=check, operation_type="HandleBpmnError")
    assert (logged.user_id, logged.new_value) == ("demo", "FRAUD")


def test_an_error_nobody_catches_ends_the_task_and_its_token_as_camunda(api, instance):
    check = open_tasks(instance)["check"]
    response = post(api, check, "bpmnError", {
        "errorCode": "UNKNOWN", "variables": {"flag": {"value": "red", "type": "String"}},
    })
    assert response.status_code == 204, response.content
    assert open_tasks(instance) == {}
    history = api.get(f"{BASE}/history/process-instance/{instance.id}").json()
    assert history["state"] == "COMPLETED"
    assert HistoricTaskInstance.objects.get(pk=check).delete_reason == "deleted"


def test_with_exceptions_after_unhandled_errors_it_fails_and_changes_nothing(
    api, instance, engine_settings
):
    engine_settings(LEGATO_EXCEPTIONS_AFTER_UNHANDLED_BPMN_ERROR=True)
    check = open_tasks(instance)["check"]
    response = post(api, check, "bpmnError", {
        "errorCode": "UNKNOWN", "variables": {"flag": {"value": "red", "type": "String"}},
    })
    assert response.status_code == 500
    assert response.json()["message"].startswith(
        "Execution with id 'check' throws an error event with errorCode 'UNKNOWN' and "
        "errorMessage 'null', but no error handler was defined."
    )
    assert open_tasks(instance) == {"check": check}
    assert variables(api, instance) == {"amount": 10}


def test_a_non_interrupting_escalation_leaves_the_task_open(api, instance):
    check = open_tasks(instance)["check"]
    response = post(api, check, "bpmnEscalation", {
        "escalationCode": "NEED_HELP", "variables": {"topic": {"value": "limits"}},
    })
    assert response.status_code == 204, response.content
    assert open_tasks(instance) == {"check": check, "advise": open_tasks(instance)["advise"]}
    assert variables(api, instance)["topic"] == "limits"


def test_an_interrupting_escalation_takes_the_task_away(api, instance):
    check = open_tasks(instance)["check"]
    assert post(api, check, "bpmnEscalation", {"escalationCode": "TOO_BIG"}).status_code == 204
    assert set(open_tasks(instance)) == {"senior_check"}


def test_an_escalation_nobody_catches_fails_in_camundas_words(api, instance):
    check = open_tasks(instance)["check"]
    response = post(api, check, "bpmnEscalation", {
        "escalationCode": "NOBODY", "variables": {"topic": {"value": "x"}},
    })
    assert response.status_code == 500
    assert response.json()["message"].startswith(
        "Execution with id 'check' throws an escalation event with escalationCode 'NOBODY', "
        "but no escalation handler was defined."
    )
    assert open_tasks(instance) == {"check": check}
    assert variables(api, instance) == {"amount": 10}


@pytest.mark.parametrize(
    ("action", "body", "status", "message"),
    [
        ("bpmnError", {}, 400, "errorCode is empty"),
        ("bpmnError", {"errorCode": ""}, 400, "errorCode is empty"),
        ("bpmnError", {"errorCode": 7}, 400, "'errorCode' must be a string"),
        ("bpmnError", {"errorCode": "FRAUD", "errorMessage": ["x"]}, 400,
         "'errorMessage' must be a string"),
        ("bpmnEscalation", {}, 400, "escalationCode is empty"),
        ("bpmnError", {"errorCode": "FRAUD", "variables": {"x": {"value": 1, "type": "Nope"}}},
         400, None),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(api, instance, action, body, status, message):
    check = open_tasks(instance)["check"]
    response = post(api, check, action, body)
    assert response.status_code == status, response.content
    if message is not None:
        assert response.json()["message"] == message
    assert open_tasks(instance) == {"check": check}


def test_unknown_suspended_and_standalone_tasks(api, instance):
    unknown = post(api, "nope", "bpmnError", {"errorCode": "FRAUD"})
    assert unknown.status_code == 404
    assert unknown.json()["message"] == "Cannot find task with id nope: task is null"

    suspension.suspend_process_instance(instance.id)
    check = open_tasks(instance)["check"]
    suspended = post(api, check, "bpmnError", {"errorCode": "FRAUD"})
    assert suspended.status_code == 500  # Camunda: SuspendedEntityInteractionException
    assert "suspended" in suspended.json()["message"]
    assert open_tasks(instance) == {"check": check}

    created = api.post(f"{BASE}/task/create", {"id": "own", "name": "Own"},
                       content_type="application/json")
    assert created.status_code == 204
    standalone = post(api, "own", "bpmnEscalation", {"escalationCode": "TOO_BIG"})
    assert standalone.status_code == 400
    assert "belongs to no process instance" in standalone.json()["message"]
