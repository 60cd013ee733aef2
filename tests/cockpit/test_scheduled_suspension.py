"""The definition page's suspension at a later time: the At field of the Suspend/Activate form
and of a job definition's, the list of changes still to come, and cancelling one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from engine.jobs.acquisition import acquire_due_jobs
from engine.jobs.executor import run_job
from engine.models import Job, JobDefinition, ProcessDefinition, UserOperationLog
from tests.cockpit.conftest import deploy_key, deploy_xml
from tests.engine.test_job_definitions import JOBS_MODEL
from tests.factories import bpmn_document

pytestmark = pytest.mark.django_db


def page(client, definition) -> str:
    return client.get(reverse("cockpit:definition", args=[definition.id])).content.decode()


def local_field(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


def test_suspending_at_a_time_lists_the_change_and_makes_it_then(user_client):
    definition = deploy_key("invoice")
    moment = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    url = reverse("cockpit:definition-suspension", args=[definition.id])
    response = user_client.post(url, {"action": "suspend", "include_instances": "yes",
                                      "confirm": "yes", "at": local_field(moment)}, follow=True)
    text = response.content.decode()
    assert f"Version 1 will be suspended with its instances at {moment:%Y-%m-%d %H:%M} UTC." in text
    assert not ProcessDefinition.objects.get(pk=definition.id).suspended
    listed = text.split('data-testid="scheduled-changes">')[1].split("</ul>")[0]
    assert "Suspend this version, instances included at" in listed
    assert f"{moment:%Y-%m-%d %H:%M} UTC" in listed
    assert UserOperationLog.objects.filter(operation_type="Suspend", user_id="demo").exists()

    owner = "cockpit-test"
    for job_id in acquire_due_jobs(owner, moment + timedelta(minutes=1)):
        run_job(job_id, owner)
    assert ProcessDefinition.objects.get(pk=definition.id).suspended
    assert 'data-testid="scheduled-changes"' not in page(user_client, definition)


def test_a_scheduled_change_is_cancelled_from_the_page(user_client):
    definition = deploy_key("invoice")
    url = reverse("cockpit:definition-suspension", args=[definition.id])
    user_client.post(url, {"action": "suspend", "confirm": "yes", "at": "2099-01-01T08:00"})
    [job] = Job.objects.filter(type="suspend-processdefinition")
    assert job.due_date == datetime(2099, 1, 1, 8, 0, tzinfo=UTC)
    cancel = reverse("cockpit:definition-cancel-scheduled", args=[definition.id, job.id])
    assert cancel in page(user_client, definition)
    response = user_client.post(cancel, follow=True)
    assert "The scheduled change is cancelled." in response.content.decode()
    assert not Job.objects.filter(pk=job.id).exists()
    again = user_client.post(cancel, follow=True).content.decode()
    assert "that change has been made or cancelled" in again
    # Cancelling is for scheduled changes only, not for any job by its id.
    other = deploy_xml("jobs", bpmn_document(JOBS_MODEL))
    timer = Job.objects.get(type="timer-start-event")
    user_client.post(reverse("cockpit:definition-cancel-scheduled", args=[other.id, timer.id]))
    assert Job.objects.filter(pk=timer.id).exists()


def test_a_date_that_is_no_date_changes_nothing(user_client):
    definition = deploy_key("invoice")
    url = reverse("cockpit:definition-suspension", args=[definition.id])
    for bad in ("next week", "2026-13-01T10:00"):
        response = user_client.post(url, {"action": "suspend", "confirm": "yes", "at": bad},
                                    follow=True)
        assert f"Nothing changed: &#x27;{bad}&#x27; is not a date and time." in (
            response.content.decode())
    assert not ProcessDefinition.objects.get(pk=definition.id).suspended
    assert not Job.objects.filter(type="suspend-processdefinition").exists()


def test_a_job_definition_is_suspended_at_a_time(user_client):
    definition = deploy_xml("jobs", bpmn_document(JOBS_MODEL))
    row = JobDefinition.objects.get(activity_id="calc", job_configuration="async-before")
    url = reverse("cockpit:job-definition-suspension", args=[definition.id, row.id])
    response = user_client.post(url, {"action": "suspend", "include_jobs": "yes",
                                      "at": "2099-03-04T05:06"}, follow=True)
    text = response.content.decode()
    assert "Job definition will be suspended with its jobs at 2099-03-04 05:06 UTC." in text
    assert ("Suspend the job definition async-continuation of calc, jobs included at"
            in text.split('data-testid="scheduled-changes">')[1])
    row.refresh_from_db()
    assert not row.suspended
    [job] = Job.objects.filter(type="suspend-job-definition")
    assert job.due_date == datetime(2099, 3, 4, 5, 6, tzinfo=UTC)
