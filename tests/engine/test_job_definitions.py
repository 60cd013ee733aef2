"""Job definitions: created at deployment, carried by jobs and incidents, and what suspending
them, overriding their priority and giving their failed jobs retries does to jobs."""

import pytest

from engine.jobs.executor import JobExecutorThread
from engine.models import HistoricIncident, Incident, Job, JobDefinition, UserOperationLog
from engine.services import ResourceInput, deploy
from engine.services import job_definitions as jd
from engine.services.runtime import set_variables, start_process_instance
from tests.factories import bpmn_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]

JOBS_MODEL = """<bpmn:process id="jobs" isExecutable="true">
  <bpmn:startEvent id="nightly"><bpmn:timerEventDefinition>
    <bpmn:timeCycle>R/PT24H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
  <bpmn:startEvent id="s" />
  <bpmn:sequenceFlow id="f0" sourceRef="nightly" targetRef="calc" />
  <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="calc" />
  <bpmn:serviceTask id="calc" camunda:asyncBefore="true" camunda:asyncAfter="true"
      camunda:expression="${amount * 2}">
    <bpmn:extensionElements>
      <camunda:failedJobRetryTimeCycle>R1/PT0S</camunda:failedJobRetryTimeCycle>
    </bpmn:extensionElements>
  </bpmn:serviceTask>
  <bpmn:sequenceFlow id="f2" sourceRef="calc" targetRef="wait" />
  <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>
    <bpmn:timeDuration>PT5M</bpmn:timeDuration></bpmn:timerEventDefinition>
  </bpmn:intermediateCatchEvent>
  <bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="review" />
  <bpmn:userTask id="review" />
  <bpmn:boundaryEvent id="late" attachedToRef="review"><bpmn:timerEventDefinition>
    <bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition>
  </bpmn:boundaryEvent>
  <bpmn:sequenceFlow id="f4" sourceRef="review" targetRef="e" />
  <bpmn:sequenceFlow id="f5" sourceRef="late" targetRef="e" />
  <bpmn:endEvent id="e" />
</bpmn:process>"""


@pytest.fixture
def definition_id() -> str:
    result = deploy([ResourceInput("jobs.bpmn", bpmn_document(JOBS_MODEL))])
    return result.process_definitions[0].id


def _definition(activity_id: str, configuration: str) -> JobDefinition:
    return JobDefinition.objects.get(activity_id=activity_id, job_configuration=configuration)


def test_deployment_creates_a_job_definition_per_job_making_activity(definition_id):
    rows = JobDefinition.objects.filter(process_definition_id=definition_id)
    assert sorted((r.activity_id, r.job_type, r.job_configuration) for r in rows) == [
        ("calc", "async-continuation", "async-after"),
        ("calc", "async-continuation", "async-before"),
        ("late", "timer-transition", "DURATION: P1D"),
        ("nightly", "timer-start-event", "CYCLE: R/PT24H"),
        ("wait", "timer-intermediate-transition", "DURATION: PT5M"),
    ]
    assert all(r.process_definition_key == "jobs" and not r.suspended for r in rows)


def test_jobs_and_the_incident_of_a_failed_job_carry_their_job_definition(definition_id):
    nightly = Job.objects.get(type="timer-start-event")
    assert nightly.job_definition_id == _definition("nightly", "CYCLE: R/PT24H").id
    instance = start_process_instance("jobs")
    before = _definition("calc", "async-before")
    job = Job.objects.get(process_instance_id=instance.id)
    assert job.job_definition_id == before.id
    JobExecutorThread().run_once()  # `amount` is missing: fails, out of retries
    incident = Incident.objects.get(configuration=job.id)
    assert incident.job_definition_id == before.id
    assert HistoricIncident.objects.get(pk=incident.id).job_definition_id == before.id


def test_a_suspended_job_definition_creates_suspended_jobs_and_include_jobs_suspends_them(
    definition_id,
):
    before = _definition("calc", "async-before")
    jd.set_job_definition_suspended(before.id, True, user_id="demo")
    first = start_process_instance("jobs", variables={"amount": 1})
    assert Job.objects.get(process_instance_id=first.id).suspended
    JobExecutorThread().run_once()
    assert Job.objects.get(process_instance_id=first.id).activity_id == "calc"  # not run

    jd.set_job_definition_suspended(before.id, False, include_jobs=True, user_id="demo")
    JobExecutorThread().run_once()
    assert Job.objects.get(process_instance_id=first.id).job_definition_id == (
        _definition("calc", "async-after").id
    )
    assert UserOperationLog.objects.filter(
        entity_type="JobDefinition", operation_type="ActivateJobDefinition"
    ).exists()


