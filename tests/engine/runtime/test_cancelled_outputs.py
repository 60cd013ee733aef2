"""Output mappings of cancelled activities (Camunda 7: a cancelled activity's scope runs its
`camunda:outputParameter`s when it is destroyed, after its end listeners, unless the command
skips IO mappings or the engine sets skipOutputMappingOnCanceledActivities)."""

from __future__ import annotations

from typing import Any

import pytest

from engine.bpmn.parser import parse_bpmn
from engine.runtime import commands as cmd
from engine.runtime import effects as fx
from engine.runtime.definition import ProcessDefinition
from engine.runtime.env import CountingIds, Environment
from engine.runtime.errors import BpmnError, ProcessEngineError
from engine.runtime.modification import CancelActivity
from engine.runtime.state import InstanceStatus
from tests import migration_models as m
from tests.engine.runtime.conftest import Scenario
from tests.engine.runtime.test_migration import Versions
from tests.factories import bpmn_document


def mapping(output: str = "${mine}", listener: bool = True) -> str:
    """An activity's extension elements: local `mine`, output `result`, and an end listener
    that records whether `result` was already set when it ran."""
    listens = '<camunda:executionListener event="end" class="Recorder" />' if listener else ""
    return (
        f"<bpmn:extensionElements>{listens}<camunda:inputOutput>"
        '<camunda:inputParameter name="mine">task-local</camunda:inputParameter>'
        f'<camunda:outputParameter name="result">{output}</camunda:outputParameter>'
        "</camunda:inputOutput></bpmn:extensionElements>"
    )


TASK = """
<bpmn:startEvent id="start" />
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
<bpmn:userTask id="work" name="Work">{extensions}</bpmn:userTask>
<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="done" />
<bpmn:endEvent id="done" />
<bpmn:boundaryEvent id="stop" attachedToRef="work">
  <bpmn:messageEventDefinition messageRef="stopMessage" />
</bpmn:boundaryEvent>
<bpmn:sequenceFlow id="f3" sourceRef="stop" targetRef="chase" />
<bpmn:userTask id="chase" name="Chase" />
<bpmn:sequenceFlow id="f4" sourceRef="chase" targetRef="chased" />
<bpmn:endEvent id="chased" />
"""

NESTED_TEMPLATE = """
<bpmn:startEvent id="start" />
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="sub" />
<bpmn:subProcess id="sub">
  <bpmn:extensionElements><camunda:inputOutput>
    <camunda:inputParameter name="acc">sub</camunda:inputParameter>
    <camunda:outputParameter name="total">${{acc}}</camunda:outputParameter>
  </camunda:inputOutput></bpmn:extensionElements>
  <bpmn:startEvent id="sub_start" />
  <bpmn:sequenceFlow id="s1" sourceRef="sub_start" targetRef="inner" />
  <bpmn:{inner} id="inner" name="Inner"{attributes}>
    <bpmn:extensionElements><camunda:inputOutput>
      <camunda:outputParameter name="acc">${{acc.concat('-inner')}}</camunda:outputParameter>
    </camunda:inputOutput></bpmn:extensionElements>
  </bpmn:{inner}>
  <bpmn:sequenceFlow id="s2" sourceRef="inner" targetRef="sub_end" />
  <bpmn:endEvent id="sub_end" />
</bpmn:subProcess>
<bpmn:sequenceFlow id="f2" sourceRef="sub" targetRef="done" />
<bpmn:endEvent id="done" />
<bpmn:boundaryEvent id="failed" attachedToRef="sub">
  <bpmn:errorEventDefinition />
</bpmn:boundaryEvent>
<bpmn:sequenceFlow id="f3" sourceRef="failed" targetRef="repair" />
<bpmn:userTask id="repair" name="Repair" />
<bpmn:sequenceFlow id="f4" sourceRef="repair" targetRef="repaired" />
<bpmn:endEvent id="repaired" />
"""
NESTED = NESTED_TEMPLATE.format(inner="userTask", attributes="")
# the inner task throws a BPMN error that the boundary event of the sub-process catches
THROWING = NESTED_TEMPLATE.format(inner="serviceTask", attributes=' camunda:class="Thrower"')


class Instance(Scenario):
    """A `cancelling` instance whose `Recorder` end listener logs (activity, `result` seen)."""

    def __init__(self, body: str, round_trip: bool, **env: Any) -> None:
        xml = bpmn_document(
            f'<bpmn:process id="cancelling" isExecutable="true">{body}</bpmn:process>',
            extra='<bpmn:message id="stopMessage" name="stop" />',
        )
        definitions = parse_bpmn(xml, "cancelling.bpmn")
        (model,) = definitions.executable_processes
        definition = ProcessDefinition(
            id="cancelling:1:test",
            key="cancelling",
            version=1,
            process=model,
            definitions=definitions,
        )
        self.log: list[tuple[str, Any]] = []
        delegates = {"Recorder": self._record, "Thrower": self._throw}
        super().__init__(
            definition, Environment(new_id=CountingIds(), delegates=delegates, **env), round_trip
        )

    def _record(self, execution: Any) -> None:
        self.log.append((execution.get_activity_id(), execution.get_variable("result")))

    def _throw(self, execution: Any) -> None:
        raise BpmnError("E1", "broken")

    def updates(self, name: str) -> list[Any]:
        """Values of `name` the history records as written on the process instance."""
        assert self.state is not None
        return [
            e.value.value
            for e in self.of_type(fx.VariableUpdated)
            if e.name == name and e.execution_id == self.state.id and not e.deleted
        ]

    def stop(self) -> None:
        assert self.state is not None
        (subscription,) = self.state.subscriptions.values()
        self.send(cmd.DeliverMessage(subscription_id=subscription.id))


