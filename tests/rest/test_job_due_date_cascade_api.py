"""PUT /job/{id}/duedate with `cascade: true` (Camunda's setJobDuedate(id, due, true)): a
timer cycle's later firings move by as much as its due date did; without cascade they keep
their schedule."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.jobs.acquisition import acquire_due_jobs
from engine.jobs.executor import run_job
from engine.models import Job, UserOperationLog
from engine.rest.dates import format_date
from engine.services import ResourceInput, deploy
from engine.services.runtime import start_process_instance
from tests.factories import bpmn_document
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db

# A task with a non-interrupting cycle on it: every hour, three times, from its start.
REMINDED = bpmn_document("""<bpmn:process id="reminded" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="work" />
  <bpmn:userTask id="work" />
  <bpmn:boundaryEvent id="remind" attachedToRef="work" cancelActivity="false">
    <bpmn:timerEventDefinition><bpmn:timeCycle>R3/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition>
  </bpmn:boundaryEvent>
  <bpmn:sequenceFlow id="f2" sourceRef="remind" targetRef="note" />
  <bpmn:userTask id="note" />
</bpmn:process>""")
NIGHTLY = bpmn_document("""<bpmn:process id="nightly" isExecutable="true">
  <bpmn:startEvent id="s"><bpmn:timerEventDefinition>
    <bpmn:timeCycle>R/PT24H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
  <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>""")


def near(moment, expected) -> bool:
    """Equal but for the REST format's milliseconds and a cycle's whole-second anchor."""
    return abs(moment - expected) < timedelta(seconds=1)


def move(api, job: Job, by: timedelta, **body):
    response = api.put(f"{BASE}/job/{job.id}/duedate",
                       {"duedate": format_date(job.due_date + by), **body},
                       content_type="application/json")
    assert response.status_code == 204, response.content
    job.refresh_from_db()
    return job


def fire(job: Job) -> Job:
    """Run the job when it is due; the cycle's next job."""
    assert acquire_due_jobs("test", job.due_date + timedelta(seconds=1)) == [job.id]
    run_job(job.id, "test")
    return Job.objects.exclude(pk=job.id).get(activity_id=job.activity_id)


def test_a_cascaded_move_shifts_the_later_firings_of_the_cycle(api, demo_user):
    deploy([ResourceInput("reminded.bpmn", REMINDED)])
    start_process_instance("reminded")
    first = Job.objects.get(activity_id="remind")
    planned = first.due_date
    move(api, first, timedelta(minutes=30), cascade=True)
    assert near(first.due_date, planned + timedelta(minutes=30))
    second = fire(first)
    assert near(second.due_date, planned + timedelta(hours=1, minutes=30))
    assert abs(second.repeat_offset - 30 * 60 * 1000) <= 1
    third = fire(second)
    assert near(third.due_date, planned + timedelta(hours=2, minutes=30))
    # logged once, as any due date change
    [entry] = UserOperationLog.objects.filter(operation_type="SetDueDate", job_id=first.id)
    assert entry.property == "duedate"


def test_without_cascade_the_cycle_keeps_its_schedule(api, demo_user):
    deploy([ResourceInput("reminded.bpmn", REMINDED)])
    start_process_instance("reminded")
    first = Job.objects.get(activity_id="remind")
    planned = first.due_date
    move(api, first, timedelta(minutes=30))
    assert near(fire(first).due_date, planned + timedelta(hours=1))


def test_a_timer_start_cycle_moves_with_cascade(api, demo_user):
    deploy([ResourceInput("nightly.bpmn", NIGHTLY)])
    first = Job.objects.get(type="timer-start-event")
    planned = first.due_date
    move(api, first, timedelta(hours=-3), cascade=True)
    assert near(fire(first).due_date, planned + timedelta(hours=21))


def test_cascade_on_a_job_that_is_no_timer_only_moves_it(api, demo_user):
    deploy([ResourceInput("async.bpmn", bpmn_document(
        """<bpmn:process id="async" isExecutable="true">
  <bpmn:startEvent id="s" camunda:asyncAfter="true" />
  <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>"""))])
    start_process_instance("async")
    job = Job.objects.get()
    job.due_date = job.created
    job.save()
    moved = move(api, job, timedelta(hours=1), cascade=True)
    assert near(moved.due_date, job.created + timedelta(hours=1))
    assert moved.repeat_offset == 0
    refused = api.put(f"{BASE}/job/{job.id}/duedate", {"duedate": None, "cascade": "yes"},
                      content_type="application/json")
    assert refused.status_code == 400
