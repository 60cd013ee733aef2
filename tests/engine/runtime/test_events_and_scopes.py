"""Messages, boundaries, signals, conditions, variables across scopes, multi-instance,
listeners, and the saved state itself."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from engine.runtime import commands as cmd
from engine.runtime import effects as fx
from engine.runtime.errors import BpmnError, ProcessEngineError
from engine.runtime.state import FORMAT_VERSION, InstanceState
from engine.runtime.values import TypedValue

from .conftest import START


def test_receive_task_waits_for_trigger_then_message_catch_for_its_message(scenario):
    instance = scenario("receive_and_message").start()
    waiting = next(e for e in instance.state.executions.values() if e.activity_id == "wait")
    instance.send(cmd.Trigger(waiting.id))
    (subscription,) = instance.state.subscriptions.values()
    assert (subscription.kind, subscription.event_name) == ("message", "go")
    instance.send(cmd.DeliverMessage(subscription_id=subscription.id, variables={"m": 1}))
    assert instance.ended
    assert instance.of_type(fx.SubscriptionRemoved)


def test_non_interrupting_boundary_message_adds_a_path_and_keeps_the_task(scenario):
    instance = scenario("boundary_non_interrupting").start()
    (subscription,) = instance.state.subscriptions.values()
    instance.send(cmd.DeliverMessage(subscription_id=subscription.id))
    assert instance.task_names() == ["Reminder", "Work"]
    assert len(instance.state.subscriptions) == 1
    instance.complete("Work")
    assert instance.state.subscriptions == {}
    assert instance.task_names() == ["Reminder"]


def test_signal_throw_asks_the_runner_to_broadcast(scenario):
    instance = scenario("signal_throw").start()
    assert [e.name for e in instance.of_type(fx.SignalThrown)] == ["alarm"]
    assert instance.ended


def test_conditional_catch_waits_until_its_condition_holds(scenario):
    instance = scenario("conditional_catch").start(ready=False)
    assert not instance.ended
    instance.send(cmd.SetVariables({"ready": True}))
    assert instance.ended


def test_variables_go_to_the_nearest_scope_that_has_them(scenario):
    instance = scenario("scoped_variables").start(outer="old")
    sub = next(e for e in instance.state.executions.values() if e.activity_id == "sub")
    assert sub.variables["inner"].value == 2
    assert instance.variable("outer") == "new"
    assert instance.variable("fresh") is True
    assert "inner" not in instance.state.root.variables
    instance.complete("Inside")
    assert instance.task_names() == ["After"]
    assert "inner" not in instance.state.root.variables


def test_local_variables_stay_where_camunda_keeps_them(scenario):
    instance = scenario("local_variables").start()
    executions = instance.state.executions.values()
    sub = next(e for e in executions if e.activity_id == "inner")
    (task,) = instance.tasks
    waiting = next(e for e in executions if e.task_id == task.id)
    # a lone token of a non-scope activity runs in its scope's execution: the instance's
    assert instance.variable("marked") == "root"
    # an activity with input mappings is a scope of its own: its local variables end with it
    assert "scopedMark" not in instance.state.root.variables
    # inside the sub-process, the sub-process's own (`marked` is not local there)
    assert sub.variables["innerMarked"].value is True
    assert "innerMarked" not in instance.state.root.variables
    # a task's local variables are the task's, not the process's
    assert waiting.variables["seen"].value == "yes"
    assert "seen" not in instance.state.root.variables
    assert "seen" not in sub.variables
    instance.complete("Inside")
    assert instance.task_names() == ["After"]
    assert instance.variable("seenAtEnd") == "yes"
    assert instance.variable("marked") == "root"
    assert {"seen", "innerMarked"}.isdisjoint(instance.state.root.variables)


def test_a_branch_keeps_what_it_sets_locally_until_it_joins(scenario):
    instance = scenario("branch_variables").start()

    def token(activity_id):
        return next(e for e in instance.state.executions.values() if e.activity_id == activity_id)

    assert token("waitA").variables.keys() == {"leg", "note"}
    assert token("waitC").variables.keys() == {"legC"}
    assert {"leg", "legC", "note"}.isdisjoint(instance.state.root.variables)
    instance.complete("Wait A")
    # the branch's variable outlived its activity and the user task; the task's did not
    assert instance.variable("seenA") == "A"
    assert token("join").variables.keys() == {"leg"}
    instance.complete("Wait B")
    # the join ended the branches and what they held
    assert instance.task_names() == ["Final", "Wait C"]
    assert all("leg" not in e.variables for e in instance.state.executions.values())
    instance.complete("Final")
    # the last branch of the scope: its variables are the scope's now
    assert instance.variable("legC") == "C"
    assert "legC" not in token("waitC").variables
    instance.complete("Wait C")
    assert instance.ended


def test_execution_listeners_run_on_start_take_and_end(scenario):
    instance = scenario("listeners").start()
    assert instance.ended
    updates = [e.value.value for e in instance.of_type(fx.VariableUpdated) if e.name == "log"]
    assert updates[-1] == "process-start,start-end,take,end-start,process-end"


def test_parallel_multi_instance_over_a_collection_stops_on_its_completion_condition(scenario):
    instance = scenario("multi_instance").start(voters=["ann", "bob", "cid"])
    assert sorted(t.assignee for t in instance.tasks) == ["ann", "bob", "cid"]
    body = next(e for e in instance.state.executions.values() if e.mi_body)
    assert body.variables["nrOfInstances"].value == 3
    first, second, _ = instance.tasks
    instance.send(cmd.CompleteTask(first.id))
    assert body.id in instance.state.executions
    instance.send(cmd.CompleteTask(second.id))
    assert instance.task_names() == ["After"]
    started = [e.activity_id for e in instance.of_type(fx.ActivityInstanceStarted)]
    assert "vote#multiInstanceBody" in started


def test_state_round_trips_through_json_with_typed_values(scenario):
    instance = scenario("user_task").start(
        who="kermit",
        groups="g",
        prio=1,
        item="x",
        when=datetime(2026, 1, 1, tzinfo=UTC),
        blob=b"\x00\x01",
        doc={"a": [1, 2]},
        big=TypedValue("Long", 3),
        nothing=None,
    )
    data = json.loads(json.dumps(instance.state.to_json()))
    assert data["format_version"] == FORMAT_VERSION
    again = InstanceState.from_json(data)
    assert again.to_json() == instance.state.to_json()
    variables = again.root.variables
    assert variables["when"] == TypedValue("Date", datetime(2026, 1, 1, tzinfo=UTC))
    assert variables["blob"] == TypedValue("Bytes", b"\x00\x01")
    assert variables["doc"] == TypedValue("Json", {"a": [1, 2]})
    assert variables["big"].type == "Long"
    assert variables["nothing"] == TypedValue("Null", None)


def test_variable_history_details_count_revisions(scenario):
    instance = scenario("parallel_loop").start(n=0)
    revisions = [e.revision for e in instance.of_type(fx.VariableUpdated) if e.name == "n"]
    assert revisions == [0, 1, 2, 3]


def test_non_interrupting_signal_event_sub_process_inside_a_sub_process(scenario):
    instance = scenario("esp_signal_in_sub_process").start()
    (subscription,) = instance.state.subscriptions.values()
    instance.send(cmd.DeliverSignal(subscription.id))
    assert instance.task_names() == ["Handler", "Inner"]
    instance.complete("Inner")
    assert instance.task_names() == ["Handler"]
    instance.complete("Handler")
    assert instance.task_names() == ["After"]
    assert instance.state.subscriptions == {}


def test_non_interrupting_timer_cycle_fires_its_repetitions_then_stops(scenario):
    instance = scenario("boundary_timer_cycle").start()
    (job,) = instance.state.jobs.values()
    assert job.due == instance.now + timedelta(hours=1)
    instance.later(timedelta(hours=1))
    instance.send(cmd.ExecuteJob(job.id))
    (again,) = instance.state.jobs.values()
    assert again.due == instance.now + timedelta(hours=1)
    instance.send(cmd.ExecuteJob(again.id))
    assert instance.state.jobs == {}
    assert instance.task_names() == ["Reminder", "Reminder", "Work"]


def test_a_timer_cycle_fired_late_keeps_to_its_schedule(scenario):
    # Camunda anchors the cycle where the timer starts: a late firing does not push the next
    instance = scenario("boundary_timer_cycle").start()
    (job,) = instance.state.jobs.values()
    instance.later(timedelta(minutes=95))
    instance.send(cmd.ExecuteJob(job.id))
    (again,) = instance.state.jobs.values()
    assert again.due == START + timedelta(hours=2)


def test_a_timer_cycle_whose_firings_were_missed_counts_them(scenario):
    instance = scenario("boundary_timer_cycle").start()
    (job,) = instance.state.jobs.values()
    instance.later(timedelta(hours=2, minutes=5))  # the job executor was down
    instance.send(cmd.ExecuteJob(job.id))
    assert instance.state.jobs == {}
    assert instance.task_names() == ["Reminder", "Work"]


def test_a_timer_cycle_with_an_end_fires_up_to_it_then_stops(scenario):
    instance = scenario("boundary_timer_cycle_expression")
    instance.start(cycle="R/PT1H/2026-03-02T10:30:00Z")
    fired = []
    while instance.state.jobs:
        (job,) = instance.state.jobs.values()
        fired.append(job.due)
        instance.now = max(instance.now, job.due)
        instance.send(cmd.ExecuteJob(job.id))
    assert fired == [START + timedelta(minutes=m) for m in (30, 90, 150)]
    assert instance.task_names() == ["Reminder", "Reminder", "Reminder", "Work"]


def test_bpmn_error_in_one_multi_instance_iteration_interrupts_the_whole_body(scenario, env):
    calls = []

    def check(execution):
        calls.append(execution.get_variable("loopCounter"))
        if len(calls) == 2:
            raise BpmnError("BAD")

    env.beans = {"check": check}
    instance = scenario("multi_instance_error").start()
    assert calls == [0, 1]
    assert instance.task_names() == ["Recover"]
    assert instance.variable("code") == "BAD"


def test_a_loop_cardinality_that_is_no_finite_number_fails_the_start(scenario):
    assert scenario("multi_instance_cardinality").start(boxes=6, perCheck=2).task_names() == [
        "Check", "Check", "Check"
    ]
    with pytest.raises(ProcessEngineError, match="loopCardinality .* is not a number"):
        scenario("multi_instance_cardinality").start(boxes=6, perCheck=0)  # an infinity


def test_a_state_saved_in_format_1_loads_with_tasks_not_delegated(scenario):
    instance = scenario("user_task").start(who="kermit", groups="g", prio=1, item="x")
    data = json.loads(json.dumps(instance.state.to_json()))
    data["format_version"] = 1
    for task in data["tasks"]:
        del task["delegation_state"]
    again = InstanceState.from_json(data)
    assert [t.delegation_state for t in again.tasks.values()] == [None]
