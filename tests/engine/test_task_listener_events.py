"""Task listener events beyond create and complete: timeout (a reminder on an open task, due
by its timer, the task left open, gone with the task) and update (any command updating it)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from engine import queries
from engine.models import Job, JobDefinition, Task
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import bpmn_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]


def reminder_process(timer: str) -> bytes:
    return bpmn_document(
        f"""<bpmn:process id="review" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
  <bpmn:userTask id="check" name="Check" camunda:assignee="demo">
    <bpmn:extensionElements>
      <camunda:taskListener id="remind" event="timeout"
          expression="${{execution.setVariable('reminders', reminders + 1)}}">
        <bpmn:timerEventDefinition>{timer}</bpmn:timerEventDefinition>
      </camunda:taskListener>
    </bpmn:extensionElements>
  </bpmn:userTask>
  <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""
    )


def start(timer: str):
    deploy([ResourceInput("review.bpmn", reminder_process(timer))])
    started = rt.start_process_instance("review", variables={"reminders": 0})
    return started, Task.objects.get(process_instance_id=started.id)


def reminders(instance_id: str) -> int:
    return queries.get_variables(instance_id)["reminders"].value


def test_a_timeout_listener_runs_when_its_timer_is_due_and_the_task_stays(engine_users):
    started, task = start("<bpmn:timeDuration>PT1H</bpmn:timeDuration>")
    (job,) = Job.objects.filter(process_instance_id=started.id)
    assert job.type == "timer-task-listener"
    in_an_hour = timezone.now() + timedelta(hours=1)
    assert abs((job.due_date - in_an_hour).total_seconds()) < 60
    definition = JobDefinition.objects.get(pk=job.job_definition_id)
    assert (definition.job_type, definition.activity_id) == ("timer-task-listener", "check")
    rt.execute_job(job.id)
    assert reminders(started.id) == 1
    assert Task.objects.filter(pk=task.id).exists()  # still open, still demo's
    assert not Job.objects.filter(process_instance_id=started.id).exists()


def test_a_timeout_listener_that_escalates_the_task_changes_its_row():
    xml = reminder_process("<bpmn:timeDuration>PT1H</bpmn:timeDuration>").replace(
        b"execution.setVariable('reminders', reminders + 1)", b"task.setPriority(90)"
    )
    deploy([ResourceInput("review.bpmn", xml)])
    started = rt.start_process_instance("review")
    rt.execute_job(Job.objects.get(process_instance_id=started.id).id)
    assert Task.objects.get(process_instance_id=started.id).priority == 90


def test_a_cycle_reminds_until_it_runs_out_and_completing_the_task_drops_the_timer():
    started, task = start("<bpmn:timeCycle>R2/PT1H</bpmn:timeCycle>")
    rt.execute_job(Job.objects.get(process_instance_id=started.id).id)
    rt.execute_job(Job.objects.get(process_instance_id=started.id).id)
    assert reminders(started.id) == 2
    assert not Job.objects.filter(process_instance_id=started.id).exists()

    again, other = start("<bpmn:timeCycle>R3/PT1H</bpmn:timeCycle>")
    assert Job.objects.filter(process_instance_id=again.id).count() == 1
    rt.complete_task(other.id)
    assert not Job.objects.filter(process_instance_id=again.id).exists()


def deploy_watched() -> None:
    """`watched`: one user task whose update and assignment listeners append the event's
    name to the variable `heard`."""
    note = "${execution.setVariable('heard', heard.concat(task.eventName).concat(' '))}"
    deploy([ResourceInput("watched.bpmn", bpmn_document(
        f"""<bpmn:process id="watched" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
  <bpmn:userTask id="check" name="Check">
    <bpmn:extensionElements>
      <camunda:taskListener event="update" expression="{note}" />
      <camunda:taskListener event="assignment" expression="{note}" />
    </bpmn:extensionElements>
  </bpmn:userTask>
  <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""))])


def test_every_update_command_fires_update_and_a_new_assignee_assignment_too():
    # Camunda 7.20+: saveTask, claim and the other task commands call triggerUpdateEvent
    # whether or not a field changed; `assignment` follows only a change of assignee.
    deploy_watched()
    started = rt.start_process_instance("watched", variables={"heard": ""})
    task = Task.objects.get(process_instance_id=started.id)
    rt.update_task(task.id, priority=80)
    rt.update_task(task.id, priority=80)  # no change: an update all the same
    rt.claim_task(task.id, "demo")
    rt.claim_task(task.id, "demo")  # claimed again by the same user: no new assignee
    heard = queries.get_variables(started.id)["heard"].value
    assert heard.split() == ["update", "update", "update", "assignment", "update"]


def refuse(*_args: object) -> None:
    """A listener bean that refuses with a BPMN error."""
    from engine.runtime.errors import BpmnError

    raise BpmnError("REFUSED", "not now")


def test_a_create_listeners_bpmn_error_goes_to_the_tasks_boundary_and_leaves_no_task(
    engine_settings,
):
    engine_settings(LEGATO_BEANS={"refuse": "tests.engine.test_task_listener_events.refuse"})
    deploy([ResourceInput("refusing.bpmn", bpmn_document(
        """<bpmn:process id="refusing" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
  <bpmn:userTask id="check" name="Check">
    <bpmn:extensionElements>
      <camunda:taskListener event="create" delegateExpression="${refuse}" />
    </bpmn:extensionElements>
  </bpmn:userTask>
  <bpmn:boundaryEvent id="refused" attachedToRef="check">
    <bpmn:errorEventDefinition />
  </bpmn:boundaryEvent>
  <bpmn:sequenceFlow id="f2" sourceRef="refused" targetRef="fallback" />
  <bpmn:userTask id="fallback" name="Fallback" />
</bpmn:process>"""))])
    started = rt.start_process_instance("refusing")
    tasks = Task.objects.filter(process_instance_id=started.id)
    assert [t.name for t in tasks] == ["Fallback"]
    history = queries.list_historic_activity_instances(process_instance_id=started.id)
    assert {(h.activity_id, h.canceled) for h in history} >= {("check", True)}


def test_delegating_and_resolving_fire_update_once_then_assignment():
    # Camunda's DelegateTaskCmd / ResolveTaskCmd: one `update`, then `assignment`.
    deploy_watched()
    started = rt.start_process_instance("watched", variables={"heard": ""})
    task = Task.objects.get(process_instance_id=started.id)
    rt.claim_task(task.id, "kermit")
    rt.delegate_task(task.id, "piggy")
    rt.resolve_task(task.id)
    heard = queries.get_variables(started.id)["heard"].value.split()
    assert heard == ["update", "assignment"] * 3
