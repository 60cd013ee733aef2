"""Suspension and activation at a later time: `executionDate` on the process definition and
job definition suspension endpoints, and a deployment's `deployment-activation-time`. The
change waits as a job (Camunda's suspend-processdefinition, activate-processdefinition,
suspend-job-definition, activate-job-definition) that the job executor runs when it is due."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from engine.jobs.acquisition import acquire_due_jobs
from engine.jobs.executor import JobExecutorThread, run_job
from engine.models import Job, JobDefinition, ProcessDefinition, ProcessInstance
from engine.rest.dates import format_date
from identity.models import Authorization
from tests.engine.test_job_definitions import JOBS_MODEL
from tests.factories import bpmn_document, one_task_bpmn
from tests.rest.conftest import BASE
from tests.rest.test_runtime_api import start

pytestmark = pytest.mark.django_db

PD = f"{BASE}/process-definition"
STATE_CHANGES = ("suspend-processdefinition", "activate-processdefinition",
                 "suspend-job-definition", "activate-job-definition")


@pytest.fixture
def invoice(modeler_deploy) -> str:
    response = modeler_deploy({"invoice.bpmn": one_task_bpmn()})
    assert response.status_code == 200, response.content
    (definition,) = response.json()["deployedProcessDefinitions"].values()
    return definition["id"]


def put(api, path: str, **body):
    return api.put(path, body, content_type="application/json")


def later(**delta) -> str:
    return format_date(timezone.now() + timedelta(**delta))


def run_due_jobs_at(moment) -> list[str]:
    """The job executor as it runs at `moment`: claims what is due then and runs it."""
    owner = "test-executor"
    ids = acquire_due_jobs(owner, moment, limit=50)
    for job_id in ids:
        run_job(job_id, owner)
    return ids


def scheduled(api) -> list[dict]:
    return [job for job in api.get(f"{BASE}/job").json() if job["processInstanceId"] is None
            and Job.objects.get(pk=job["id"]).type in STATE_CHANGES]


def test_a_definition_is_suspended_with_its_instances_when_the_execution_date_comes(
    api, invoice
):
    instance = start(api).json()["id"]
    when = later(hours=2)
    response = put(api, f"{PD}/{invoice}/suspended", suspended=True,
                   includeProcessInstances=True, executionDate=when)
    assert response.status_code == 204
    assert api.get(f"{PD}/{invoice}").json()["suspended"] is False
    [job] = scheduled(api)
    assert (job["dueDate"], job["processDefinitionId"], job["retries"]) == (when, None, 3)
    # The operation is the user's, logged when it was asked for.
    [entry] = api.get(f"{BASE}/history/user-operation",
                      {"operationType": "Suspend", "entityType": "ProcessDefinition",
                       "property": "suspensionState"}).json()
    assert (entry["userId"], entry["newValue"], entry["processDefinitionId"]) == (
        "demo", "suspended", invoice)

    assert run_due_jobs_at(timezone.now() + timedelta(hours=1)) == []
    assert api.get(f"{PD}/{invoice}").json()["suspended"] is False
    assert run_due_jobs_at(timezone.now() + timedelta(hours=3)) == [job["id"]]
    assert api.get(f"{PD}/{invoice}").json()["suspended"] is True
    assert ProcessInstance.objects.get(pk=instance).suspended is True
    assert scheduled(api) == []
    refused = start(api)
    assert refused.status_code != 200
    assert "suspended" in refused.json()["message"]
    # The job ran as the engine: no second entry.
    assert len(api.get(f"{BASE}/history/user-operation",
                       {"operationType": "Suspend", "property": "suspensionState"}).json()) == 1


def test_every_version_of_a_key_is_activated_later_and_a_past_date_is_due_at_once(
    api, invoice, modeler_deploy
):
    modeler_deploy({"invoice.bpmn": one_task_bpmn(name="Second")})
    assert put(api, f"{PD}/suspended", processDefinitionKey="invoice",
               suspended=True).status_code == 204
    assert not ProcessDefinition.objects.filter(key="invoice", suspended=False).exists()
    assert put(api, f"{PD}/suspended", processDefinitionKey="invoice", suspended=False,
               executionDate=later(seconds=-5)).status_code == 204
    assert ProcessDefinition.objects.filter(key="invoice", suspended=False).count() == 0
    JobExecutorThread().run_once()
    assert ProcessDefinition.objects.filter(key="invoice", suspended=False).count() == 2
    assert start(api).status_code == 200


def test_a_job_definition_and_its_jobs_are_suspended_later(api, modeler_deploy):
    modeler_deploy({"jobs.bpmn": bpmn_document(JOBS_MODEL)})
    [calc] = JobDefinition.objects.filter(activity_id="calc", job_configuration="async-before")
    instance = start(api, "jobs", variables={"amount": {"value": 2, "type": "Integer"}})
    [waiting] = Job.objects.filter(process_instance_id=instance.json()["id"])
    # Kept from running before the change comes, to see the change reach it.
    assert put(api, f"{BASE}/job/{waiting.id}/duedate", duedate=later(days=5)).status_code == 204
    assert put(api, f"{BASE}/job-definition/{calc.id}/suspended", suspended=True,
               includeJobs=True, executionDate=later(days=1)).status_code == 204
    assert put(api, f"{BASE}/job-definition/suspended", processDefinitionKey="jobs",
               suspended=True, executionDate=later(days=2)).status_code == 204
    assert not JobDefinition.objects.filter(suspended=True).exists()
    assert len(scheduled(api)) == 2

    run_due_jobs_at(timezone.now() + timedelta(days=1, hours=1))
    calc.refresh_from_db()
    assert calc.suspended is True
    waiting.refresh_from_db()
    assert waiting.suspended is True
    assert JobDefinition.objects.filter(suspended=False).count() == 4
    run_due_jobs_at(timezone.now() + timedelta(days=2, hours=1))
    assert not JobDefinition.objects.filter(suspended=False).exists()
    assert scheduled(api) == []


def test_a_malformed_execution_date_is_a_400_and_changes_nothing(api, invoice, modeler_deploy):
    for path, body in ((f"{PD}/{invoice}/suspended", {}),
                       (f"{PD}/suspended", {"processDefinitionKey": "invoice"})):
        for bad in ("tomorrow", 12, "2030-13-01T00:00:00"):
            response = put(api, path, suspended=True, executionDate=bad, **body)
            assert response.status_code == 400, (path, bad)
            assert response.json()["type"] == "InvalidRequestException"
            assert "executionDate" in response.json()["message"]
    modeler_deploy({"jobs.bpmn": bpmn_document(JOBS_MODEL)})
    job_definition = JobDefinition.objects.first()
    response = put(api, f"{BASE}/job-definition/{job_definition.id}/suspended",
                   suspended=True, executionDate="soon")
    assert response.status_code == 400
    assert "executionDate" in response.json()["message"]
    assert not Job.objects.filter(type__in=STATE_CHANGES).exists()
    assert not ProcessDefinition.objects.filter(suspended=True).exists()


def test_a_user_who_may_not_suspend_schedules_nothing(api, client, invoice):
    User.objects.create_user("viewer", password="viewer")
    Authorization.objects.create(type=1, user_id="viewer", resource_type=6,
                                 resource_id="*", permissions=["READ"])
    client.defaults["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(b"viewer:viewer").decode()
    response = put(client, f"{PD}/{invoice}/suspended", suspended=True,
                   executionDate=later(hours=1))
    assert response.status_code == 403
    assert not Job.objects.filter(type__in=STATE_CHANGES).exists()


def test_a_scheduled_change_can_be_deleted_but_has_no_timer_to_recalculate(api, invoice):
    put(api, f"{PD}/{invoice}/suspended", suspended=True, executionDate=later(hours=1))
    [job] = scheduled(api)
    refused = api.post(f"{BASE}/job/{job['id']}/duedate/recalculate")
    assert refused.status_code == 400
    assert refused.json()["message"] == f"No timer declaration found for job id {job['id']}"
    assert api.delete(f"{BASE}/job/{job['id']}").status_code == 204
    assert scheduled(api) == []
    run_due_jobs_at(timezone.now() + timedelta(hours=2))
    assert api.get(f"{PD}/{invoice}").json()["suspended"] is False


def test_executing_a_scheduled_change_now_makes_it_now(api, invoice):
    put(api, f"{PD}/{invoice}/suspended", suspended=True, executionDate=later(days=30))
    [job] = scheduled(api)
    assert api.post(f"{BASE}/job/{job['id']}/execute").status_code == 204
    assert api.get(f"{PD}/{invoice}").json()["suspended"] is True
    assert scheduled(api) == []


def test_a_change_whose_definition_was_deleted_meanwhile_ends_doing_nothing(api, invoice):
    put(api, f"{PD}/{invoice}/suspended", suspended=True, executionDate=later(hours=1))
    deployment = ProcessDefinition.objects.get(pk=invoice).deployment_id
    assert api.delete(f"{BASE}/deployment/{deployment}").status_code == 204
    [job_id] = run_due_jobs_at(timezone.now() + timedelta(hours=2))
    assert not Job.objects.filter(pk=job_id).exists()
    assert api.get(f"{BASE}/incident/count").json() == {"count": 0}


def test_a_deployment_activation_time_to_come_deploys_suspended_definitions(
    api, modeler_deploy
):
    when = later(hours=6)
    response = modeler_deploy({"jobs.bpmn": bpmn_document(JOBS_MODEL)},
                              **{"deployment-activation-time": when})
    assert response.status_code == 200, response.content
    (definition,) = response.json()["deployedProcessDefinitions"].values()
    assert definition["suspended"] is True
    assert api.get(f"{PD}/{definition['id']}").json()["suspended"] is True
    # The timer start waits with its definition, as its job definitions do.
    nightly = Job.objects.get(type="timer-start-event", process_definition_id=definition["id"])
    assert nightly.suspended is True
    assert not JobDefinition.objects.filter(suspended=False).exists()
    assert "suspended" in start(api, "jobs").json()["message"]
    [job] = scheduled(api)
    assert job["dueDate"] == when

    run_due_jobs_at(timezone.now() + timedelta(hours=7))
    assert api.get(f"{PD}/{definition['id']}").json()["suspended"] is False
    nightly.refresh_from_db()
    assert nightly.suspended is False
    assert not JobDefinition.objects.filter(suspended=True).exists()
    assert start(api, "jobs").status_code == 200


@pytest.fixture
def two_tenants(modeler_deploy) -> dict[str | None, str]:
    """`jobs` deployed for tenant acme and for no tenant: {tenant: definition id}."""
    ids = {}
    for tenant in ("acme", None):
        parts = {"tenant-id": tenant} if tenant else {}
        response = modeler_deploy({"jobs.bpmn": bpmn_document(JOBS_MODEL)},
                                  name=f"jobs-{tenant}", **parts)
        assert response.status_code == 200, response.content
        (definition,) = response.json()["deployedProcessDefinitions"].values()
        ids[tenant] = definition["id"]
    return ids


def suspended_definitions() -> set[str | None]:
    return set(ProcessDefinition.objects.filter(suspended=True).values_list("tenant_id",
                                                                           flat=True))


def test_a_change_by_key_keeps_to_the_tenant_it_names(api, two_tenants):
    by_key = {"processDefinitionKey": "jobs"}
    assert put(api, f"{PD}/suspended", suspended=True, processDefinitionTenantId="acme",
               **by_key).status_code == 204
    assert suspended_definitions() == {"acme"}
    assert put(api, f"{PD}/suspended", suspended=False, **by_key).status_code == 204
    assert put(api, f"{PD}/suspended", suspended=True, processDefinitionWithoutTenantId=True,
               **by_key).status_code == 204
    assert suspended_definitions() == {None}
    missing = put(api, f"{PD}/suspended", suspended=True, processDefinitionTenantId="globex",
                  **by_key)
    assert missing.status_code == 404
    for bad in ({"processDefinitionTenantId": 7}, {"processDefinitionWithoutTenantId": "yes"}):
        assert put(api, f"{PD}/suspended", suspended=True, **by_key, **bad).status_code == 400

    # Scheduled: the job keeps the selector.
    assert put(api, f"{PD}/suspended", suspended=True, processDefinitionTenantId="acme",
               executionDate=later(hours=1), **by_key).status_code == 204
    assert put(api, f"{PD}/suspended", suspended=False, processDefinitionWithoutTenantId=True,
               executionDate=later(hours=2), **by_key).status_code == 204
    run_due_jobs_at(timezone.now() + timedelta(hours=3))
    assert suspended_definitions() == {"acme"}


def test_job_definitions_by_key_keep_to_the_tenant_they_name(api, two_tenants):
    url = f"{BASE}/job-definition/suspended"
    assert put(api, url, suspended=True, processDefinitionKey="jobs",
               processDefinitionTenantId="acme").status_code == 204
    assert set(JobDefinition.objects.filter(suspended=True).values_list(
        "process_definition_id", flat=True)) == {two_tenants["acme"]}
    assert put(api, url, suspended=True, processDefinitionKey="jobs",
               processDefinitionWithoutTenantId=True,
               executionDate=later(hours=1)).status_code == 204
    run_due_jobs_at(timezone.now() + timedelta(hours=2))
    assert not JobDefinition.objects.filter(suspended=False).exists()


def test_a_definition_id_in_the_change_by_key_is_a_400(api, invoice):
    response = put(api, f"{PD}/suspended", suspended=True, processDefinitionKey="invoice",
                   processDefinitionId=invoice)
    assert response.status_code == 400
    assert response.json() == {
        "type": "InvalidRequestException",
        "message": "Only processDefinitionKey can be set to update the suspension state.",
        "code": None,
    }
    assert not ProcessDefinition.objects.filter(suspended=True).exists()


def test_the_job_log_follows_a_scheduled_change_as_any_job(api, invoice):
    put(api, f"{PD}/{invoice}/suspended", suspended=True, executionDate=later(hours=1))
    put(api, f"{PD}/{invoice}/suspended", suspended=False, executionDate=later(hours=2))
    done, cancelled = (job["id"] for job in sorted(scheduled(api), key=lambda j: j["dueDate"]))
    run_due_jobs_at(timezone.now() + timedelta(hours=1, minutes=30))
    assert api.delete(f"{BASE}/job/{cancelled}").status_code == 204

    def states(job_id: str) -> list[str]:
        entries = api.get(f"{BASE}/history/job-log", {"jobId": job_id}).json()
        order = ("creationLog", "failureLog", "successLog", "deletionLog")
        return [next(name for name in order if entry[name]) for entry in entries]

    assert states(done) == ["creationLog", "successLog"]
    assert states(cancelled) == ["creationLog", "deletionLog"]
    [entry, _] = api.get(f"{BASE}/history/job-log", {"jobId": done}).json()
    assert (entry["jobDefinitionType"], entry["processDefinitionId"], entry["activityId"]) == (
        "suspend-processdefinition", None, None)
