"""Retry batches: chunks, failures reported, resumable after the runner stopped."""

import pytest
from django.urls import reverse

from batches import runner as batches
from batches.models import Batch, BatchState
from cockpit import retry
from engine.errors import EngineError
from engine.models import ExternalTask, Incident
from engine.services.external_tasks import set_retries
from engine.services.runtime import start_process_instance
from tests.cockpit.conftest import add_incident, deploy_key, deploy_xml
from tests.factories import bpmn_document

pytestmark = pytest.mark.django_db


def external_task_incidents(n: int) -> list[Incident]:
    deploy_xml("worker", bpmn_document("""<bpmn:process id="worker" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="work" />
  <bpmn:serviceTask id="work" camunda:type="external" camunda:topic="work" />
  <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>"""))
    for _ in range(n):
        instance = start_process_instance("worker")
        task = ExternalTask.objects.get(process_instance_id=instance.id)
        set_retries(task.id, 0, user_id="demo")
    return list(Incident.objects.filter(incident_type="failedExternalTask"))


def test_a_batch_retries_real_external_task_incidents_and_resolves_them(demo_user):
    incidents = external_task_incidents(3)
    batch = retry.create_retry_batch(incidents, demo_user, "retry all")
    finished = batches.run_batch(batch.id)
    assert finished.state == BatchState.COMPLETED
    assert (finished.done, finished.failed, finished.percent) == (3, 0, 100)
    assert not Incident.objects.exists()
    assert set(ExternalTask.objects.values_list("retries", flat=True)) == {1}


def test_failures_are_counted_and_reported_in_words(demo_user, monkeypatch):
    definition = deploy_key("invoice")
    incidents = [add_incident(definition) for _ in range(5)]

    def flaky(target, actor):
        if target.incident_id == incidents[1].id:
            raise EngineError("the job is gone")

    monkeypatch.setattr(retry, "retry", flaky)
    batch = batches.run_batch(retry.create_retry_batch(incidents, demo_user, "x").id)
    assert (batch.done, batch.failed) == (4, 1)
    assert batch.failures == [{"target": incidents[1].id, "message": "the job is gone"}]


def test_a_stopped_batch_resumes_where_it_stopped(demo_user, monkeypatch):
    definition = deploy_key("invoice")
    incidents = [add_incident(definition) for _ in range(45)]
    seen: list[str] = []
    monkeypatch.setattr(retry, "retry", lambda target, actor: seen.append(target.incident_id))
    batch = retry.create_retry_batch(incidents, demo_user, "x")
    # A runner handles one chunk, then dies: its lease is left behind.
    claimed = batches._claim_chunk(batch.id, "dead-runner")
    done, failures = batches._handle(claimed[0], claimed[1], None)
    batches._record(batch.id, "dead-runner", len(claimed[1]), done, failures)
    assert batches.run_batch(batch.id, "other") is None  # the lease still holds
    Batch.objects.filter(pk=batch.id).update(lease_until=None)
    assert batches.is_stalled(Batch.objects.get(pk=batch.id))
    finished = batches.run_batch(batch.id, "other")
    assert finished.state == BatchState.COMPLETED
    assert finished.done == 45
    assert len(seen) == 45
    assert len(set(seen)) == 45  # nothing handled twice


def test_a_runner_that_lost_its_lease_does_not_count_its_chunk(demo_user, monkeypatch):
    definition = deploy_key("invoice")
    incidents = [add_incident(definition) for _ in range(3)]
    monkeypatch.setattr(retry, "retry", lambda target, actor: None)
    batch = retry.create_retry_batch(incidents, demo_user, "x")
    batches._claim_chunk(batch.id, "slow")
    Batch.objects.filter(pk=batch.id).update(lease_owner="fast")
    assert batches._record(batch.id, "slow", 3, 3, []) is None
    assert Batch.objects.get(pk=batch.id).done == 0


