"""`POST /job/retries`, `POST /external-task/retries-async` and `PUT /external-task/retries`."""

from __future__ import annotations

import pytest

from batches.models import Batch
from engine.models import ExternalTask, Job, UserOperationLog
from engine.services.external_tasks import set_retries
from identity.resources import Permission, Resource
from tests.identity.factories import make_user
from tests.rest.batch_helpers import TIMER, WORKER, run_to_end, start_instances
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import basic_client, grant

pytestmark = pytest.mark.django_db


def post(api, path, **body):
    return api.post(f"{BASE}/{path}", body, content_type="application/json")


def test_a_batch_sets_the_retries_and_due_date_of_jobs_found_by_a_query(api):
    ids = start_instances(3, "waiter", TIMER)
    response = post(api, "job/retries", jobQuery={"timers": True}, retries=5,
                    dueDate="2030-01-01T10:00:00.000+0000")
    assert response.status_code == 200, response.content
    dto = response.json()
    assert (dto["type"], dto["totalJobs"]) == ("set-job-retries", 3)
    assert run_to_end(dto["id"]).done == 3
    jobs = Job.objects.filter(process_instance_id__in=ids)
    assert {job.retries for job in jobs} == {5}
    assert {job.due_date.year for job in jobs} == {2030}
    # One operation per job names both changes, as Camunda's SetJobRetries.
    entries = UserOperationLog.objects.filter(job_id__in=jobs.values("id"))
    assert {(e.operation_type, e.property) for e in entries} == {
        ("SetJobRetries", "retries"), ("SetJobRetries", "dueDate")}
    assert len({e.operation_id for e in entries}) == 3


def test_jobs_of_named_instances_are_targets_too(api):
    ids = start_instances(2, "waiter", TIMER)
    dto = post(api, "job/retries", processInstances=ids[:1], retries=2).json()
    assert dto["totalJobs"] == 1
    run_to_end(dto["id"])
    assert Job.objects.get(process_instance_id=ids[0]).retries == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"jobIds": ["x"]}, "retries is null"),
        ({"jobIds": ["x"], "retries": -1},
         "The number of job retries must be a non-negative Integer"),
        ({"retries": 1}, "jobIds is empty"),
        ({"jobQuery": {"processInstanceId": "nothing"}, "retries": 1}, "jobIds is empty"),
        ({"jobIds": ["x"], "retries": 1, "dueDate": "tomorrow"}, None),
    ],
)
def test_bad_job_retry_requests_are_refused_and_create_no_batch(api, body, message):
    response = post(api, "job/retries", **body)
    assert response.status_code == 400
    assert response.json()["type"] == "InvalidRequestException"
    if message is not None:
        assert response.json()["message"] == message
    assert not Batch.objects.exists()


def failed_external_tasks(count: int) -> list[str]:
    start_instances(count, "worker", WORKER)
    ids = list(ExternalTask.objects.values_list("id", flat=True))
    for task_id in ids:
        set_retries(task_id, 0, user_id="demo")
    return ids


def test_an_async_batch_gives_external_tasks_retries_and_resolves_their_incidents(api):
    ids = failed_external_tasks(3)
    dto = post(api, "external-task/retries-async",
               externalTaskQuery={"noRetriesLeft": True}, retries=2).json()
    assert (dto["type"], dto["totalJobs"]) == ("set-external-task-retries", 3)
    assert run_to_end(dto["id"]).done == 3
    assert set(ExternalTask.objects.filter(pk__in=ids).values_list("retries", flat=True)) == {2}
    assert api.get(f"{BASE}/incident/count").json() == {"count": 0}


def test_external_tasks_of_instances_found_by_a_query_are_targets(api):
    failed_external_tasks(2)
    dto = post(api, "external-task/retries-async",
               processInstanceQuery={"processDefinitionKey": "worker"}, retries=1).json()
    assert dto["totalJobs"] == 2


def test_setting_external_task_retries_at_once_answers_204(api):
    ids = failed_external_tasks(2)
    response = api.put(f"{BASE}/external-task/retries", {"externalTaskIds": ids, "retries": 4},
                       content_type="application/json")
    assert response.status_code == 204
    assert set(ExternalTask.objects.values_list("retries", flat=True)) == {4}
    assert not Batch.objects.exists()


