"""DELETE /job/{id} and POST /job/{id}/duedate/recalculate (Camunda's deleteJob and
recalculateJobDuedate): what a client sees, and that refusals change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from engine.models import Incident, Job, UserOperationLog
from engine.services import ResourceInput, deploy
from engine.services.runtime import start_process_instance
from identity.resources import Permission, Resource
from tests.factories import bpmn_document
from tests.identity.factories import make_user
from tests.rest.batch_helpers import TIMER, start_instances
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import assert_forbidden, basic_client, grant

pytestmark = pytest.mark.django_db

# A timer whose duration is a variable: recalculating reads the variable as it is now.
VARIABLE_TIMER = bpmn_document("""<bpmn:process id="later" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t" />
  <bpmn:intermediateCatchEvent id="t"><bpmn:timerEventDefinition>
    <bpmn:timeDuration>${wait}</bpmn:timeDuration></bpmn:timerEventDefinition>
  </bpmn:intermediateCatchEvent>
  <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>""")
ASYNC = bpmn_document("""<bpmn:process id="async" isExecutable="true">
  <bpmn:startEvent id="s" camunda:asyncAfter="true" />
  <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>""")
TIMER_START = bpmn_document("""<bpmn:process id="nightly" isExecutable="true">
  <bpmn:startEvent id="s"><bpmn:timerEventDefinition>
    <bpmn:timeDuration>PT2H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent>
  <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>""")


@pytest.fixture
def job(demo_user) -> Job:
    start_instances(1, "waiter", TIMER)
    return Job.objects.get()


def recalculate(client, job_id, query=""):
    return client.post(f"{BASE}/job/{job_id}/duedate/recalculate{query}")


def test_deleting_a_job_removes_it_and_its_token_keeps_waiting(api, job):
    response = api.delete(f"{BASE}/job/{job.id}")
    assert response.status_code == 204
    assert api.get(f"{BASE}/job/{job.id}").status_code == 404
    assert api.get(f"{BASE}/job/count").json() == {"count": 0}
    tree = api.get(f"{BASE}/process-instance/{job.process_instance_id}/activity-instances")
    assert [child["activityId"] for child in tree.json()["childActivityInstances"]] == ["t"]
    entry = UserOperationLog.objects.get(operation_type="Delete", entity_type="Job")
    assert (entry.job_id, entry.process_instance_id) == (job.id, job.process_instance_id)
    # the instance's state no longer holds the job: executing it is a 404, no crash
    assert api.post(f"{BASE}/job/{job.id}/execute").status_code == 404


def test_deleting_a_failed_job_resolves_its_incident(api, job):
    Job.objects.filter(pk=job.id).update(retries=0, exception_message="boom")
    Incident.objects.create(
        id="inc-1", incident_type="failedJob", configuration=job.id,
        process_instance_id=job.process_instance_id,
        process_definition_id=job.process_definition_id, activity_id="t",
        timestamp=timezone.now(),
    )
    assert api.delete(f"{BASE}/job/{job.id}").status_code == 204
    assert not Incident.objects.filter(configuration=job.id).exists()


def test_a_job_held_by_the_executor_or_unknown_or_forbidden_is_not_deleted(api, job):
    Job.objects.filter(pk=job.id).update(
        lock_owner="node-1", lock_expiration_time=timezone.now() + timedelta(minutes=5))
    held = api.delete(f"{BASE}/job/{job.id}")
    assert held.status_code == 500
    assert held.json() == {"type": "RestException", "message":
                           "Cannot delete job when the job is being executed. Try again later.",
                           "code": 0}
    unknown = api.delete(f"{BASE}/job/nope")
    assert unknown.status_code == 404
    assert unknown.json()["message"] == "Job with id nope does not exist"
    Job.objects.filter(pk=job.id).update(lock_owner=None, lock_expiration_time=None)
    make_user("mona")
    mona = basic_client("mona")
    grant("mona", Resource.PROCESS_DEFINITION, "waiter", Permission.READ_INSTANCE)
    assert_forbidden(mona.delete(f"{BASE}/job/{job.id}"), "mona")
    assert Job.objects.filter(pk=job.id).exists()
    assert not UserOperationLog.objects.filter(operation_type="Delete").exists()


def test_recalculating_reads_the_timer_definition_again(api, job):
    far = timezone.now() + timedelta(days=30)
    Job.objects.filter(pk=job.id).update(due_date=far)
    before = timezone.now()
    assert recalculate(api, job.id).status_code == 204
    due = Job.objects.get(pk=job.id).due_date
    assert before + timedelta(minutes=59) < due < timezone.now() + timedelta(minutes=61)
    assert api.get(f"{BASE}/job/{job.id}").json()["dueDate"] is not None
    entries = UserOperationLog.objects.filter(operation_type="RecalculateDueDate")
    assert {e.property: e.new_value for e in entries}["creationDateBased"] == "false"
    assert {e.property for e in entries} == {"duedate", "creationDateBased"}


def test_creation_date_based_counts_from_the_jobs_creation(api, job):
    created = timezone.now() - timedelta(minutes=30)
    Job.objects.filter(pk=job.id).update(created=created)
    assert recalculate(api, job.id, "?creationDateBased=true").status_code == 204
    assert Job.objects.get(pk=job.id).due_date == created + timedelta(hours=1)


def test_a_timer_expression_is_evaluated_with_the_variables_as_they_are(api, demo_user):
    deploy([ResourceInput("later.bpmn", VARIABLE_TIMER)])
    started = start_process_instance("later", variables={"wait": "PT1H"})
    job = Job.objects.get(process_instance_id=started.id)
    api.put(f"{BASE}/process-instance/{started.id}/variables/wait",
            {"value": "P2D", "type": "String"}, content_type="application/json")
    assert recalculate(api, job.id).status_code == 204
    due = Job.objects.get(pk=job.id).due_date
    assert due > timezone.now() + timedelta(days=1, hours=23)


def test_a_timer_start_job_is_recalculated_too(api, demo_user):
    deploy([ResourceInput("nightly.bpmn", TIMER_START)])
    job = Job.objects.get()
    Job.objects.filter(pk=job.id).update(due_date=timezone.now() + timedelta(days=9))
    assert recalculate(api, job.id).status_code == 204
    assert Job.objects.get(pk=job.id).due_date < timezone.now() + timedelta(hours=2, minutes=1)


def test_only_timer_jobs_are_recalculated_and_refusals_change_nothing(api, demo_user):
    deploy([ResourceInput("async.bpmn", ASYNC)])
    start_process_instance("async")
    job = Job.objects.get()
    response = recalculate(api, job.id)
    assert response.status_code == 500
    assert response.json()["type"] == "InvalidRequestException"
    assert "Only timer jobs can be recalculated" in response.json()["message"]
    assert Job.objects.get(pk=job.id).due_date == job.due_date
    assert recalculate(api, "nope").status_code == 404
    bad = recalculate(api, job.id, "?creationDateBased=maybe")
    assert bad.status_code == 400
    assert not UserOperationLog.objects.filter(operation_type="RecalculateDueDate").exists()