def test_the_incidents_page_retries_everything_matching_the_filter_as_a_batch(
    user_client, django_capture_on_commit_callbacks, monkeypatch
):
    incidents = external_task_incidents(2)
    started: list[str] = []
    monkeypatch.setattr(batches, "start_batch", lambda batch_id: started.append(str(batch_id)))
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(
            reverse("cockpit:incidents") + "?type=failedExternalTask",
            {"scope": "all", "type": "failedExternalTask"},
        )
    batch = Batch.objects.get()
    assert response.url == reverse("cockpit:batch", args=[batch.id])
    assert batch.total == len(incidents)
    assert started == [str(batch.id)]
    page = user_client.get(response.url)
    assert "0 of 2 handled" in page.content.decode()
    assert user_client.get(response.url, {"format": "json"}).json()["total"] == 2


def test_retry_selected_needs_a_selection(user_client):
    response = user_client.post(reverse("cockpit:incidents"), {"scope": "selected"}, follow=True)
    assert "Select at least one incident" in response.content.decode()
    assert not Batch.objects.exists()


def test_a_user_without_batch_permission_cannot_start_one(client, operator):
    from identity.resources import Permission, Resource
    from tests.cockpit.conftest import grant

    definition = deploy_key("invoice")
    add_incident(definition)
    grant(operator, Resource.PROCESS_DEFINITION, "invoice", Permission.READ,
          Permission.READ_INSTANCE)
    client.force_login(operator)
    response = client.post(reverse("cockpit:incidents"), {"scope": "all"})
    assert response.status_code == 403
    assert not Batch.objects.exists()


def test_batch_progress_is_published_to_the_batch_group(demo_user, monkeypatch):
    definition = deploy_key("invoice")
    incidents = [add_incident(definition) for _ in range(2)]
    sent = []
    monkeypatch.setattr(retry, "retry", lambda target, actor: None)
    monkeypatch.setattr(
        batches.publisher, "publish", lambda groups, event: sent.append((groups, event))
    )
    batches.run_batch(retry.create_retry_batch(incidents, demo_user, "x").id)
    groups, event = sent[-1]
    assert batches.BATCH_GROUP in groups
    assert f"user.{demo_user.pk}" in groups
    assert (event["type"], event["percent"], event["state"]) == ("batch.progress", 100, "completed")


def deletion_batch(demo_user, count: int) -> Batch:
    instances = [start_process_instance("invoice").id for _ in range(count)]
    return batches.create_batch(
        "instance-deletion", [*instances, "gone"], demo_user,
        description=f"Delete {count + 1} process instances", options={"deleteReason": "x"},
    )


def test_the_batch_page_shows_an_instance_deletion_with_its_counts(user_client, demo_user):
    deploy_key("invoice")
    batch = deletion_batch(demo_user, 3)
    batches.run_batch(batch.id)
    page = user_client.get(reverse("cockpit:batch", args=[batch.id])).content.decode()
    assert "Delete process instances" in page
    assert "4 of 4 handled" in page
    assert "3 deleted" in page
    assert "1 failed" in page
    assert "Process instance <code>gone</code>" in page
    assert "Finished" in page


def test_the_batch_list_shows_every_type_with_its_state_and_progress(user_client, demo_user):
    deploy_key("invoice")
    running = deletion_batch(demo_user, 1)
    Batch.objects.filter(pk=running.id).update(suspended=True)
    incidents = [add_incident(deploy_key("payroll"))]
    retry.create_retry_batch(incidents, demo_user, "retry all")
    page = user_client.get(reverse("cockpit:batches")).content.decode()
    assert "Delete process instances" in page
    assert "Retry incidents" in page
    assert "Suspended" in page
    assert "0 of 2" in page


def test_a_suspended_batch_is_not_offered_for_resuming(user_client, demo_user):
    deploy_key("invoice")
    batch = deletion_batch(demo_user, 1)
    Batch.objects.filter(pk=batch.id).update(suspended=True)
    page = user_client.get(reverse("cockpit:batch", args=[batch.id]), {"part": "progress"})
    assert "is suspended" in page.content.decode()
    assert "Resume from" not in page.content.decode()
    assert batches.run_batch(batch.id) is None
    assert Batch.objects.get(pk=batch.id).handled == 0
