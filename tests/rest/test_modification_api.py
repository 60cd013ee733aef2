"""POST /process-instance/{id}/modification with Camunda's JSON."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from engine.models import HistoricProcessInstance, Task, UserOperationLog, VariableInstance
from engine.rest import openapi
from tests.rest.batch_helpers import run_to_end
from tests.rest.conftest import BASE

FIXTURE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "bpmn" / "runtime" / "modification.bpmn"
)


@pytest.fixture
def instance(api, modeler_deploy) -> str:
    assert modeler_deploy({"modification.bpmn": FIXTURE.read_bytes()}).status_code == 200
    started = api.post(
        f"{BASE}/process-definition/key/modification/start", {}, content_type="application/json"
    )
    return started.json()["id"]


def post(api, instance_id: str, body: dict):
    return api.post(
        f"{BASE}/process-instance/{instance_id}/modification", body, content_type="application/json"
    )


def task_names(instance_id: str) -> list[str]:
    return sorted(
        Task.objects.filter(process_instance_id=instance_id).values_list("name", flat=True)
    )


def test_start_before_with_variables_and_cancel_answers_204(api, instance):
    response = post(
        api,
        instance,
        {
            "skipCustomListeners": True,
            "annotation": "skip the hanging step",
            "instructions": [
                {
                    "type": "startBeforeActivity",
                    "activityId": "inner",
                    "variables": {
                        "amount": {"value": 5, "type": "Long"},
                        "note": {"value": "here", "type": "String", "local": True},
                    },
                },
                {"type": "cancel", "activityId": "first"},
            ],
        },
    )
    assert response.status_code == 204, response.content
    assert task_names(instance) == ["Inner"]
    amount = VariableInstance.objects.get(name="amount")
    assert (amount.execution_id, amount.type) == (instance, "Long")
    assert VariableInstance.objects.get(name="note").execution_id != instance
    log = UserOperationLog.objects.get(
        operation_type="ModifyProcessInstance",
        property="instruction",
        new_value="Cancel all instances of activity 'first'",
    )
    assert log.annotation == "skip the hanging step"


def test_start_after_start_transition_and_cancel_by_instance_ids(api, instance):
    tree = api.get(f"{BASE}/process-instance/{instance}/activity-instances").json()
    (first,) = tree["childActivityInstances"]
    response = post(
        api,
        instance,
        {
            "instructions": [
                {"type": "startAfterActivity", "activityId": "first"},
                {"type": "startTransition", "transitionId": "f5"},
                {"type": "cancel", "activityInstanceId": first["id"]},
            ]
        },
    )
    assert response.status_code == 204, response.content
    assert task_names(instance) == ["Second"]  # f5 reached the end event at once


def test_cancelling_everything_terminates_the_instance(api, instance):
    response = post(api, instance, {"instructions": [{"type": "cancel", "activityId": "first"}]})
    assert response.status_code == 204
    assert HistoricProcessInstance.objects.get(pk=instance).state == "EXTERNALLY_TERMINATED"
    assert api.get(f"{BASE}/process-instance/{instance}").status_code == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "'instructions' must be a non-empty array"),
        ({"instructions": []}, "'instructions' must be a non-empty array"),
        ({"instructions": [{"activityId": "a"}]}, "'type' must be one of"),
        ({"instructions": [{"type": "move"}]}, "(got 'move')"),
        (
            {"instructions": [{"type": "startBeforeActivity"}]},
            "for instruction type 'startBeforeActivity', 'activityId' must be set",
        ),
        (
            {"instructions": [{"type": "startTransition", "activityId": "f1"}]},
            "'transitionId' must be set",
        ),
        ({"instructions": [{"type": "cancel"}]}, "exactly one of"),
        (
            {"instructions": [{"type": "cancel", "activityId": "a", "activityInstanceId": "b"}]},
            "exactly one of",
        ),
        (
            {"instructions": [{"type": "startBeforeActivity", "activityId": "nowhere"}]},
            "Activity 'nowhere' does not exist",
        ),
        (
            {"instructions": [{"type": "startAfterActivity", "activityId": "end"}]},
            "has no outgoing sequence flow",
        ),
        (
            {"instructions": [{"type": "cancel", "activityInstanceId": "gone"}]},
            "Activity instance 'gone' does not exist",
        ),
        (
            {
                "instructions": [
                    {
                        "type": "startBeforeActivity",
                        "activityId": "second",
                        "variables": {"x": {"value": "no", "type": "Integer"}},
                    }
                ]
            },
            "variable 'x'",
        ),
        (
            {"skipIoMappings": "yes", "instructions": [{"type": "cancel", "activityId": "first"}]},
            "'skipIoMappings' must be true or false",
        ),
        (
            {"instructions": [{"type": "cancel", "activityId": "first",
                               "cancelCurrentActiveActivityInstances": "yes"}]},
            "Instruction 1: 'cancelCurrentActiveActivityInstances' must be a boolean",
        ),
        (
            # Camunda reads the field into every instruction; a string is no boolean anywhere.
            {"instructions": [{"type": "startBeforeActivity", "activityId": "second",
                               "cancelCurrentActiveActivityInstances": "true"}]},
            "Instruction 1: 'cancelCurrentActiveActivityInstances' must be a boolean",
        ),
    ],
)
def test_bad_instructions_are_a_400_with_the_reason(api, instance, body, message):
    response = post(api, instance, body)
    assert response.status_code == 400
    assert response.json()["type"] == "InvalidRequestException"
    assert message in response.json()["message"]
    assert task_names(instance) == ["First"]


RESTART_FIRST = [
    {"type": "startBeforeActivity", "activityId": "first"},
    {"type": "cancel", "activityId": "first", "cancelCurrentActiveActivityInstances": True},
]


def test_cancel_current_active_instances_spares_the_instance_an_earlier_instruction_started(
    api, instance
):
    old_task = Task.objects.get(process_instance_id=instance).id
    assert post(api, instance, {"instructions": RESTART_FIRST}).status_code == 204
    (task,) = Task.objects.filter(process_instance_id=instance)
    assert (task.name, task.id != old_task) == ("First", True)


def test_cancel_without_the_flag_also_cancels_what_an_earlier_instruction_started(api, instance):
    everything = [RESTART_FIRST[0], {"type": "cancel", "activityId": "first",
                                     "cancelCurrentActiveActivityInstances": False}]
    assert post(api, instance, {"instructions": everything}).status_code == 204
    assert task_names(instance) == []
    assert HistoricProcessInstance.objects.get(pk=instance).state == "EXTERNALLY_TERMINATED"


def test_a_modification_batch_keeps_the_flag_until_it_runs(api, instance):
    old_task = Task.objects.get(process_instance_id=instance).id
    response = api.post(f"{BASE}/process-instance/{instance}/modification-async",
                        {"instructions": RESTART_FIRST}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert run_to_end(response.json()["id"]).failed == 0
    (task,) = Task.objects.filter(process_instance_id=instance)
    assert (task.name, task.id != old_task) == ("First", True)


def test_unknown_instance_is_a_404_and_an_unauthorized_user_a_403(api, instance, client):
    cancel = {"instructions": [{"type": "cancel", "activityId": "first"}]}
    assert post(api, "nope", cancel).status_code == 404
    User.objects.create_user("mallory", password="pw")
    token = base64.b64encode(b"mallory:pw").decode()
    response = client.post(
        f"{BASE}/process-instance/{instance}/modification",
        cancel,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {token}",
    )
    assert response.status_code == 403
    assert response.json()["type"] == "AuthorizationException"
    assert task_names(instance) == ["First"]


def test_the_operation_is_documented_with_its_body():
    operation = openapi.document()["paths"]["/process-instance/{id}/modification"]["post"]
    assert "204" in operation["responses"]
    instruction = openapi.SCHEMAS["ProcessInstanceModificationInstructionDto"]["properties"]
    assert instruction["cancelCurrentActiveActivityInstances"]["type"] == "boolean"
    assert instruction["type"]["enum"] == [
        "startBeforeActivity",
        "startAfterActivity",
        "startTransition",
        "cancel",
    ]
