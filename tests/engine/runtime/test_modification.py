"""Process instance modification: start before/after, start a transition, cancel, preview."""

from __future__ import annotations

from typing import Any

import pytest

from engine.runtime import commands as cmd
from engine.runtime import effects as fx
from engine.runtime.engine import ProcessEngine
from engine.runtime.env import CountingIds, Environment
from engine.runtime.memory import InMemoryStore
from engine.runtime.modification import (
    CancelActivity,
    CancelActivityInstance,
    CancelTransitionInstance,
    InvalidModification,
    StartAfter,
    StartBefore,
    StartTransition,
    preview,
)
from engine.runtime.state import Execution, InstanceStatus, Wait
from tests.engine.runtime.conftest import FIXTURES, Scenario


def modify(instance: Scenario, *instructions: Any, **flags: bool) -> list[fx.Effect]:
    return instance.send(cmd.ModifyInstance(tuple(instructions), **flags))


def at(instance: Scenario, activity_id: str) -> list[Execution]:
    assert instance.state is not None
    return [e for e in instance.state.executions.values() if e.activity_id == activity_id]


def cancelled(instance: Scenario) -> list[str]:
    return [e.activity_id for e in instance.of_type(fx.ActivityInstanceEnded) if e.canceled]


def started(effects: list[fx.Effect]) -> list[str]:
    return [e.activity_id for e in effects if isinstance(e, fx.ActivityInstanceStarted)]


def test_start_before_and_cancel_moves_a_stuck_token(scenario):
    instance = scenario("modification").start()
    effects = modify(instance, StartBefore("second"), CancelActivity("first"))
    assert instance.task_names() == ["Second"]
    assert started(effects) == ["second"]
    assert cancelled(instance) == ["first"]
    assert not instance.ended


def test_cancel_first_then_start_keeps_the_instance_alive(scenario):
    instance = scenario("modification").start()
    modify(instance, CancelActivity("first"), StartBefore("second"))
    assert instance.task_names() == ["Second"]
    assert instance.state.status == InstanceStatus.ACTIVE


def test_cancelling_every_activity_ends_the_instance_as_externally_terminated(scenario):
    instance = scenario("modification").start()
    modify(instance, CancelActivity("first"))
    assert instance.ended
    assert instance.state.status == InstanceStatus.EXTERNALLY_TERMINATED
    (finished,) = instance.of_type(fx.ProcessInstanceFinished)
    assert finished.delete_reason == "Cancellation due to process instance modification"
    assert instance.state.tasks == {}


def test_start_after_takes_the_single_outgoing_flow_beside_the_running_token(scenario):
    instance = scenario("modification").start()
    modify(instance, StartAfter("first"))
    assert instance.task_names() == ["First", "Second"]


def test_start_transition_enters_its_target_and_creates_the_sub_process(scenario):
    instance = scenario("modification").start()
    effects = modify(instance, StartTransition("f3"), CancelActivity("first"))
    assert instance.task_names() == ["Inner"]
    assert started(effects) == ["sub", "subStart", "inner"]


def test_starting_inside_a_sub_process_instantiates_the_scope_without_its_start_event(scenario):
    instance = scenario("modification").start()
    effects = modify(instance, StartBefore("inner"), CancelActivity("first"))
    assert started(effects) == ["sub", "inner"]
    (sub,) = at(instance, "sub")
    (inner,) = at(instance, "inner")
    assert (sub.wait, inner.parent_id) == (Wait.SCOPE, sub.id)
    instance.complete("Inner")
    assert instance.task_names() == ["Last"]


def test_starting_inside_a_running_sub_process_reuses_its_instance(scenario):
    instance = scenario("modification").start()
    modify(instance, StartBefore("sub"), CancelActivity("first"))
    modify(instance, StartBefore("inner"))
    (sub,) = at(instance, "sub")
    assert [e.parent_id for e in at(instance, "inner")] == [sub.id, sub.id]
    instance.complete("Inner")
    instance.complete("Inner")
    assert instance.task_names() == ["Last"]


def test_several_scope_instances_need_an_ancestor_activity_instance(scenario):
    instance = scenario("modification").start()
    modify(instance, StartBefore("sub"), StartBefore("sub"))
    with pytest.raises(InvalidModification, match="ambiguous"):
        modify(instance, StartBefore("inner"))
    chosen = at(instance, "sub")[1]
    modify(
        instance, StartBefore("inner", ancestor_activity_instance_id=chosen.activity_instance_id)
    )
    assert sorted(len(instance.state.children(sub.id)) for sub in at(instance, "sub")) == [1, 2]


