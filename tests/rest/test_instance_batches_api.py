"""Batches on process instances that Camunda 7.2x added: `POST /process-instance/message-async`,
`/process-instance/{id}/modification-async`, and `delete-historic-query-based` /
`job-retries-historic-query-based` (the same batches, targets found by a historic query)."""

from __future__ import annotations

import pytest

from batches.models import Batch
from engine.models import Job, ProcessInstance, Task, UserOperationLog
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import bpmn_document
from tests.rest.batch_helpers import TIMER, run_to_end, start_instances
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db

WAITING = bpmn_document(
    """<bpmn:process id="shipping" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="paid" />
  <bpmn:receiveTask id="paid" messageRef="m" />
  <bpmn:sequenceFlow id="f2" sourceRef="paid" targetRef="ship" /><bpmn:userTask id="ship" />
</bpmn:process>""",
    extra='<bpmn:message id="m" name="Paid" />',
)


def post(api, path: str, body: dict):
    return api.post(f"{BASE}/{path}", body, content_type="application/json")


def at(activity: str) -> set[str]:
    return set(Task.objects.filter(task_definition_key=activity)
               .values_list("process_instance_id", flat=True))


def test_a_message_is_correlated_to_each_instance_in_a_batch(api, demo_user):
    deploy([ResourceInput("shipping.bpmn", WAITING)])
    waiting = [rt.start_process_instance("shipping").id for _ in range(3)]
    rt.correlate_message("Paid", process_instance_id=waiting[2])  # no longer waiting
    response = post(api, "process-instance/message-async", {
        "messageName": "Paid",
        "processInstanceIds": waiting[:1],
        "processInstanceQuery": {"processInstanceIds": waiting[1:]},
        "variables": {"amount": {"value": 12, "type": "Integer"}},
    })
    assert response.status_code == 200, response.content
    dto = response.json()
    assert (dto["type"], dto["totalJobs"]) == ("correlate-message", 3)
    logged = UserOperationLog.objects.filter(operation_type="CorrelateMessage")
    assert dict(logged.values_list("property", "new_value")) == {
        "messageName": "Paid", "nrOfInstances": "3", "nrOfVariables": "1", "async": "true"
    }

    batch = run_to_end(dto["id"])

    # the instance nobody waited in is no failure: Camunda's correlateAll finds nothing there
    assert (batch.done, batch.failed) == (3, 0)
    assert at("ship") == set(waiting)
    variables = api.get(f"{BASE}/process-instance/{waiting[0]}/variables").json()
    assert variables["amount"]["value"] == 12


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"processInstanceIds": ["x"]}, "messageName is null"),
        ({"messageName": "Paid"}, "No process instances found."),
        ({"messageName": "Paid", "processInstanceQuery": {"processDefinitionKey": "none"}},
         "Process instance ids cannot be empty"),
        ({"messageName": "Paid", "processInstanceIds": ["x"],
          "variables": {"a": {"value": 1, "type": "Nope"}}}, None),
    ],
)
def test_bad_message_batches_are_refused_and_create_nothing(api, demo_user, body, message):
    response = post(api, "process-instance/message-async", body)
    assert response.status_code == 400, response.content
    if message is not None:
        assert response.json()["message"] == message
    assert not Batch.objects.exists()
    assert not UserOperationLog.objects.filter(operation_type="CorrelateMessage").exists()


def test_one_instance_is_modified_in_a_batch(api, demo_user):
    [instance] = start_instances(1)
    [task] = Task.objects.filter(process_instance_id=instance)
    tree = api.get(f"{BASE}/process-instance/{instance}/activity-instances").json()
    [activity] = tree["childActivityInstances"]
    response = post(api, f"process-instance/{instance}/modification-async", {
        "instructions": [
            {"type": "startBeforeActivity", "activityId": task.task_definition_key},
            {"type": "cancel", "activityInstanceId": activity["id"]},
        ],
        "annotation": "moved by support",
    })
    assert response.status_code == 200, response.content
    dto = response.json()
    assert (dto["type"], dto["totalJobs"]) == ("instance-modification", 1)
    assert Task.objects.filter(pk=task.id).exists()  # nothing before the batch runs

    batch = run_to_end(dto["id"])

    assert (batch.done, batch.failed) == (1, 0)
    [moved] = Task.objects.filter(process_instance_id=instance)
    assert moved.id != task.id


def test_a_modification_batch_of_an_unknown_instance_or_bad_instructions_is_refused(api, demo_user):
    [instance] = start_instances(1)
    unknown = post(api, "process-instance/nope/modification-async",
                   {"instructions": [{"type": "startBeforeActivity", "activityId": "x"}]})
    assert unknown.status_code == 404
    bad = post(api, f"process-instance/{instance}/modification-async",
               {"instructions": [{"type": "jump"}]})
    assert bad.status_code == 400
    assert not Batch.objects.exists()


def test_historic_query_based_deletion_and_job_retries(api, demo_user):
    ids = start_instances(2)
    response = post(api, "process-instance/delete-historic-query-based", {
        "historicProcessInstanceQuery": {"processInstanceIds": ids[:1]}, "deleteReason": "old",
    })
    assert response.status_code == 200, response.content
    assert response.json()["type"] == "instance-deletion"
    run_to_end(response.json()["id"])
    assert set(ProcessInstance.objects.values_list("id", flat=True)) == set(ids[1:])

    timers = start_instances(2, "waiter", xml=TIMER)
    retries = post(api, "process-instance/job-retries-historic-query-based", {
        "historicProcessInstanceQuery": {"processDefinitionKey": "waiter"}, "retries": 7,
    })
    assert retries.status_code == 200, retries.content
    run_to_end(retries.json()["id"])
    assert set(Job.objects.filter(process_instance_id__in=timers)
               .values_list("retries", flat=True)) == {7}

