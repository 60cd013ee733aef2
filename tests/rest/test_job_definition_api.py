"""`/job-definition` and the jobDefinitionId of jobs, incidents and logs, as Camunda serves them."""

import base64

import pytest
from django.contrib.auth.models import User

from engine.jobs.executor import JobExecutorThread
from engine.models import Job, JobDefinition
from identity.models import Authorization
from tests.engine.test_job_definitions import JOBS_MODEL
from tests.factories import bpmn_document, one_task_bpmn
from tests.rest.conftest import BASE
from tests.rest.test_runtime_api import props, start

URL = f"{BASE}/job-definition"


@pytest.fixture
def definition_id(modeler_deploy) -> str:
    files = {"jobs.bpmn": bpmn_document(JOBS_MODEL), "invoice.bpmn": one_task_bpmn()}
    response = modeler_deploy(files)
    assert response.status_code == 200, response.content
    return next(d["id"] for d in response.json()["deployedProcessDefinitions"].values()
                if d["key"] == "jobs")


def put(api, path: str, **body):
    return api.put(f"{URL}{path}", body, content_type="application/json")


def one(api, activity: str, configuration: str) -> dict:
    [row] = api.get(f"{URL}?activityIdIn={activity}&jobConfiguration={configuration}").json()
    return row


def test_job_definitions_list_filter_sort_count_and_get(api, definition_id):
    rows = api.get(f"{URL}?processDefinitionId={definition_id}"
                   "&sortBy=activityId&sortOrder=desc").json()
    assert [r["activityId"] for r in rows] == ["wait", "nightly", "late", "calc", "calc"]
    assert list(rows[0]) == props("JobDefinitionDto")
    assert rows[0]["jobType"] == "timer-intermediate-transition"
    assert rows[0]["jobConfiguration"] == "DURATION: PT5M"
    assert api.get(f"{URL}/count?jobType=async-continuation").json() == {"count": 2}
    assert api.get(f"{URL}/count?activityIdIn=late,wait").json() == {"count": 2}
    assert api.get(f"{URL}/count?suspended=true").json() == {"count": 0}
    assert api.get(f"{URL}/count?withoutTenantId=true").json() == {"count": 5}
    assert api.get(f"{URL}/count?tenantIdIn=acme").json() == {"count": 0}
    posted = api.post(f"{URL}/count", {"processDefinitionKey": "jobs", "activityIdIn": ["calc"]},
                      content_type="application/json")
    assert posted.json() == {"count": 2}
    paged = api.post(f"{URL}?firstResult=2&maxResults=2", {
        "sorting": [{"sortBy": "jobType", "sortOrder": "asc"}]},
        content_type="application/json").json()
    assert [r["jobType"] for r in paged] == ["timer-intermediate-transition", "timer-start-event"]
    detail = api.get(f"{URL}/{rows[0]['id']}")
    assert detail.json() == rows[0]
    missing = api.get(f"{URL}/nope")
    assert missing.status_code == 404
    assert missing.json() == {"type": "InvalidRequestException",
                              "message": "Job Definition with id nope does not exist", "code": None}


def test_bad_parameters_are_refused_with_400(api, definition_id):
    assert api.get(f"{URL}?sortBy=nope&sortOrder=asc").status_code == 400
    assert api.get(f"{URL}?suspended=maybe").json()["type"] == "InvalidRequestException"
    assert api.get(f"{URL}/count?maxResults=-1").status_code in (200, 400)
    row = one(api, "calc", "async-before")
    assert put(api, f"/{row['id']}/suspended", suspended="yes").status_code == 400
    delayed = put(api, f"/{row['id']}/suspended", suspended=True, executionDate="someday")
    assert delayed.status_code == 400
    assert "executionDate" in delayed.json()["message"]
    assert put(api, f"/{row['id']}/retries", retries="3").status_code == 400
    assert put(api, f"/{row['id']}/retries", retries=-1).status_code == 400
    assert put(api, f"/{row['id']}/jobPriority", priority=1.5).status_code == 400
    assert put(api, "/suspended", suspended=True).status_code == 400
    assert put(api, "/suspended", suspended=True, processDefinitionId=definition_id,
               processDefinitionKey="jobs").status_code == 400
    assert put(api, "/nope/suspended", suspended=True).status_code == 404
    assert put(api, "/suspended", suspended=True, processDefinitionKey="nope").status_code == 404
    assert put(api, "/nope/retries", retries=1).status_code == 404
    assert put(api, "/nope/jobPriority", priority=1).status_code == 404
    assert not JobDefinition.objects.filter(suspended=True).exists()