def test_an_ancestor_outside_the_elements_scopes_is_refused(scenario):
    instance = scenario("modification").start()
    (first,) = at(instance, "first")
    with pytest.raises(InvalidModification, match="cannot be found in parent hierarchy"):
        modify(
            instance, StartBefore("inner", ancestor_activity_instance_id=first.activity_instance_id)
        )
    with pytest.raises(InvalidModification, match="'nope' does not exist"):
        modify(instance, StartBefore("inner", ancestor_activity_instance_id="nope"))


def test_cancelling_the_last_activity_of_a_sub_process_cancels_the_sub_process(scenario):
    instance = scenario("modification").start()
    modify(instance, StartBefore("inner"))
    modify(instance, CancelActivity("inner"))
    assert cancelled(instance) == ["inner", "sub"]
    assert at(instance, "sub") == []
    assert instance.task_names() == ["First"]


def test_cancel_activity_instance_by_id_and_the_instance_id_cancels_everything(scenario):
    instance = scenario("modification").start()
    modify(instance, StartBefore("second"))
    (first,) = at(instance, "first")
    modify(instance, CancelActivityInstance(first.activity_instance_id))
    assert instance.task_names() == ["Second"]
    with pytest.raises(InvalidModification, match="Activity instance 'gone' does not exist"):
        modify(instance, CancelActivityInstance("gone"))
    modify(instance, StartBefore("last"), CancelActivityInstance(instance.state.id))
    assert instance.state.status == InstanceStatus.EXTERNALLY_TERMINATED


def test_start_variables_go_to_the_instance_and_local_ones_to_the_new_token(scenario):
    instance = scenario("modification").start()
    modify(instance, StartBefore("last", variables={"fixed": True}, local_variables={"note": "x"}))
    assert instance.variable("fixed") is True
    (last,) = at(instance, "last")
    assert last.variables["note"].value == "x"
    assert "note" not in instance.state.root.variables


def test_listeners_and_input_mappings_run_unless_skipped(scenario):
    plain = scenario("modification").start()
    modify(plain, StartBefore("second"))
    (second,) = at(plain, "second")
    assert (plain.variable("secondStarted"), second.variables["fromInput"].value) == (
        True,
        "mapped",
    )
    skipped = scenario("modification").start()
    modify(skipped, StartBefore("second"), skip_custom_listeners=True, skip_io_mappings=True)
    (second,) = at(skipped, "second")
    assert skipped.variable("secondStarted") is None
    assert "fromInput" not in second.variables
    assert skipped.task_names() == ["First", "Second"]


def test_bad_instructions_are_refused_with_the_instruction_named(scenario):
    instance = scenario("modification").start()
    with pytest.raises(InvalidModification, match=r"instruction 2 \(Start before activity 'x'\)"):
        modify(instance, StartBefore("second"), StartBefore("x"))
    with pytest.raises(InvalidModification, match="no outgoing sequence flow"):
        modify(instance, StartAfter("end"))
    with pytest.raises(InvalidModification, match="Sequence flow 'f9' does not exist"):
        modify(instance, StartTransition("f9"))
    with pytest.raises(InvalidModification, match="Transition instance 't' does not exist"):
        modify(instance, CancelTransitionInstance("t"))
    fork = scenario("parallel_join").start()
    with pytest.raises(InvalidModification, match="more than one outgoing sequence flow"):
        modify(fork, StartAfter("fork"))


def test_instructions_after_the_instance_ended_are_refused(scenario):
    instance = scenario("modification").start()
    with pytest.raises(InvalidModification, match="ended during an earlier instruction"):
        modify(instance, CancelActivity("first"), StartBefore("end"), StartBefore("first"))


def test_starting_the_end_event_after_cancelling_everything_completes_the_instance(scenario):
    instance = scenario("modification").start()
    modify(instance, CancelActivity("first"), StartBefore("end"))
    assert instance.state.status == InstanceStatus.COMPLETED


