"""End listeners of cancelled activities (Camunda 7: an activity's end listeners run whenever
its instance ends, interrupted too, unless the command skips custom listeners)."""

from __future__ import annotations

from typing import Any

import pytest

from engine.bpmn.parser import parse_bpmn
from engine.runtime import commands as cmd
from engine.runtime import effects as fx
from engine.runtime.definition import ProcessDefinition
from engine.runtime.engine import ProcessEngine
from engine.runtime.env import CountingIds, Environment
from engine.runtime.errors import BpmnError, ProcessEngineError
from engine.runtime.memory import InMemoryStore
from engine.runtime.modification import CancelActivity, StartBefore
from engine.runtime.state import InstanceStatus
from tests.engine.runtime.conftest import Scenario
from tests.factories import bpmn_document

Entry = tuple[str | None, str | None, Any]


def recording(*extra: str, local: str | None = None) -> str:
    """An activity's extension elements: an end listener that records it (and an input
    parameter `mine` local to the activity when `local` is given)."""
    mapping = (
        f'<camunda:inputOutput><camunda:inputParameter name="mine">{local}'
        "</camunda:inputParameter></camunda:inputOutput>"
        if local is not None
        else ""
    )
    return (
        "<bpmn:extensionElements>"
        '<camunda:executionListener event="end" class="Recorder" />'
        + "".join(extra)
        + mapping
        + "</bpmn:extensionElements>"
    )


MESSAGE = '<bpmn:message id="stopMessage" name="stop" />'


def process(body: str) -> bytes:
    return bpmn_document(
        f'<bpmn:process id="cancelling" isExecutable="true">{body}</bpmn:process>', extra=MESSAGE
    )


class Recorded:
    """One instance whose `Recorder` end listener logs (activity, event, local `mine`);
    it raises at activity `fail_at` (a plain exception, or a BpmnError with `bpmn_error`)."""

    def __init__(
        self, xml: bytes, round_trip: bool, fail_at: str | None = None, bpmn_error: bool = False
    ) -> None:
        self.log: list[Entry] = []
        self.fail_at = fail_at
        self.bpmn_error = bpmn_error
        definitions = parse_bpmn(xml, "cancelling.bpmn")
        (model,) = definitions.executable_processes
        definition = ProcessDefinition(
            id="cancelling:1:test",
            key="cancelling",
            version=1,
            process=model,
            definitions=definitions,
        )
        env = Environment(new_id=CountingIds(), delegates={"Recorder": self._record})
        self.instance = Scenario(definition, env, round_trip)

    def _record(self, execution: Any) -> None:
        activity = execution.get_activity_id()
        if activity == self.fail_at:
            if self.bpmn_error:
                raise BpmnError("E1", "business error")
            raise RuntimeError(f"listener of {activity} broke")
        local = execution.get_variable_local("mine")
        self.log.append((activity, execution.get_event_name(), local))

    def activities(self) -> list[str | None]:
        return [activity for activity, _, _ in self.log]

    def job(self) -> str:
        (job,) = self.instance.state.jobs.values()
        return job.id

    def message(self, name: str) -> None:
        (subscription,) = [
            s for s in self.instance.state.subscriptions.values() if s.event_name == name
        ]
        self.instance.send(cmd.DeliverMessage(subscription_id=subscription.id))


@pytest.fixture
def recorded(round_trip: bool):  # type: ignore[no-untyped-def]
    def make(body: str, **kwargs: Any) -> Recorded:
        return Recorded(process(body), round_trip, **kwargs)

    return make


TASK_WITH_TIMER = """
<bpmn:startEvent id="start" />
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
<bpmn:userTask id="work" name="Work">{listener}</bpmn:userTask>
<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="done" />
<bpmn:endEvent id="done" />
<bpmn:boundaryEvent id="late" attachedToRef="work" cancelActivity="{interrupting}">
  <bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration>
  </bpmn:timerEventDefinition>
</bpmn:boundaryEvent>
<bpmn:sequenceFlow id="f3" sourceRef="late" targetRef="chase" />
<bpmn:userTask id="chase" name="Chase" />
<bpmn:sequenceFlow id="f4" sourceRef="chase" targetRef="chased" />
<bpmn:endEvent id="chased" />
"""


def test_an_interrupting_boundary_timer_runs_the_end_listener_of_the_task_it_cancels(recorded):
    run = recorded(
        TASK_WITH_TIMER.format(listener=recording(local="task-local"), interrupting="true")
    )
    run.instance.start()
    assert run.log == []
    run.instance.send(cmd.ExecuteJob(run.job()))
    # positioned at the task, whose local variables are still readable
    assert run.log == [("work", "end", "task-local")]
    assert run.instance.task_names() == ["Chase"]
    ended = [e for e in run.instance.of_type(fx.ActivityInstanceEnded) if e.activity_id == "work"]
    assert [e.canceled for e in ended] == [True]