def test_jobs_incidents_and_job_logs_report_their_job_definition(api, definition_id):
    row = one(api, "calc", "async-before")
    instance = start(api, "jobs").json()["id"]
    [job] = api.get(f"{BASE}/job?processInstanceId={instance}").json()
    assert job["jobDefinitionId"] == row["id"]
    assert api.get(f"{BASE}/job/count?jobDefinitionId={row['id']}").json() == {"count": 1}
    JobExecutorThread().run_once()  # `amount` is missing: the job fails without retries left
    [incident] = api.get(f"{BASE}/incident?processInstanceId={instance}").json()
    assert incident["jobDefinitionId"] == row["id"]
    [historic] = api.get(f"{BASE}/history/incident?processInstanceId={instance}").json()
    assert historic["jobDefinitionId"] == row["id"]
    logs = api.get(f"{BASE}/history/job-log?processInstanceId={instance}").json()
    assert {(e["jobDefinitionId"], e["jobDefinitionType"], e["jobDefinitionConfiguration"])
            for e in logs} == {(row["id"], "async-continuation", "async-before")}


def test_suspending_with_include_jobs_stops_the_executor_and_activating_resumes(
    api, definition_id
):
    row = one(api, "calc", "async-before")
    instance = start(api, "jobs", variables={"amount": {"value": 2, "type": "Integer"}}).json()
    assert put(api, f"/{row['id']}/suspended", suspended=True,
               includeJobs=True).status_code == 204
    assert api.get(f"{URL}/{row['id']}").json()["suspended"] is True
    assert api.get(f"{BASE}/job?jobDefinitionId={row['id']}").json()[0]["suspended"] is True
    JobExecutorThread().run_once()
    assert Job.objects.get(process_instance_id=instance["id"]).job_definition_id == row["id"]
    assert put(api, "/suspended", suspended=False, includeJobs=True,
               processDefinitionKey="jobs").status_code == 204
    assert api.get(f"{URL}/count?active=true").json() == {"count": 5}
    JobExecutorThread().run_once()
    assert not Job.objects.filter(job_definition_id=row["id"]).exists()


def test_overriding_priority_applies_to_new_jobs_and_null_clears_it(api, definition_id):
    row = one(api, "calc", "async-before")
    assert put(api, f"/{row['id']}/jobPriority", priority=20).status_code == 204
    assert api.get(f"{URL}?withOverridingJobPriority=true").json()[0]["overridingJobPriority"] == 20
    instance = start(api, "jobs").json()["id"]
    assert api.get(f"{BASE}/job?processInstanceId={instance}").json()[0]["priority"] == 20
    refused = put(api, f"/{row['id']}/jobPriority", priority=None, includeJobs=True)
    assert refused.status_code == 400
    assert put(api, f"/{row['id']}/jobPriority", priority=None).status_code == 204
    assert api.get(f"{URL}/{row['id']}").json()["overridingJobPriority"] is None


def test_retries_by_job_definition_resolve_the_incidents(api, definition_id):
    row = one(api, "calc", "async-before")
    for _ in range(2):
        start(api, "jobs")
    JobExecutorThread().run_once()
    assert api.get(f"{BASE}/incident/count").json() == {"count": 2}
    assert put(api, f"/{row['id']}/retries", retries=1).status_code == 204
    assert api.get(f"{BASE}/incident/count").json() == {"count": 0}
    retried = api.get(f"{BASE}/job/count?withRetriesLeft=true&jobDefinitionId={row['id']}")
    assert retried.json() == {"count": 2}


def test_without_authorization_the_list_is_empty_and_changes_get_403(api, definition_id, client):
    row = one(api, "calc", "async-before")
    User.objects.create_user("mallory", password="pw")
    token = base64.b64encode(b"mallory:pw").decode()
    client.defaults["HTTP_AUTHORIZATION"] = f"Basic {token}"
    assert client.get(URL).json() == []
    assert client.get(f"{URL}/count").json() == {"count": 0}
    refused = client.get(f"{URL}/{row['id']}")
    assert refused.status_code == 403
    assert refused.json()["type"] == "AuthorizationException"
    for path, body in (("suspended", {"suspended": True}), ("retries", {"retries": 1}),
                       ("jobPriority", {"priority": 1})):
        response = client.put(f"{URL}/{row['id']}/{path}", body, content_type="application/json")
        assert response.status_code == 403, path
    by_key = client.put(f"{URL}/suspended", {"suspended": True, "processDefinitionKey": "jobs"},
                        content_type="application/json")
    assert by_key.status_code == 403
    Authorization.objects.create(type=1, user_id="mallory", resource_type=6,
                                 resource_id="jobs", permissions=["READ", "UPDATE"])
    assert client.get(f"{URL}/count").json() == {"count": 5}
    allowed = client.put(f"{URL}/{row['id']}/suspended", {"suspended": True},
                         content_type="application/json")
    assert allowed.status_code == 204