def test_a_stuck_parallel_branch_is_skipped_by_starting_the_join(scenario):
    instance = scenario("parallel_join").start()
    instance.complete("A")
    modify(instance, CancelActivity("b"), StartBefore("join"))
    assert instance.task_names() == ["After"]


def test_async_waits_are_transition_instances(scenario):
    instance = scenario("async").start()
    (waiting,) = at(instance, "step")
    assert waiting.wait == Wait.JOB
    effects = modify(instance, CancelTransitionInstance(waiting.id), StartBefore("step"))
    assert [e for e in effects if isinstance(e, fx.JobRemoved)]
    (again,) = at(instance, "step")
    assert again.wait == Wait.JOB  # asyncBefore is honoured for the started activity
    modify(instance, CancelActivity("step"))
    assert instance.state.status == InstanceStatus.EXTERNALLY_TERMINATED


def test_cancelling_one_parallel_multi_instance_lets_the_others_complete_the_body(scenario):
    instance = scenario("modification_parallel_mi").start()
    one = next(e for e in at(instance, "review") if e.mi_instance)
    modify(instance, CancelActivityInstance(one.activity_instance_id))
    (body,) = [e for e in at(instance, "review") if e.mi_body]
    assert body.variables["nrOfInstances"].value == 2
    instance.complete("Review")
    instance.complete("Review")
    assert instance.task_names() == ["After"]


def test_cancelling_the_multi_instance_body_cancels_its_instances(scenario):
    instance = scenario("modification_parallel_mi").start()
    modify(instance, StartBefore("after"), CancelActivity("review#multiInstanceBody"))
    assert instance.task_names() == ["After"]
    assert cancelled(instance).count("review") == 3
    assert "review#multiInstanceBody" in cancelled(instance)


def test_start_before_a_multi_instance_activity_starts_its_body(scenario):
    instance = scenario("modification_parallel_mi").start()
    modify(instance, CancelActivity("review"), StartBefore("review"))
    assert instance.task_names() == ["Review"] * 3


def test_preview_reports_the_direct_changes_and_leaves_the_state_alone(scenario):
    instance = scenario("modification").start()
    before = instance.state.to_json()
    (first,) = at(instance, "first")
    result = preview(
        instance.definition,
        instance.state,
        [StartBefore("inner"), CancelActivity("first")],
        instance.now,
        instance.env,
    )
    assert [(a.activity_id, a.activity_name) for a in result.started] == [
        ("sub", "Sub"),
        ("inner", "Inner"),
    ]
    assert [(a.activity_id, a.activity_instance_id) for a in result.cancelled] == [
        ("first", first.activity_instance_id)
    ]
    assert result.instance_ends is False
    assert instance.state.to_json() == before


def test_preview_sees_the_instance_end_and_earlier_starts(scenario):
    instance = scenario("modification").start()
    ends = preview(instance.definition, instance.state, [CancelActivity("first")], instance.now)
    assert ends.instance_ends is True
    moved = preview(
        instance.definition,
        instance.state,
        [StartBefore("second"), CancelActivity("second"), CancelActivity("first")],
        instance.now,
    )
    assert [a.activity_id for a in moved.cancelled] == ["second", "first"]
    assert moved.instance_ends is True
    with pytest.raises(InvalidModification):
        preview(instance.definition, instance.state, [StartBefore("x")], instance.now)


WAITING_CALLEE = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="t">
  <process id="callee" isExecutable="true">
    <startEvent id="start" />
    <userTask id="child" name="Child" />
    <sequenceFlow id="f1" sourceRef="start" targetRef="child" />
  </process>