def test_a_non_interrupting_boundary_timer_does_not_end_the_task_so_runs_no_end_listener(
    recorded,
):
    run = recorded(TASK_WITH_TIMER.format(listener=recording(), interrupting="false"))
    run.instance.start()
    run.instance.send(cmd.ExecuteJob(run.job()))
    assert run.log == []
    assert run.instance.task_names() == ["Chase", "Work"]
    run.instance.complete("Work")
    assert run.log == [("work", "end", None)]


TASK_WITH_MESSAGE = """
<bpmn:startEvent id="start" />
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
<bpmn:userTask id="work" name="Work">{listener}</bpmn:userTask>
<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="done" />
<bpmn:endEvent id="done" />
<bpmn:boundaryEvent id="stop" attachedToRef="work">
  <bpmn:messageEventDefinition messageRef="stopMessage" />
</bpmn:boundaryEvent>
<bpmn:sequenceFlow id="f3" sourceRef="stop" targetRef="stopped" />
<bpmn:endEvent id="stopped" />
"""


def test_an_interrupting_boundary_message_runs_the_end_listener_of_the_task(recorded):
    run = recorded(TASK_WITH_MESSAGE.format(listener=recording()))
    run.instance.start()
    run.message("stop")
    assert run.log == [("work", "end", None)]
    assert run.instance.ended


EVENT_SUB_PROCESS = f"""
<bpmn:startEvent id="start" />
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fork" />
<bpmn:parallelGateway id="fork" />
<bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="outer" />
<bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="side" />
<bpmn:userTask id="side" name="Side">{recording()}</bpmn:userTask>
<bpmn:subProcess id="outer">{recording(local="outer-local")}
  <bpmn:startEvent id="outer_start" />
  <bpmn:sequenceFlow id="s1" sourceRef="outer_start" targetRef="inner" />
  <bpmn:userTask id="inner" name="Inner">{recording(local="inner-local")}</bpmn:userTask>
  <bpmn:sequenceFlow id="s2" sourceRef="inner" targetRef="outer_end" />
  <bpmn:endEvent id="outer_end" />
</bpmn:subProcess>
<bpmn:subProcess id="on_stop" triggeredByEvent="true">
  <bpmn:startEvent id="stop_start">
    <bpmn:messageEventDefinition messageRef="stopMessage" />
  </bpmn:startEvent>
  <bpmn:sequenceFlow id="e1" sourceRef="stop_start" targetRef="handle" />
  <bpmn:userTask id="handle" name="Handle" />
  <bpmn:sequenceFlow id="e2" sourceRef="handle" targetRef="stop_end" />
  <bpmn:endEvent id="stop_end" />
</bpmn:subProcess>
"""


def test_an_interrupting_event_sub_process_ends_the_interrupted_activities_children_first(
    recorded,
):
    run = recorded(EVENT_SUB_PROCESS)
    run.instance.start()
    run.message("stop")
    assert run.instance.task_names() == ["Handle"]
    # the task inside the sub-process ends before the sub-process, each with its own locals
    inner, outer = (
        run.log.index(("inner", "end", "inner-local")),
        run.log.index(("outer", "end", "outer-local")),
    )
    assert inner < outer
    assert sorted(run.activities()) == ["inner", "outer", "side"]


def test_a_boundary_message_on_a_sub_process_ends_its_inside_first(recorded):
    body = EVENT_SUB_PROCESS.split('<bpmn:subProcess id="on_stop"')[0] + (
        '<bpmn:boundaryEvent id="stop" attachedToRef="outer">'
        '<bpmn:messageEventDefinition messageRef="stopMessage" /></bpmn:boundaryEvent>'
        '<bpmn:sequenceFlow id="b1" sourceRef="stop" targetRef="stopped" />'
        '<bpmn:endEvent id="stopped" />'
    )
    run = recorded(body)
    run.instance.start()
    run.message("stop")
    assert run.log == [("inner", "end", "inner-local"), ("outer", "end", "outer-local")]
    assert run.instance.task_names() == ["Side"]


TERMINATE = f"""
<bpmn:startEvent id="start" />
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fork" />
<bpmn:parallelGateway id="fork" />
<bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="first" />
<bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="second" />
<bpmn:userTask id="first" name="First" />
<bpmn:sequenceFlow id="f4" sourceRef="first" targetRef="kill" />
<bpmn:endEvent id="kill"><bpmn:terminateEventDefinition /></bpmn:endEvent>
<bpmn:userTask id="second" name="Second">{recording(local="second-local")}</bpmn:userTask>
<bpmn:sequenceFlow id="f5" sourceRef="second" targetRef="done" />
<bpmn:endEvent id="done" />
"""


