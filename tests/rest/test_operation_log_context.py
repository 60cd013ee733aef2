"""What a user operation log entry points at, beyond its instance (Camunda's
UserOperationLogContextEntryBuilder): the execution of a task (and of an instance, for its
comments), the job definition of a job or job definition, the external task acted on; each
answered in UserOperationLogEntryDto and usable as a /history/user-operation filter."""

from __future__ import annotations

import pytest

from engine.jobs.executor import JobExecutorThread
from engine.models import ExternalTask
from engine.services import ResourceInput, deploy
from identity.audit import verify_chain
from tests.factories import bpmn_document
from tests.rest.conftest import BASE
from tests.rest.test_history_logs_api import EXTERNAL, FAILING_ONCE

pytestmark = pytest.mark.django_db
JSON = "application/json"

# Two tasks side by side: each waits at an execution of its own, not the instance's.
FORK = """<bpmn:process id="fork" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="split" />
  <bpmn:parallelGateway id="split" />
  <bpmn:sequenceFlow id="f1" sourceRef="split" targetRef="review" />
  <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="approve" />
  <bpmn:userTask id="review" /><bpmn:userTask id="approve" />
  <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="join" />
  <bpmn:sequenceFlow id="f4" sourceRef="approve" targetRef="join" />
  <bpmn:parallelGateway id="join" />
  <bpmn:sequenceFlow id="f5" sourceRef="join" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>"""


def entries(api, **params) -> list[dict]:
    response = api.get(f"{BASE}/history/user-operation", params)
    assert response.status_code == 200, response.content
    count = api.get(f"{BASE}/history/user-operation/count", params).json()["count"]
    assert count == len(response.json())
    return response.json()


def ok(response) -> None:
    assert response.status_code in (200, 204), response.content


def start(api, key: str) -> str:
    response = api.post(f"{BASE}/process-definition/key/{key}/start", {}, content_type=JSON)
    assert response.status_code == 200, response.content
    return response.json()["id"]


def test_entries_on_a_task_name_its_execution_and_definition(api):
    deploy([ResourceInput("fork.bpmn", bpmn_document(FORK))])
    instance = start(api, "fork")
    tasks = {t["taskDefinitionKey"]: t
             for t in api.get(f"{BASE}/task", {"processInstanceId": instance}).json()}
    review, approve = tasks["review"], tasks["approve"]
    assert review["executionId"] not in (instance, approve["executionId"])
    tk = f"{BASE}/task/{review['id']}"
    ok(api.post(f"{tk}/claim", {"userId": "demo"}, content_type=JSON))
    ok(api.put(f"{tk}/localVariables/note", {"value": "hi"}, content_type=JSON))
    ok(api.post(f"{tk}/identity-links", {"groupId": "sales", "type": "candidate"},
                content_type=JSON))
    ok(api.put(f"{BASE}/process-instance/{instance}/variables/total", {"value": 3},
               content_type=JSON))
    ok(api.post(f"{tk}/complete", {}, content_type=JSON))

    in_review = entries(api, executionId=review["executionId"])
    assert sorted(e["operationType"] for e in in_review) == [
        "AddGroupLink", "Claim", "Complete", "SetVariable"]
    for entry in in_review:
        assert (entry["taskId"], entry["processInstanceId"]) == (review["id"], instance)
        assert entry["processDefinitionKey"] == "fork"
        assert entry["processDefinitionId"] == review["processDefinitionId"]
    by_type = {e["operationType"]: e for e in in_review}
    # A variable set through the task is logged on the task, by a task worker (Camunda).
    assert (by_type["SetVariable"]["category"], by_type["SetVariable"]["newValue"]) == (
        "TaskWorker", "note")
    assert entries(api, executionId=approve["executionId"]) == []
    # A variable of the instance names its definition, but no execution, as Camunda's.
    (on_instance,) = entries(api, processInstanceId=instance, entityType="Variable",
                             category="Operator")
    assert (on_instance["newValue"], on_instance["executionId"], on_instance["taskId"]) == (
        "total", None, None)
    assert on_instance["processDefinitionKey"] == "fork"
    assert verify_chain().intact