</definitions>
"""


def test_the_runner_deletes_the_called_instance_of_a_cancelled_call_activity():
    store = InMemoryStore()
    engine = ProcessEngine(store, Environment(new_id=CountingIds()))
    engine.deploy(
        {
            "call_activity.bpmn": (FIXTURES / "call_activity.bpmn").read_bytes(),
            "callee.bpmn": WAITING_CALLEE,
        }
    )
    caller = engine.start_process_instance("caller", variables={"x": 1})
    engine.modify_process_instance(
        caller.id, [StartBefore("after"), CancelActivity("call")], skip_custom_listeners=True
    )
    assert [t.name for t in store.list_tasks()] == ["After"]
    (child,) = [s for s in store.list_instances(active=False) if s.super_instance_id]
    assert child.status == InstanceStatus.EXTERNALLY_TERMINATED


def test_cancel_current_only_spares_the_instances_earlier_instructions_started(scenario):
    # Camunda's cancelCurrentActiveActivityInstances: restart an activity with a fresh
    # instance by starting it before cancelling the instances it had.
    instance = scenario("modification").start()
    (before,) = at(instance, "first")
    modify(instance, StartBefore("first"), CancelActivity("first", current_only=True))
    (after,) = at(instance, "first")
    assert after.activity_instance_id != before.activity_instance_id
    assert instance.task_names() == ["First"]
    assert cancelled(instance) == ["first"]


def test_cancel_without_current_only_also_cancels_what_earlier_instructions_started(scenario):
    instance = scenario("modification").start()
    modify(instance, StartBefore("first"), CancelActivity("first"))
    assert instance.ended
    assert cancelled(instance) == ["first", "first"]


@pytest.mark.parametrize("started_element", ["cancelEvaluation", "cancelStart"])
def test_starting_an_interrupting_event_sub_process_cancels_what_runs_in_its_scope(
    scenario, started_element
):
    instance = scenario("modification_interrupting").start()
    effects = modify(instance, StartBefore(started_element))
    assert instance.task_names() == ["Notify Accountant"]
    assert cancelled(instance) == ["assess"]
    assert "cancelEvaluation" in started(effects)
    # the evaluation sub-process itself stays: the event sub-process runs inside it
    assert [e.activity_id for e in at(instance, "evaluation")] == ["evaluation"]


def test_starting_an_activity_inside_an_event_sub_process_interrupts_nothing(scenario):
    instance = scenario("modification_interrupting").start()
    modify(instance, StartBefore("notifyAccountant"))
    assert instance.task_names() == ["Assess Credit Worthiness", "Notify Accountant"]
    assert cancelled(instance) == []


def test_starting_an_interrupting_boundary_event_cancels_the_activity_it_is_on(scenario):
    instance = scenario("modification_interrupting").start()
    modify(instance, StartBefore("noticeReceived"))
    assert instance.task_names() == ["Confirm Cancelation"]
    assert cancelled(instance) == ["assess"]


def test_starting_a_non_interrupting_boundary_event_keeps_the_activity(scenario):
    instance = scenario("modification_interrupting").start()
    modify(instance, StartBefore("auditRequested"))
    assert instance.task_names() == ["Assess Credit Worthiness", "Audit"]
    assert cancelled(instance) == []


def test_the_preview_shows_what_an_interrupting_start_cancels(scenario):
    instance = scenario("modification_interrupting").start()
    result = preview(
        instance.definition, instance.state, [StartBefore("noticeReceived")], instance.now
    )
    assert [ref.activity_id for ref in result.cancelled] == ["assess"]
    assert [ref.activity_id for ref in result.started] == ["noticeReceived"]
    assert instance.task_names() == ["Assess Credit Worthiness"]  # the preview changes nothing


def test_starting_the_inner_activity_adds_an_instance_to_the_running_body(scenario):
    # Camunda: a fourth "Contact Customer" in the same body, its counters updated.
    instance = scenario("modification_parallel_mi").start()
    modify(instance, StartBefore("review", local_variables={"reviewer": "ann"}))
    assert instance.task_names() == ["Review"] * 4
    (body,) = [e for e in at(instance, "review") if e.mi_body]
    assert body.variables["nrOfInstances"].value == 4
    assert body.variables["nrOfActiveInstances"].value == 4
    added = [e for e in at(instance, "review") if e.variables.get("reviewer")]
    assert [e.variables["loopCounter"].value for e in added] == [3]
    for _ in range(4):
        instance.complete("Review")
    assert instance.task_names() == ["After"]


def test_starting_the_body_again_runs_a_second_body(scenario):
    instance = scenario("modification_parallel_mi").start()
    modify(instance, StartBefore("review#multiInstanceBody"))
    assert instance.task_names() == ["Review"] * 6
    assert len([e for e in at(instance, "review") if e.mi_body]) == 2


def test_no_instance_is_added_beside_the_running_one_of_a_sequential_body(scenario):
    instance = scenario("modification_sequential_mi").start()
    with pytest.raises(InvalidModification, match="is sequential: no instance can be added"):
        modify(instance, StartBefore("review"))
    assert instance.task_names() == ["Review"]