def test_the_synchronous_form_sets_none_when_one_task_is_refused(demo_user):
    ids = failed_external_tasks(2)
    make_user("mary")
    first_instance = ExternalTask.objects.get(pk=ids[0]).process_instance_id
    grant("mary", Resource.PROCESS_INSTANCE, first_instance, Permission.UPDATE)
    response = basic_client("mary").put(
        f"{BASE}/external-task/retries", {"externalTaskIds": ids, "retries": 4},
        content_type="application/json")
    assert response.status_code == 403
    assert set(ExternalTask.objects.values_list("retries", flat=True)) == {0}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"externalTaskIds": ["x"]}, "retries is null"),
        ({"retries": 1}, "externalTaskIds is empty"),
        ({"externalTaskIds": "x", "retries": 1}, "'externalTaskIds' must be a list of ids"),
    ],
)
def test_bad_external_task_retry_requests_are_refused(api, body, message):
    for method, path in (("post", "retries-async"), ("put", "retries")):
        response = getattr(api, method)(f"{BASE}/external-task/{path}", body,
                                        content_type="application/json")
        assert response.status_code == 400
        assert response.json() == {"type": "InvalidRequestException", "message": message,
                                   "code": None}
    assert not Batch.objects.exists()


def test_an_async_retry_batch_needs_create_on_batch(demo_user):
    ids = failed_external_tasks(1)
    make_user("mary")
    response = post(basic_client("mary"), "external-task/retries-async",
                    externalTaskIds=ids, retries=1)
    assert response.status_code == 403
    assert not Batch.objects.exists()


def test_a_batch_sets_the_retries_of_every_job_of_the_instances_given_and_found(api):
    ids = start_instances(3, "waiter", TIMER)
    start_instances(1)  # a user task: an instance without jobs adds no target
    response = post(api, "process-instance/job-retries", processInstances=ids[:1],
                    processInstanceQuery={"processInstanceIds": ids[1:2]},
                    historicProcessInstanceQuery={"processInstanceIds": ids[1:2]},
                    retries=7, dueDate="2031-05-01T08:00:00.000+0000")
    assert response.status_code == 200, response.content
    dto = response.json()
    assert (dto["type"], dto["totalJobs"], dto["createUserId"]) == ("set-job-retries", 2, "demo")
    assert run_to_end(dto["id"]).done == 2
    changed = Job.objects.filter(process_instance_id__in=ids[:2])
    assert {(job.retries, job.due_date.year) for job in changed} == {(7, 2031)}
    assert Job.objects.get(process_instance_id=ids[2]).retries != 7


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"processInstances": ["ID"]}, "retries is null"),
        ({"processInstances": ["ID"], "retries": -1},
         "The number of job retries must be a non-negative Integer"),
        ({"retries": 1}, "jobIds is empty"),
        ({"processInstances": ["unknown"], "retries": 1}, "jobIds is empty"),
        ({"processInstanceQuery": {"processDefinitionKey": "invoice"}, "retries": 1},
         "jobIds is empty"),
        ({"processInstances": "ID", "retries": 1}, "'processInstances' must be a list of ids"),
        ({"processInstances": ["ID"], "retries": 1, "dueDate": "tomorrow"}, None),
    ],
)
def test_bad_job_retries_by_instance_requests_are_400_and_change_nothing(api, body, message):
    (instance_id,) = start_instances(1, "waiter", TIMER)
    start_instances(1)
    body = {k: ([instance_id] if v == ["ID"] else instance_id if v == "ID" else v)
            for k, v in body.items()}
    before = Job.objects.get(process_instance_id=instance_id).retries
    response = post(api, "process-instance/job-retries", **body)
    assert response.status_code == 400
    assert response.json()["type"] == "InvalidRequestException"
    if message is not None:
        assert response.json()["message"] == message
    assert not Batch.objects.exists()
    assert Job.objects.get(process_instance_id=instance_id).retries == before


def test_job_retries_by_instance_needs_create_on_batch(demo_user):
    (instance_id,) = start_instances(1, "waiter", TIMER)
    make_user("mary")
    response = post(basic_client("mary"), "process-instance/job-retries",
                    processInstances=[instance_id], retries=1)
    assert response.status_code == 403
    assert not Batch.objects.exists()
