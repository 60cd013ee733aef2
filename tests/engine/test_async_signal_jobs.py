"""An asynchronous signal throw on the real database: Camunda's "event" jobs, one per
receiver, run by the job executor, retried and turned into incidents on their own."""

from __future__ import annotations

import pytest

from engine.jobs.executor import JobExecutorThread
from engine.models import HistoricProcessInstance, Incident, Job, Task
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import bpmn_document

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("engine_users")]

SIGNAL = '<bpmn:signal id="alarm" name="alarm" />'

THROWER = """<bpmn:process id="thrower" isExecutable="true">
  <bpmn:startEvent id="ts" />
  <bpmn:intermediateThrowEvent id="raise">
    <bpmn:signalEventDefinition signalRef="alarm" camunda:async="true" />
  </bpmn:intermediateThrowEvent>
  <bpmn:userTask id="thrown" name="Thrown" />
  <bpmn:sequenceFlow id="t1" sourceRef="ts" targetRef="raise" />
  <bpmn:sequenceFlow id="t2" sourceRef="raise" targetRef="thrown" />
</bpmn:process>"""

CATCHER = """<bpmn:process id="catcher" isExecutable="true">
  <bpmn:startEvent id="cs" />
  <bpmn:intermediateCatchEvent id="heard" camunda:jobPriority="7">
    <bpmn:signalEventDefinition signalRef="alarm" />
  </bpmn:intermediateCatchEvent>
  <bpmn:serviceTask id="check" camunda:expression="${level.length() > 0}" />
  <bpmn:userTask id="caught" name="Caught" />
  <bpmn:sequenceFlow id="c1" sourceRef="cs" targetRef="heard" />
  <bpmn:sequenceFlow id="c2" sourceRef="heard" targetRef="check" />
  <bpmn:sequenceFlow id="c3" sourceRef="check" targetRef="caught" />
</bpmn:process>"""

STARTER = """<bpmn:process id="starter" isExecutable="true">
  <bpmn:startEvent id="ss"><bpmn:signalEventDefinition signalRef="alarm" /></bpmn:startEvent>
  <bpmn:userTask id="started" name="Started" />
  <bpmn:sequenceFlow id="s1" sourceRef="ss" targetRef="started" />
</bpmn:process>"""


@pytest.fixture
def deployed() -> None:
    deploy([ResourceInput("signals.bpmn", bpmn_document(THROWER, CATCHER, STARTER,
                                                         extra=SIGNAL))])


def test_each_receiver_gets_the_signal_from_a_job_of_its_own(deployed):
    catcher = rt.start_process_instance("catcher", variables={"level": "high"})
    thrower = rt.start_process_instance("thrower")

    rows = {job.activity_id: job for job in Job.objects.all()}
    assert sorted(rows) == ["heard", "ss"]
    heard, start = rows["heard"], rows["ss"]
    assert (heard.type, heard.process_instance_id, heard.priority) == ("event", catcher.id, 7)
    assert heard.execution_id is not None
    assert (start.type, start.process_instance_id, start.execution_id) == ("event", None, None)
    assert start.process_definition_key == "starter"
    # Camunda's event jobs have no job definition
    assert {heard.job_definition_id, start.job_definition_id} == {None}
    assert list(Task.objects.values_list("name", flat=True)) == ["Thrown"]

    JobExecutorThread().run_once()

    assert not Job.objects.exists()
    assert sorted(Task.objects.values_list("name", flat=True)) == ["Caught", "Started", "Thrown"]
    assert HistoricProcessInstance.objects.filter(process_definition_key="starter").count() == 1
    assert Task.objects.get(name="Thrown").process_instance_id == thrower.id


def test_a_failing_receiver_ends_in_an_incident_on_its_instance_alone(deployed):
    # `level` is missing: the catcher's service task fails after the signal arrives
    catcher = rt.start_process_instance("catcher")
    thrower = rt.start_process_instance("thrower")

    for _ in range(3):
        JobExecutorThread().run_once()
        Job.objects.filter(retries__gt=0).update(due_date=None)

    job = Job.objects.get(process_instance_id=catcher.id)
    assert job.retries == 0
    assert "level" in job.exception_message
    incident = Incident.objects.get()
    assert (incident.incident_type, incident.process_instance_id, incident.activity_id) == (
        "failedJob", catcher.id, "heard",
    )
    # the thrower and the started instance went on
    assert sorted(Task.objects.values_list("name", flat=True)) == ["Started", "Thrown"]
    assert HistoricProcessInstance.objects.get(pk=thrower.id).state == "ACTIVE"
