"""End listeners of cancelled activities through the services and the database: what they
write is saved with the command, and one that fails rolls the whole command back."""

from __future__ import annotations

import pytest

from engine import queries
from engine.models import Job, ProcessInstance, Task
from engine.runtime.errors import ProcessEngineError
from engine.runtime.modification import CancelActivity, StartBefore
from engine.services import ResourceInput, deploy
from engine.services import modification as mod
from engine.services import runtime as rt
from tests.factories import bpmn_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]


def process(end_listener: str) -> bytes:
    return bpmn_document(
        f"""<bpmn:process id="chasing" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
  <bpmn:userTask id="work" name="Work" camunda:assignee="demo">
    <bpmn:extensionElements>
      <camunda:executionListener event="end" expression="{end_listener}" />
      <camunda:inputOutput>
        <camunda:inputParameter name="stage">working</camunda:inputParameter>
      </camunda:inputOutput>
    </bpmn:extensionElements>
  </bpmn:userTask>
  <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="done" />
  <bpmn:endEvent id="done" />
  <bpmn:boundaryEvent id="late" attachedToRef="work">
    <bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration>
    </bpmn:timerEventDefinition>
  </bpmn:boundaryEvent>
  <bpmn:sequenceFlow id="f3" sourceRef="late" targetRef="chase" />
  <bpmn:userTask id="chase" name="Chase" />
  <bpmn:sequenceFlow id="f4" sourceRef="chase" targetRef="chased" />
  <bpmn:endEvent id="chased" />
</bpmn:process>"""
    )


RECORDS = "${execution.setVariable('ended', execution.activityId.concat(':').concat(stage))}"
FAILS = "${execution.setVariable('ended', noSuchBean.call())}"


def start(end_listener: str) -> str:
    deploy([ResourceInput("chasing.bpmn", process(end_listener))])
    return rt.start_process_instance("chasing").id


def test_an_interrupting_timer_saves_what_the_cancelled_tasks_end_listener_wrote():
    instance_id = start(RECORDS)
    rt.execute_job(Job.objects.get(process_instance_id=instance_id).id)
    assert queries.get_variables(instance_id)["ended"].value == "work:working"
    assert list(Task.objects.filter(process_instance_id=instance_id).values_list("name")) == [
        ("Chase",)
    ]


def test_a_failing_end_listener_rolls_the_deletion_back_unless_listeners_are_skipped():
    instance_id = start(FAILS)
    with pytest.raises(ProcessEngineError, match="Cannot resolve identifier 'noSuchBean'"):
        rt.delete_process_instance(instance_id, "gone")
    # nothing changed: the instance, its task and its timer are still there
    assert ProcessInstance.objects.filter(pk=instance_id).exists()
    assert Task.objects.filter(process_instance_id=instance_id).count() == 1
    assert Job.objects.filter(process_instance_id=instance_id).count() == 1

    rt.delete_process_instance(instance_id, "gone", skip_custom_listeners=True)
    assert not ProcessInstance.objects.filter(pk=instance_id).exists()
    assert not Task.objects.filter(process_instance_id=instance_id).exists()


def test_a_modification_that_cancels_the_task_runs_its_end_listener_unless_skipped():
    ran, skipped = start(RECORDS), rt.start_process_instance("chasing").id
    mod.modify_process_instance(ran, [StartBefore("chase"), CancelActivity("work")])
    mod.modify_process_instance(
        skipped, [StartBefore("chase"), CancelActivity("work")], skip_custom_listeners=True
    )
    assert queries.get_variables(ran)["ended"].value == "work:working"
    assert "ended" not in queries.get_variables(skipped)
