"""Timers end to end on the real database: the executor thread fires them on time."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from engine.errors import BadRequestError
from engine.jobs import executor as job_executor
from engine.models import HistoricActivityInstance, HistoricProcessInstance, Incident, Job
from engine.services import ResourceInput, deploy, jobs
from engine.services import runtime as rt
from tests.factories import bpmn_document

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("engine_users")]

SHORT_TIMER = """<bpmn:process id="nap" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
  <bpmn:intermediateCatchEvent id="wait">
    <bpmn:timerEventDefinition><bpmn:timeDuration>PT1S</bpmn:timeDuration></bpmn:timerEventDefinition>
  </bpmn:intermediateCatchEvent>
  <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""


@pytest.fixture
def executor_thread(settings, monkeypatch):
    """The embedded default's executor thread, running in this process."""
    settings.LEGATO_JOB_EXECUTOR_IN_PROCESS = True
    thread = job_executor.JobExecutorThread(idle_wait=5.0)
    # Registered as this process's embedded executor, so commits wake it as they would in
    # the web process.
    monkeypatch.setattr(job_executor, "_embedded", thread)
    thread.start()
    yield thread
    thread.stop()
    thread.join(timeout=10)


def test_a_one_second_timer_fires_within_a_second_of_its_due_time(executor_thread):
    deploy([ResourceInput("nap.bpmn", bpmn_document(SHORT_TIMER))])
    started = rt.start_process_instance("nap")
    due = Job.objects.get(process_instance_id=started.id).due_date
    deadline = time.monotonic() + 10
    while not HistoricProcessInstance.objects.filter(pk=started.id, state="COMPLETED").exists():
        assert time.monotonic() < deadline, "the timer did not fire"
        time.sleep(0.05)
    fired = HistoricActivityInstance.objects.get(process_instance_id=started.id, activity_id="wait")
    lag = fired.end_time - due
    assert timedelta(0) <= lag < timedelta(seconds=1), lag
    assert not Job.objects.exists()


def test_timers_of_many_instances_all_fire_once(executor_thread):
    deploy([ResourceInput("nap.bpmn", bpmn_document(SHORT_TIMER))])
    ids = [rt.start_process_instance("nap").id for _ in range(20)]
    deadline = time.monotonic() + 15
    done = HistoricProcessInstance.objects.filter(pk__in=ids, state="COMPLETED")
    while done.count() < 20:
        assert time.monotonic() < deadline, f"{done.count()} of 20 timers fired"
        time.sleep(0.1)
    fired = HistoricActivityInstance.objects.filter(process_instance_id__in=ids, activity_id="wait")
    assert fired.filter(end_time__isnull=False).count() == 20


LONG_TIMER = SHORT_TIMER.replace("PT1S", "PT1H").replace('id="nap"', 'id="sleepy"')
FAILING = """<bpmn:process id="failing" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
  <bpmn:serviceTask id="work" camunda:asyncBefore="true" camunda:expression="${nope}" />
  <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""


def test_moving_a_timers_due_date_to_now_makes_it_fire(executor_thread):
    deploy([ResourceInput("sleepy.bpmn", bpmn_document(LONG_TIMER))])
    started = rt.start_process_instance("sleepy")
    job = Job.objects.get(process_instance_id=started.id)
    jobs.set_job_due_date(job.id, None, user_id="demo")
    deadline = time.monotonic() + 5
    while not HistoricProcessInstance.objects.filter(pk=started.id, state="COMPLETED").exists():
        assert time.monotonic() < deadline, "the timer did not fire"
        time.sleep(0.05)


def test_execute_now_fails_until_no_retries_are_left_and_set_retries_resolves_the_incident():
    deploy([ResourceInput("failing.bpmn", bpmn_document(FAILING))])
    started = rt.start_process_instance("failing")
    job = Job.objects.get(process_instance_id=started.id)
    for _ in range(3):
        with pytest.raises(BadRequestError, match="nope"):
            jobs.execute_job_now(job.id, user_id="demo")
    assert Job.objects.get(pk=job.id).retries == 0
    assert Incident.objects.get().incident_type == "failedJob"
    jobs.set_job_retries(job.id, 1, user_id="demo")
    assert not Incident.objects.exists()
    assert Job.objects.get(pk=job.id).retries == 1