def test_suspending_without_include_jobs_leaves_existing_jobs_active(definition_id):
    instance = start_process_instance("jobs", variables={"amount": 1})
    jd.set_job_definitions_suspended(True, process_definition_key="jobs", user_id="demo")
    assert not Job.objects.get(process_instance_id=instance.id).suspended
    assert JobDefinition.objects.filter(suspended=True).count() == 5
    jd.set_job_definitions_suspended(
        True, process_definition_id=definition_id, include_jobs=True, user_id="demo"
    )
    assert Job.objects.get(process_instance_id=instance.id).suspended


def test_an_overriding_priority_is_the_priority_of_new_jobs(definition_id):
    before = _definition("calc", "async-before")
    jd.set_job_definition_priority(before.id, 42, user_id="demo")
    instance = start_process_instance("jobs")
    assert Job.objects.get(process_instance_id=instance.id).priority == 42
    jd.set_job_definition_priority(before.id, 7, include_jobs=True, user_id="demo")
    assert Job.objects.get(process_instance_id=instance.id).priority == 7
    jd.set_job_definition_priority(before.id, None, user_id="demo")
    assert JobDefinition.objects.get(pk=before.id).overriding_job_priority is None
    later = start_process_instance("jobs")
    assert Job.objects.get(process_instance_id=later.id).priority == 0


def test_retries_by_job_definition_resolve_the_incidents_of_its_failed_jobs(definition_id):
    instances = [start_process_instance("jobs") for _ in range(2)]
    JobExecutorThread().run_once()
    assert Incident.objects.count() == 2
    for instance in instances:
        set_variables(instance.id, {"amount": 3})
    before = _definition("calc", "async-before")
    assert jd.set_job_definition_retries(before.id, 2, user_id="demo") == 2
    assert not Incident.objects.exists()
    assert set(HistoricIncident.objects.values_list("state", flat=True)) == {"resolved"}
    JobExecutorThread().run_once()
    assert not Job.objects.filter(job_definition_id=before.id).exists()


def test_job_definition_commands_check_authorization_and_missing_ids(definition_id):
    from engine.errors import AuthorizationError, NotFoundError

    before = _definition("calc", "async-before")
    with pytest.raises(AuthorizationError):
        jd.set_job_definition_suspended(before.id, True, user_id="outsider")
    with pytest.raises(AuthorizationError):
        jd.set_job_definition_retries(before.id, 1, user_id="outsider")
    with pytest.raises(NotFoundError):
        jd.set_job_definition_priority("missing", 1, user_id="demo")
    assert not JobDefinition.objects.get(pk=before.id).suspended


def test_the_migration_backfills_definitions_jobs_and_incidents_deployed_before(definition_id):
    from importlib import import_module

    from django.apps import apps

    instance = start_process_instance("jobs")
    JobExecutorThread().run_once()  # fails: a failedJob incident
    expected = {row.id: row.job_type for row in JobDefinition.objects.all()}
    JobDefinition.objects.all().delete()
    Job.objects.update(job_definition_id=None)
    Incident.objects.update(job_definition_id=None)
    import_module("engine.migrations.0010_job_definitions").backfill(apps, None)
    assert {row.id: row.job_type for row in JobDefinition.objects.all()} == expected
    job = Job.objects.get(process_instance_id=instance.id)
    assert job.job_definition_id == _definition("calc", "async-before").id
    assert Incident.objects.get(configuration=job.id).job_definition_id == job.job_definition_id


def test_suspending_the_process_definition_suspends_its_job_definitions(definition_id):
    from engine.services.suspension import activate_process_definition, suspend_process_definition

    suspend_process_definition(definition_id, user_id="demo")
    assert JobDefinition.objects.filter(suspended=True).count() == 5
    activate_process_definition(definition_id, user_id="demo")
    assert not JobDefinition.objects.filter(suspended=True).exists()


def test_a_suspended_definition_fires_no_timer_start_until_activated(definition_id):
    from datetime import timedelta

    from django.utils import timezone

    from engine.jobs.acquisition import acquire_due_jobs
    from engine.jobs.executor import run_job
    from engine.models import ProcessInstance
    from engine.services.suspension import activate_process_definition, suspend_process_definition

    def run_executor_in_two_days() -> None:
        for job_id in acquire_due_jobs("t", timezone.now() + timedelta(days=2)):
            run_job(job_id, "t")

    suspend_process_definition(definition_id, user_id="demo")
    nightly = Job.objects.get(type="timer-start-event")
    assert nightly.suspended
    run_executor_in_two_days()
    assert not ProcessInstance.objects.exists()
    nightly.refresh_from_db()
    assert nightly.exception_message is None  # not run and failed: never taken
    activate_process_definition(definition_id, user_id="demo")
    run_executor_in_two_days()
    assert ProcessInstance.objects.filter(process_definition_id=definition_id).exists()