def test_a_terminate_end_event_runs_the_end_listeners_of_the_activities_it_ends(recorded):
    run = recorded(TERMINATE)
    run.instance.start()
    run.instance.complete("First")
    assert run.instance.ended
    assert run.log == [("second", "end", "second-local")]


DELETABLE = f"""
<bpmn:startEvent id="start" />
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="outer" />
<bpmn:subProcess id="outer">{recording()}
  <bpmn:startEvent id="outer_start" />
  <bpmn:sequenceFlow id="s1" sourceRef="outer_start" targetRef="inner" />
  <bpmn:userTask id="inner" name="Inner">{recording(local="inner-local")}</bpmn:userTask>
  <bpmn:sequenceFlow id="s2" sourceRef="inner" targetRef="outer_end" />
  <bpmn:endEvent id="outer_end" />
</bpmn:subProcess>
<bpmn:sequenceFlow id="f2" sourceRef="outer" targetRef="done" />
<bpmn:endEvent id="done" />
"""


def test_deleting_an_instance_runs_the_end_listeners_children_before_their_scope(recorded):
    run = recorded(DELETABLE)
    run.instance.start()
    run.instance.send(cmd.DeleteInstance("gone"))
    assert run.instance.state.status == InstanceStatus.EXTERNALLY_TERMINATED
    assert run.log == [("inner", "end", "inner-local"), ("outer", "end", None)]
    canceled = [e.activity_id for e in run.instance.of_type(fx.ActivityInstanceEnded) if e.canceled]
    assert canceled == ["inner", "outer"]


def test_deleting_with_skip_custom_listeners_runs_no_end_listener(recorded):
    run = recorded(DELETABLE)
    run.instance.start()
    run.instance.send(cmd.DeleteInstance("gone", skip_listeners=True))
    assert run.instance.ended
    assert run.log == []


def test_the_task_delete_listener_runs_after_the_end_listener_of_its_activity(recorded):
    """Camunda's delete cascade fires the activity's end listeners, then removes its task."""
    listeners = (
        '<camunda:executionListener event="end" '
        "expression=\"${execution.setVariable('order', 'end')}\" />"
        '<camunda:taskListener event="delete" '
        "expression=\"${execution.setVariable('order', order.concat(',delete:').concat(mine))}\" />"
    )
    body = DELETABLE.replace(
        recording(local="inner-local"), recording(listeners, local="inner-local")
    )
    run = recorded(body)
    run.instance.start()
    run.instance.send(cmd.DeleteInstance("gone"))
    assert run.instance.variable("order") == "end,delete:inner-local"


def test_a_modification_cancel_runs_the_end_listeners_unless_skipped(recorded, round_trip):
    run = recorded(DELETABLE)
    run.instance.start()
    run.instance.send(cmd.ModifyInstance((StartBefore("done"), CancelActivity("inner"))))
    assert run.log == [("inner", "end", "inner-local"), ("outer", "end", None)]

    skipped = recorded(DELETABLE)
    skipped.instance.start()
    skipped.instance.send(
        cmd.ModifyInstance((CancelActivity("inner"),), skip_custom_listeners=True)
    )
    assert skipped.instance.ended
    assert skipped.log == []


MULTI_INSTANCE = f"""
<bpmn:startEvent id="start" />
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="vote" />
<bpmn:userTask id="vote" name="Vote" camunda:assignee="${{voter}}">{recording()}
  <bpmn:multiInstanceLoopCharacteristics camunda:collection="${{voters}}"
      camunda:elementVariable="voter">
    <bpmn:completionCondition>${{nrOfCompletedInstances &gt;= 1}}</bpmn:completionCondition>
  </bpmn:multiInstanceLoopCharacteristics>
</bpmn:userTask>
<bpmn:sequenceFlow id="f2" sourceRef="vote" targetRef="after" />
<bpmn:userTask id="after" name="After" />
"""


def test_a_completion_condition_runs_the_end_listeners_of_the_instances_it_cancels(recorded):
    run = recorded(MULTI_INSTANCE)
    run.instance.start(voters=["ann", "bob", "cid"])
    ann = next(t for t in run.instance.tasks if t.assignee == "ann")
    run.instance.send(cmd.CompleteTask(ann.id))
    assert run.instance.task_names() == ["After"]
    # one completed instance, two cancelled ones: one end listener call each, none for the body
    assert run.activities() == ["vote", "vote", "vote"]
    ended = [e for e in run.instance.of_type(fx.ActivityInstanceEnded) if e.activity_id == "vote"]
    assert sorted(e.canceled for e in ended) == [False, True, True]