@pytest.fixture
def instance(round_trip: bool):  # type: ignore[no-untyped-def]
    def make(body: str, **env: Any) -> Instance:
        return Instance(body, round_trip, **env)

    return make


def test_deleting_an_instance_runs_the_output_mapping_of_the_task_after_its_end_listener(
    instance,
):
    run = instance(TASK.format(extensions=mapping())).start()
    run.send(cmd.DeleteInstance("no longer needed"))
    assert run.ended
    assert run.updates("result") == ["task-local"]
    # the end listener ran first: the mapping had not written `result` yet
    assert run.log == [("work", None)]


def test_deleting_with_skip_io_mappings_runs_no_output_mapping(instance):
    run = instance(TASK.format(extensions=mapping())).start()
    run.send(cmd.DeleteInstance("no longer needed", skip_io_mappings=True))
    assert run.ended
    assert run.updates("result") == []
    assert run.log == [("work", None)]  # only the mappings are skipped


def test_skip_listeners_and_skip_io_mappings_are_independent(instance):
    run = instance(TASK.format(extensions=mapping())).start()
    run.send(cmd.DeleteInstance("gone", skip_listeners=True))
    assert run.updates("result") == ["task-local"]
    assert run.log == []


def test_a_failing_output_mapping_fails_the_deletion_naming_the_activity(instance):
    run = instance(TASK.format(extensions=mapping("${missing}"))).start()
    with pytest.raises(ProcessEngineError) as failure:
        run.send(cmd.DeleteInstance("gone"))
    assert failure.value.activity_id == "work"
    assert "Output mapping of the cancelled activity 'work' failed" in failure.value.message
    assert "missing" in failure.value.message
    assert "skipIoMappings" in failure.value.message
    assert not run.ended  # run returned no step: nothing changed
    run.send(cmd.DeleteInstance("gone", skip_io_mappings=True))
    assert run.ended


def test_nested_activities_map_their_outputs_deepest_first(instance):
    run = instance(NESTED).start()
    run.send(cmd.DeleteInstance("gone"))
    # the task wrote its output into the sub-process's `acc` before the sub-process mapped it
    assert run.updates("total") == ["sub-inner"]


def test_an_interrupting_boundary_event_runs_the_output_mapping_of_the_task(instance):
    run = instance(TASK.format(extensions=mapping())).start()
    run.stop()
    assert run.task_names() == ["Chase"]
    assert run.variable("result") == "task-local"
    assert run.log == [("work", None)]


def test_a_caught_error_runs_the_output_mappings_of_the_scopes_it_leaves(instance):
    run = instance(THROWING).start()
    assert run.task_names() == ["Repair"]
    assert run.variable("total") == "sub-inner"


def test_the_engine_setting_skips_output_mappings_on_every_cancellation(instance):
    interrupted = instance(
        TASK.format(extensions=mapping("${missing}")),
        skip_output_mapping_on_canceled_activities=True,
    ).start()
    interrupted.stop()
    assert interrupted.task_names() == ["Chase"]
    assert interrupted.variable("result") is None
    deleted = instance(
        TASK.format(extensions=mapping()), skip_output_mapping_on_canceled_activities=True
    ).start()
    deleted.send(cmd.DeleteInstance("gone"))
    assert deleted.updates("result") == []


def test_a_completed_task_maps_its_output_once(instance):
    run = instance(TASK.format(extensions=mapping())).start()
    run.complete("Work")
    assert run.ended
    assert run.updates("result") == ["task-local"]


def test_an_activity_waiting_for_its_async_before_job_never_started_so_maps_nothing(instance):
    body = TASK.format(extensions=mapping("${missing}")).replace(
        '<bpmn:userTask id="work" name="Work">',
        '<bpmn:userTask id="work" name="Work" camunda:asyncBefore="true">',
    )
    run = instance(body).start()
    run.send(cmd.DeleteInstance("gone"))
    assert run.ended


@pytest.mark.parametrize("skip", [False, True])
def test_a_modification_cancelling_the_task_runs_its_output_mapping_unless_skipped(instance, skip):
    run = instance(TASK.format(extensions=mapping())).start()
    run.send(cmd.ModifyInstance((CancelActivity("work"),), skip_io_mappings=skip))
    assert run.ended
    assert run.state.status == InstanceStatus.EXTERNALLY_TERMINATED
    assert run.updates("result") == ([] if skip else ["task-local"])


def test_a_removed_sub_process_runs_its_output_mapping_unless_skipped():
    extensions = (
        "<bpmn:extensionElements><camunda:inputOutput>"
        '<camunda:inputParameter name="stage">inside</camunda:inputParameter>'
        '<camunda:outputParameter name="left">${stage}</camunda:outputParameter>'
        "</camunda:inputOutput></bpmn:extensionElements>"
    )
    v = Versions(m.chain(m.wrap(m.USER_TASK, inside=extensions)), m.chain(m.USER_TASK))
    ran, skipped = v.start(), v.start()
    v.migrate(v.plan(("work", "work")), ran)
    v.engine.migrate_process_instances(v.plan(("work", "work")), [skipped], skip_io_mappings=True)
    assert v.store.get_state(ran).root.variables["left"].value == "inside"
    assert "left" not in v.store.get_state(skipped).root.variables
