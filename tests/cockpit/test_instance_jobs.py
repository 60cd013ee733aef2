"""The instance page's job and incident actions beside a retry: a job's due date moved, a job
suspended and activated, an incident annotated, an instance canceled without its listeners."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from engine.models import HistoricVariableInstance, Incident, Job, UserOperationLog
from engine.services.runtime import start_process_instance
from identity.resources import Permission, Resource
from tests.cockpit.conftest import deploy_xml, fail_job_of, grant
from tests.cockpit.samples import failing_process
from tests.factories import bpmn_document
from tests.rest.batch_helpers import LISTENING, TIMER

pytestmark = pytest.mark.django_db


def page(client, instance_id):
    return client.get(reverse("cockpit:instance", args=[instance_id]))


@pytest.fixture
def waiting():
    deploy_xml("waiter", TIMER)
    instance = start_process_instance("waiter")
    return instance.id, Job.objects.get(process_instance_id=instance.id)


def test_a_jobs_due_date_is_moved_and_logged(user_client, waiting):
    instance_id, job = waiting
    url = reverse("cockpit:job-due-date", args=[instance_id, job.id])
    assert url in page(user_client, instance_id).content.decode()
    response = user_client.post(url, {"due": "2027-05-06T07:08"}, follow=True)
    assert "The job is due 2027-05-06 07:08 UTC." in response.content.decode()
    assert Job.objects.get(pk=job.id).due_date == datetime(2027, 5, 6, 7, 8, tzinfo=UTC)
    assert UserOperationLog.objects.get(operation_type="SetDueDate").user_id == "demo"
    refused = user_client.post(url, {"due": "next week"}, follow=True).content.decode()
    assert "is not a date and time" in refused
    assert Job.objects.get(pk=job.id).due_date == datetime(2027, 5, 6, 7, 8, tzinfo=UTC)
    user_client.post(url, {"due": ""})
    assert Job.objects.get(pk=job.id).due_date < datetime(2027, 1, 1, tzinfo=UTC)  # now


def test_a_job_is_suspended_and_activated(user_client, waiting):
    instance_id, job = waiting
    url = reverse("cockpit:job-suspension", args=[instance_id, job.id])
    body = user_client.post(url, {"action": "suspend"}, follow=True).content.decode()
    assert "Job suspended" in body
    assert "Activate job" in body
    assert Job.objects.get(pk=job.id).suspended
    user_client.post(url, {"action": "activate"})
    assert not Job.objects.get(pk=job.id).suspended


def test_readers_see_no_job_actions_and_cannot_post_them(client, operator, waiting):
    instance_id, job = waiting
    grant(operator, Resource.PROCESS_DEFINITION, "waiter", Permission.READ_INSTANCE)
    client.force_login(operator)
    due = reverse("cockpit:job-due-date", args=[instance_id, job.id])
    assert due not in page(client, instance_id).content.decode()
    assert client.post(due, {"due": ""}).status_code == 403
    suspension = reverse("cockpit:job-suspension", args=[instance_id, job.id])
    assert client.post(suspension, {"action": "suspend"}).status_code == 403
    assert not Job.objects.get(pk=job.id).suspended


def test_an_incident_gets_a_note_for_the_next_operator(user_client):
    deploy_xml("payment", failing_process())
    instance = start_process_instance("payment")
    incident = fail_job_of(instance.id)
    url = reverse("cockpit:incident-annotation", args=[instance.id, incident.id])
    body = user_client.post(url, {"annotation": "Waiting for the bank"}, follow=True)
    assert "Waiting for the bank" in body.content.decode()
    assert Incident.objects.get(pk=incident.id).annotation == "Waiting for the bank"
    user_client.post(url, {"annotation": "  "})
    assert Incident.objects.get(pk=incident.id).annotation is None
    assert [e.operation_type for e in UserOperationLog.objects.filter(entity_type="Incident")
            .order_by("timestamp")] == ["SetAnnotation", "ClearAnnotation"]


def test_canceling_may_skip_the_custom_listeners(user_client):
    deploy_xml("listening", LISTENING)
    kept, skipped = (start_process_instance("listening").id for _ in range(2))
    for instance_id, skip in ((kept, ""), (skipped, "yes")):
        user_client.post(reverse("cockpit:instance-cancel", args=[instance_id]),
                         {"reason": "test", "confirm": "yes", "skip_listeners": skip})
    cleaned = set(HistoricVariableInstance.objects.filter(name="cleanedUp")
                  .values_list("process_instance_id", flat=True))
    assert cleaned == {kept}


TWO_FAILING = bpmn_document("""<bpmn:process id="twice" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="split" />
  <bpmn:parallelGateway id="split" />
  <bpmn:sequenceFlow id="f1" sourceRef="split" targetRef="a" />
  <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="b" />
  <bpmn:serviceTask id="a" camunda:asyncBefore="true" camunda:expression="${amount * 2}">
    <bpmn:extensionElements><camunda:failedJobRetryTimeCycle>R1/PT1S</camunda:failedJobRetryTimeCycle>
    </bpmn:extensionElements></bpmn:serviceTask>
  <bpmn:serviceTask id="b" camunda:asyncBefore="true" camunda:expression="${amount * 3}">
    <bpmn:extensionElements><camunda:failedJobRetryTimeCycle>R1/PT1S</camunda:failedJobRetryTimeCycle>
    </bpmn:extensionElements></bpmn:serviceTask>
</bpmn:process>""")


def test_all_failed_jobs_of_an_instance_are_retried_at_once(user_client):
    from engine.jobs.executor import run_job

    deploy_xml("twice", TWO_FAILING)
    instance_id = start_process_instance("twice").id
    for job in Job.objects.filter(process_instance_id=instance_id):
        Job.objects.filter(pk=job.pk).update(lock_owner="test")
        run_job(job.id, "test")
    assert Incident.objects.filter(process_instance_id=instance_id).count() == 2
    url = reverse("cockpit:incidents-retry-all", args=[instance_id])
    assert "Retry all 2 failed jobs" in page(user_client, instance_id).content.decode()
    body = user_client.post(url, follow=True).content.decode()
    assert "Retries set to 1 on 2 failed jobs" in body
    assert not Incident.objects.filter(process_instance_id=instance_id).exists()
    assert set(Job.objects.filter(process_instance_id=instance_id)
               .values_list("retries", flat=True)) == {1}
    assert "No failed job is left to retry." in user_client.post(url, follow=True) \
        .content.decode()
