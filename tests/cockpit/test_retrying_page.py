"""Failed, retries left: the jobs and external tasks the engine will try again, before they
become incidents (the dashboard counts them, a page lists them)."""

import pytest
from django.urls import reverse

from engine.jobs.executor import run_job
from engine.models import Incident, Job
from engine.services import external_tasks
from engine.services.runtime import start_process_instance
from identity.resources import Permission, Resource
from tests.cockpit.conftest import deploy_xml, grant
from tests.factories import bpmn_document, external_task_process

pytestmark = pytest.mark.django_db

PRICING = bpmn_document("""<bpmn:process id="pricing" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="calc" />
  <bpmn:serviceTask id="calc" camunda:asyncBefore="true" camunda:expression="${amount * 2}" />
  <bpmn:sequenceFlow id="f2" sourceRef="calc" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>""")


@pytest.fixture
def failing():
    """A job that failed once (two retries left) and an external task a worker failed."""
    deploy_xml("pricing", PRICING)
    priced = start_process_instance("pricing")
    job = Job.objects.get(process_instance_id=priced.id)
    Job.objects.filter(pk=job.pk).update(lock_owner="executor-1")
    run_job(job.id, "executor-1")
    deploy_xml("mailing", bpmn_document(external_task_process("mailing", topic="mail")))
    mailed = start_process_instance("mailing")
    topic = external_tasks.TopicRequest("mail", 60_000)
    (locked,) = external_tasks.fetch_and_lock("mailer", 1, [topic])
    external_tasks.handle_failure(
        locked.row.id, "mailer", error_message="SMTP timeout", retries=4, retry_timeout=120_000
    )
    return priced.id, mailed.id


def test_the_dashboard_counts_failed_work_with_retries_left(user_client, failing):
    response = user_client.get(reverse("cockpit:dashboard"))
    assert response.context["retrying"] == 2
    assert reverse("cockpit:retrying") in response.content.decode()
    assert not Incident.objects.exists()  # none of it is an incident yet


def test_the_page_lists_each_with_its_error_retries_and_next_try(user_client, failing):
    priced, mailed = failing
    response = user_client.get(reverse("cockpit:retrying"))
    assert response.status_code == 200
    work = {item.activity_id: item for item in response.context["work"]}
    assert set(work) == {"calc", "ext"}
    assert work["calc"].retries == 2
    assert "amount" in work["calc"].error
    assert work["calc"].process_instance_id == priced
    assert (work["ext"].retries, work["ext"].error) == (4, "SMTP timeout")
    assert work["ext"].kind == "external task (mail)"
    assert work["ext"].next_try is not None
    body = response.content.decode()
    assert "SMTP timeout" in body
    assert reverse("cockpit:instance", args=[mailed]) in body


def test_an_operator_sees_only_what_it_may_read(client, operator, failing):
    grant(operator, Resource.PROCESS_DEFINITION, "mailing", Permission.READ_INSTANCE)
    client.force_login(operator)
    response = client.get(reverse("cockpit:retrying"))
    assert [item.activity_id for item in response.context["work"]] == ["ext"]
    assert client.get(reverse("cockpit:dashboard")).context["retrying"] == 1


def test_nothing_failing_says_so(user_client):
    response = user_client.get(reverse("cockpit:retrying"))
    assert "Nothing is failing." in response.content.decode()