def test_a_failing_end_listener_of_a_cancelled_activity_fails_the_command(recorded):
    run = recorded(
        TASK_WITH_TIMER.format(listener=recording(), interrupting="true"), fail_at="work"
    )
    run.instance.start()
    # `run` raises and returns no step: the store persists nothing (tests/engine checks it)
    with pytest.raises(RuntimeError, match="listener of work broke"):
        run.instance.send(cmd.ExecuteJob(run.job()))


def test_a_bpmn_error_from_the_end_listener_of_a_cancelled_activity_fails_the_command(
    recorded,
):
    """Camunda does not propagate it (ExecutionListenerTest#testThrowBpmnErrorInEndListener
    MessageCorrelationShouldNotTriggerPropagation): the cancelled task's own error boundary
    event does not catch it, the command fails with the error's message."""
    body = TASK_WITH_TIMER.format(listener=recording(), interrupting="true") + (
        '<bpmn:boundaryEvent id="caught" attachedToRef="work">'
        "<bpmn:errorEventDefinition /></bpmn:boundaryEvent>"
        '<bpmn:sequenceFlow id="f5" sourceRef="caught" targetRef="recovered" />'
        '<bpmn:endEvent id="recovered" />'
    )
    run = recorded(body, fail_at="work", bpmn_error=True)
    run.instance.start()
    with pytest.raises(ProcessEngineError, match="business error") as failure:
        run.instance.send(cmd.ExecuteJob(run.job()))
    assert failure.value.activity_id == "work"


CALLER = """
<bpmn:startEvent id="start" />
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
<bpmn:callActivity id="call" calledElement="callee" />
<bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="done" />
<bpmn:endEvent id="done" />
"""
CALLEE = f"""<bpmn:process id="callee" isExecutable="true">
<bpmn:startEvent id="callee_start" />
<bpmn:sequenceFlow id="c1" sourceRef="callee_start" targetRef="child_work" />
<bpmn:userTask id="child_work" name="Child work">{recording()}</bpmn:userTask>
<bpmn:sequenceFlow id="c2" sourceRef="child_work" targetRef="callee_end" />
<bpmn:endEvent id="callee_end" />
</bpmn:process>"""


@pytest.mark.parametrize("skip", [False, True])
def test_a_called_instance_deleted_with_its_parent_runs_its_end_listeners_unless_skipped(skip):
    log: list[str] = []
    store = InMemoryStore()
    engine = ProcessEngine(
        store,
        Environment(
            new_id=CountingIds(), delegates={"Recorder": lambda e: log.append(e.get_activity_id())}
        ),
    )
    engine.deploy(
        {
            "caller.bpmn": bpmn_document(
                f'<bpmn:process id="caller" isExecutable="true">{CALLER}</bpmn:process>'
            ),
            "callee.bpmn": bpmn_document(CALLEE),
        }
    )
    caller = engine.start_process_instance("caller")
    engine.delete_process_instance(caller.id, "gone", skip_custom_listeners=skip)
    assert store.list_instances() == []
    assert log == ([] if skip else ["child_work"])


def test_an_activity_waiting_for_its_async_before_job_never_started_so_has_no_end_listener(
    recorded,
):
    """Camunda's AsyncTaskTest#testDeleteInScopeShouldNotInvokeListeners."""
    body = DELETABLE.replace(
        '<bpmn:userTask id="inner"', '<bpmn:userTask id="inner" camunda:asyncBefore="true"'
    )
    run = recorded(body)
    run.instance.start()
    assert run.instance.task_names() == []
    run.instance.send(cmd.DeleteInstance("gone"))
    assert run.log == [("outer", "end", None)]


NON_INTERRUPTING = f"""
<bpmn:startEvent id="start" />
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
<bpmn:userTask id="work" name="Work" />
<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="done" />
<bpmn:endEvent id="done" />
<bpmn:subProcess id="on_stop" triggeredByEvent="true">{recording()}
  <bpmn:startEvent id="stop_start" isInterrupting="false">
    <bpmn:messageEventDefinition messageRef="stopMessage" />
  </bpmn:startEvent>
  <bpmn:sequenceFlow id="e1" sourceRef="stop_start" targetRef="handle" />
  <bpmn:userTask id="handle" name="Handle" />
  <bpmn:sequenceFlow id="e2" sourceRef="handle" targetRef="stop_end" />
  <bpmn:endEvent id="stop_end" />
</bpmn:subProcess>
"""


def test_an_event_sub_process_that_completes_runs_its_end_listener(recorded):
    # Not a cancellation: the ordinary end of an event sub-process ends the activity too.
    run = recorded(NON_INTERRUPTING)
    run.instance.start()
    run.message("stop")
    assert run.log == []
    run.instance.complete("Handle")
    assert run.log == [("on_stop", "end", None)]
    assert run.instance.task_names() == ["Work"]
