"""History job log and external-task log: every event of a job's and an external task's life."""

import base64

import pytest

from engine.jobs.executor import JobExecutorThread
from engine.models import ExternalTask, Job
from engine.rest import openapi
from engine.services import ResourceInput, deploy
from engine.services import external_tasks as xt
from engine.services.jobs import set_job_retries
from engine.services.runtime import set_variables, start_process_instance
from tests.factories import bpmn_document

pytestmark = pytest.mark.django_db
AUTH = "Basic " + base64.b64encode(b"demo:demo").decode()

FAILING_ONCE = """<bpmn:process id="flaky" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="calc" />
  <bpmn:serviceTask id="calc" camunda:asyncBefore="true" camunda:expression="${amount * 2}">
    <bpmn:extensionElements>
      <camunda:failedJobRetryTimeCycle>R1/PT0S</camunda:failedJobRetryTimeCycle>
    </bpmn:extensionElements>
  </bpmn:serviceTask>
  <bpmn:sequenceFlow id="f2" sourceRef="calc" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>"""

EXTERNAL = """<bpmn:process id="ext" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="w" />
  <bpmn:serviceTask id="w" camunda:type="external" camunda:topic="log-me" />
  <bpmn:sequenceFlow id="f2" sourceRef="w" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>"""


def get(client, path: str) -> list[dict]:
    response = client.get(path, HTTP_AUTHORIZATION=AUTH)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_failed_job_logs_creation_and_failure_and_its_successful_retry(client, demo_user):

    deploy([ResourceInput("flaky.bpmn", bpmn_document(FAILING_ONCE))])
    instance = start_process_instance("flaky")
    JobExecutorThread().run_once()
    logs = get(client, f"/engine-rest/history/job-log?processInstanceId={instance.id}")
    assert [(e["creationLog"], e["failureLog"]) for e in logs] == [(True, False), (False, True)]
    failure = logs[1]
    assert "amount" in failure["jobExceptionMessage"]
    assert failure["failedActivityId"] == "calc"
    # The token alone under the instance is the instance's execution, as /job names it.
    (job_dto,) = get(client, f"/engine-rest/job?processInstanceId={instance.id}")
    assert {e["executionId"] for e in logs} == {job_dto["executionId"]} == {instance.id}
    (incident,) = get(client, f"/engine-rest/history/incident?processInstanceId={instance.id}")
    assert incident["executionId"] == instance.id

    job = Job.objects.get()
    set_variables(instance.id, {"amount": 2})
    set_job_retries(job.id, 1)
    JobExecutorThread().run_once()
    success = get(client, f"/engine-rest/history/job-log?jobId={job.id}&successLog=true")
    assert [e["executionId"] for e in success] == [instance.id]
    count = client.get("/engine-rest/history/job-log/count", HTTP_AUTHORIZATION=AUTH).json()
    assert count == {"count": 3}


def test_a_job_log_entry_answers_a_null_batch_id_after_its_hostname(client, demo_user):
    # Legato's batches run in batches/runner.py, not as jobs: no entry belongs to a batch.
    deploy([ResourceInput("flaky.bpmn", bpmn_document(FAILING_ONCE))])
    start_process_instance("flaky")
    (created,) = get(client, "/engine-rest/history/job-log")
    keys = list(created)
    assert keys[keys.index("hostname") + 1] == "batchId"
    assert created["batchId"] is None
    assert get(client, f"/engine-rest/history/job-log/{created['id']}") == created
    assert keys == list(openapi.SCHEMAS["HistoricJobLogDto"]["properties"])


def test_an_external_task_logs_creation_failure_and_success(client, demo_user):
    deploy([ResourceInput("ext.bpmn", bpmn_document(EXTERNAL))])
    start_process_instance("ext")
    topic = xt.TopicRequest(topic_name="log-me", lock_duration=10_000)
    (locked,) = xt.fetch_and_lock("w1", 1, [topic])
    xt.handle_failure(locked.row.id, "w1", error_message="network down", retries=1)
    task = ExternalTask.objects.get()
    task.lock_expiration_time = None
    task.save()
    (again,) = xt.fetch_and_lock("w2", 1, [topic])
    xt.complete(again.row.id, "w2")
    logs = get(
        client,
        "/engine-rest/history/external-task-log?topicName=log-me&sortBy=timestamp&sortOrder=asc",
    )
    states = [
        next(k for k in ("creationLog", "failureLog", "successLog", "deletionLog") if e[k])
        for e in logs
    ]
    assert states == ["creationLog", "failureLog", "successLog"]
    assert logs[1]["errorMessage"] == "network down"
    assert logs[2]["workerId"] == "w2"


def test_a_log_id_that_is_not_a_number_is_a_400(client, demo_user):
    response = client.get("/engine-rest/history/job-log?logId=abc", HTTP_AUTHORIZATION=AUTH)
    assert response.status_code == 400
    assert response.json()["type"] == "InvalidRequestException"
