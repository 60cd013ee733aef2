"""The Job definitions section of a process definition's page: its Suspend/Activate buttons
and its overriding priority."""

import pytest
from django.test import Client
from django.urls import reverse

from engine.models import Job, JobDefinition, UserOperationLog
from engine.services.runtime import start_process_instance
from identity.resources import Permission, Resource
from tests.cockpit.conftest import deploy_key, deploy_xml, grant
from tests.engine.test_job_definitions import JOBS_MODEL
from tests.factories import bpmn_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs():
    return deploy_xml("jobs", bpmn_document(JOBS_MODEL))


def _page(client: Client, definition) -> str:
    response = client.get(reverse("cockpit:definition", args=[definition.id]))
    assert response.status_code == 200
    return response.content.decode()


def _suspension_url(definition, activity_id: str, configuration: str) -> str:
    row = JobDefinition.objects.get(
        process_definition_id=definition.id,
        activity_id=activity_id,
        job_configuration=configuration,
    )
    return reverse("cockpit:job-definition-suspension", args=[definition.id, row.id])


def test_the_page_lists_the_job_definitions_with_their_buttons(user_client, jobs):
    page = _page(user_client, jobs)
    assert 'id="job-definitions"' in page
    assert page.count('data-testid="job-definition"') == 5
    for text in ("timer-intermediate-transition", "DURATION: PT5M", "async-before",
                 "CYCLE: R/PT24H", "<code>late</code>"):
        assert text in page
    assert _suspension_url(jobs, "calc", "async-before") in page
    assert "also suspend its existing jobs" in page
    assert 'data-testid="no-job-definitions"' in _page(user_client, deploy_key("invoice"))


def test_suspending_with_the_jobs_and_activating_again(user_client, jobs):
    instance = start_process_instance("jobs", variables={"amount": 1})
    url = _suspension_url(jobs, "calc", "async-before")
    response = user_client.post(url, {"action": "suspend", "include_jobs": "yes"})
    assert response.status_code == 302
    assert response["Location"].endswith("#job-definitions")
    assert Job.objects.get(process_instance_id=instance.id).suspended
    assert '<span class="tag">suspended</span>' in _page(user_client, jobs)
    user_client.post(url, {"action": "activate"})
    row = JobDefinition.objects.get(activity_id="calc", job_configuration="async-before")
    assert not row.suspended
    assert Job.objects.get(process_instance_id=instance.id).suspended  # jobs not included
    assert UserOperationLog.objects.filter(
        entity_type="JobDefinition", user_id="demo", operation_type="ActivateJobDefinition"
    ).exists()


def test_an_overriding_priority_is_set_for_new_and_existing_jobs_and_cleared(user_client, jobs):
    instance = start_process_instance("jobs", variables={"amount": 1})
    row = JobDefinition.objects.get(activity_id="calc", job_configuration="async-before")
    url = reverse("cockpit:job-definition-priority", args=[jobs.id, row.id])
    assert url in _page(user_client, jobs)
    user_client.post(url, {"priority": "80", "include_jobs": "yes"})
    assert JobDefinition.objects.get(pk=row.pk).overriding_job_priority == 80
    assert Job.objects.get(process_instance_id=instance.id).priority == 80
    refused = user_client.post(url, {"priority": "high"}, follow=True).content.decode()
    assert "is not a whole number" in refused
    body = user_client.post(url, {"priority": ""}, follow=True).content.decode()
    assert "The overriding priority is cleared." in body
    assert JobDefinition.objects.get(pk=row.pk).overriding_job_priority is None
    assert Job.objects.get(process_instance_id=instance.id).priority == 80  # jobs keep theirs
    logged = UserOperationLog.objects.filter(operation_type="SetPriority",
                                             property="overridingPriority")
    assert [e.new_value for e in logged.order_by("timestamp")] == ["80", None]


def test_a_reader_sees_no_buttons_and_a_post_is_refused(client, operator, jobs):
    grant(operator, Resource.PROCESS_DEFINITION, "jobs", Permission.READ)
    client.force_login(operator)
    page = _page(client, jobs)
    assert 'data-testid="job-definition"' in page
    assert "also suspend its existing jobs" not in page
    assert "Overriding priority (empty" not in page
    response = client.post(_suspension_url(jobs, "calc", "async-before"), {"action": "suspend"})
    assert response.status_code == 403
    assert not JobDefinition.objects.filter(suspended=True).exists()


def test_a_post_without_the_csrf_token_is_refused(demo_user, jobs):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_user)
    response = client.post(_suspension_url(jobs, "calc", "async-before"), {"action": "suspend"})
    assert response.status_code == 403
    assert not JobDefinition.objects.filter(suspended=True).exists()