def test_a_comment_changed_on_the_instance_names_the_instance_as_its_execution(api):
    deploy([ResourceInput("fork.bpmn", bpmn_document(FORK))])
    instance = start(api, "fork")
    task = api.get(f"{BASE}/task", {"processInstanceId": instance}).json()[0]
    created = api.post(f"{BASE}/task/{task['id']}/comment/create", {"message": "draft"},
                       content_type=JSON).json()
    ok(api.put(f"{BASE}/process-instance/{instance}/comment",
               {"id": created["id"], "message": "final"}, content_type=JSON))
    (updated,) = entries(api, operationType="UpdateComment")
    assert (updated["executionId"], updated["taskId"], updated["newValue"]) == (
        instance, None, "final")
    assert [e["operationType"] for e in entries(api, executionId=instance)] == [
        "UpdateComment"]


def test_entries_on_jobs_and_job_definitions_name_the_job_definition(api):
    deploy([ResourceInput("flaky.bpmn", bpmn_document(FAILING_ONCE))])
    instance = start(api, "flaky")
    JobExecutorThread().run_once()  # the expression fails: no `amount`; no retries left
    (job,) = api.get(f"{BASE}/job", {"processInstanceId": instance}).json()
    definition = job["jobDefinitionId"]
    assert definition
    ok(api.put(f"{BASE}/job/{job['id']}/priority", {"priority": 7}, content_type=JSON))
    ok(api.put(f"{BASE}/job-definition/{definition}/suspended",
               {"suspended": True, "includeJobs": False}, content_type=JSON))
    ok(api.put(f"{BASE}/job-definition/{definition}/retries", {"retries": 2},
               content_type=JSON))

    found = entries(api, jobDefinitionId=definition)
    assert sorted((e["entityType"], e["operationType"], e["property"]) for e in found) == [
        ("Job", "SetJobRetries", "retries"),
        ("Job", "SetPriority", "priority"),
        ("JobDefinition", "SuspendJobDefinition", "includeJobs"),
        ("JobDefinition", "SuspendJobDefinition", "suspensionState"),
    ]
    (on_job,) = [e for e in found if e["operationType"] == "SetPriority"]
    assert (on_job["jobId"], on_job["processInstanceId"]) == (job["id"], instance)
    assert all(e["processDefinitionKey"] == "flaky" for e in found)
    assert entries(api, jobDefinitionId="unknown") == []


@pytest.mark.django_db(transaction=True)  # the external task views are async
def test_entries_on_an_external_task_name_it(api):
    deploy([ResourceInput("ext.bpmn", bpmn_document(EXTERNAL))])
    first, second = start(api, "ext"), start(api, "ext")
    tasks = dict(ExternalTask.objects.values_list("process_instance_id", "id"))
    ok(api.put(f"{BASE}/external-task/{tasks[first]}/retries", {"retries": 3},
               content_type=JSON))
    ok(api.put(f"{BASE}/external-task/{tasks[first]}/priority", {"priority": 5},
               content_type=JSON))
    ok(api.put(f"{BASE}/external-task/{tasks[second]}/priority", {"priority": 1},
               content_type=JSON))
    found = entries(api, externalTaskId=tasks[first])
    assert sorted(e["operationType"] for e in found) == ["SetExternalTaskRetries",
                                                         "SetPriority"]
    assert {(e["externalTaskId"], e["processInstanceId"], e["entityType"]) for e in found} == {
        (tasks[first], first, "ExternalTask")}
    (other,) = entries(api, externalTaskId=tasks[second])
    assert other["newValue"] == "1"


def test_the_auditors_trail_shows_what_each_entry_acted_on(api, client, demo_user):
    deploy([ResourceInput("flaky.bpmn", bpmn_document(FAILING_ONCE))])
    start(api, "flaky")
    JobExecutorThread().run_once()
    (job,) = api.get(f"{BASE}/job").json()
    ok(api.put(f"{BASE}/job-definition/{job['jobDefinitionId']}/suspended",
               {"suspended": True}, content_type=JSON))
    ok(api.put(f"{BASE}/job/{job['id']}/priority", {"priority": 7}, content_type=JSON))
    client.force_login(demo_user)
    trail = client.get("/audit/").context["trail"]
    assert [(e.operation_type, e.target()) for e in trail[:2]] == [
        ("SetPriority", f"job {job['id']}"),
        ("SuspendJobDefinition", f"job definition {job['jobDefinitionId']}"),
    ]
    page = client.get("/audit/").content.decode()
    assert f"<td>job {job['id']}</td>" in page
