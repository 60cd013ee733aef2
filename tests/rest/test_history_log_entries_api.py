"""One entry of the job log and the external task log, with its stacktrace or error details
(Camunda's /history/job-log/{id} and /history/external-task-log/{id}), and their 404s."""

from __future__ import annotations

import pytest

from engine.jobs.executor import JobExecutorThread
from engine.models import HistoricExternalTaskLog, HistoricJobLog
from engine.services import ResourceInput, deploy
from engine.services import external_tasks as xt
from engine.services.runtime import start_process_instance
from tests.factories import bpmn_document
from tests.identity.factories import make_user
from tests.rest.conftest import BASE
from tests.rest.test_history_logs_api import EXTERNAL, FAILING_ONCE
from tests.rest.test_read_authorization import basic_client

pytestmark = pytest.mark.django_db
H = f"{BASE}/history"


@pytest.fixture
def failure(demo_user) -> HistoricJobLog:
    deploy([ResourceInput("flaky.bpmn", bpmn_document(FAILING_ONCE))])
    start_process_instance("flaky")
    JobExecutorThread().run_once()
    return HistoricJobLog.objects.get(job_exception_message__isnull=False)


@pytest.fixture
def ext_failure(demo_user) -> HistoricExternalTaskLog:
    deploy([ResourceInput("ext.bpmn", bpmn_document(EXTERNAL))])
    start_process_instance("ext")
    (locked,) = xt.fetch_and_lock("w1", 1, [xt.TopicRequest(topic_name="log-me",
                                                            lock_duration=10_000)])
    xt.handle_failure(locked.row.id, "w1", error_message="network down",
                      error_details="Traceback: socket timeout", retries=1)
    return HistoricExternalTaskLog.objects.get(error_message="network down")


def test_a_job_log_entry_and_its_stacktrace_are_read_by_id(api, failure):
    response = api.get(f"{H}/job-log/{failure.id}")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["failureLog"], body["failedActivityId"]) == (
        str(failure.id), True, "calc")
    assert body == api.get(f"{H}/job-log?logId={failure.id}").json()[0]
    trace = api.get(f"{H}/job-log/{failure.id}/stacktrace")
    assert trace.status_code == 200
    assert trace["Content-Type"].startswith("text/plain")
    assert trace.content.decode() == failure.job_exception_stacktrace
    creation = HistoricJobLog.objects.exclude(pk=failure.pk).get()
    assert api.get(f"{H}/job-log/{creation.id}/stacktrace").status_code == 204


def test_unknown_job_log_ids_are_camundas_404s(api, failure):
    for log_id in ("999999", "abc"):
        response = api.get(f"{H}/job-log/{log_id}")
        assert response.status_code == 404
        assert response.json() == {"type": "InvalidRequestException",
                                   "message": f"Historic job log with id {log_id} does not exist",
                                   "code": None}
        trace = api.get(f"{H}/job-log/{log_id}/stacktrace")
        assert trace.status_code == 404
        assert trace.json()["message"] == (
            f"No historic job log found with id {log_id}: historicJobLog is null")


def test_an_external_task_log_entry_and_its_error_details_are_read_by_id(api, ext_failure):
    body = api.get(f"{H}/external-task-log/{ext_failure.id}").json()
    assert (body["id"], body["failureLog"], body["errorMessage"], body["workerId"]) == (
        str(ext_failure.id), True, "network down", "w1")
    details = api.get(f"{H}/external-task-log/{ext_failure.id}/error-details")
    assert details.status_code == 200
    assert details.content.decode() == "Traceback: socket timeout"
    creation = HistoricExternalTaskLog.objects.exclude(pk=ext_failure.pk).get()
    assert api.get(f"{H}/external-task-log/{creation.id}/error-details").status_code == 204
    missing = api.get(f"{H}/external-task-log/999999")
    assert missing.status_code == 404
    assert missing.json()["message"] == "Historic external task log with id 999999 does not exist"
    assert api.get(f"{H}/external-task-log/999999/error-details").json()["message"] == (
        "No historic external task log found with id 999999: historicExternalTaskLog is null")


def test_entries_of_definitions_one_may_not_read_are_hidden_or_forbidden(failure, ext_failure):
    make_user("mallory")
    mallory = basic_client("mallory")
    assert mallory.get(f"{H}/job-log/{failure.id}").status_code == 404
    assert mallory.get(f"{H}/job-log/{failure.id}/stacktrace").status_code == 403
    assert mallory.get(f"{H}/external-task-log/{ext_failure.id}").status_code == 404
    assert mallory.get(
        f"{H}/external-task-log/{ext_failure.id}/error-details").status_code == 403
