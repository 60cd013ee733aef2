"""Tokens moving: start to end, gateways, joins, termination, loops."""

from __future__ import annotations

import pytest

from engine.runtime import effects as fx
from engine.runtime.errors import ProcessEngineError


def test_none_start_to_none_end_ends_the_instance_in_one_step(scenario):
    instance = scenario("straight").start()
    assert instance.ended
    assert instance.state.executions == {}
    (finished,) = instance.of_type(fx.ProcessInstanceFinished)
    assert (finished.state, finished.end_activity_id) == ("COMPLETED", "end")
    assert [e.activity_id for e in instance.of_type(fx.ActivityInstanceStarted)] == ["start", "end"]
    ended = {e.activity_id: e.complete_scope for e in instance.of_type(fx.ActivityInstanceEnded)}
    assert ended == {"start": False, "end": True}


def test_parallel_join_fires_once_when_both_branches_complete(scenario):
    instance = scenario("parallel_join").start()
    assert instance.task_names() == ["A", "B"]
    instance.complete("A")
    assert instance.task_names() == ["B"]
    instance.complete("B")
    assert instance.task_names() == ["After"]
    assert len(instance.state.executions) == 2  # the instance and one token


def test_parallel_join_inside_a_loop_fires_once_per_round(scenario):
    instance = scenario("parallel_loop").start(n=0)
    assert instance.ended
    assert instance.variable("n") == 3
    joins = [e for e in instance.of_type(fx.ActivityInstanceStarted) if e.activity_id == "count"]
    assert len(joins) == 3


def test_exclusive_gateway_without_a_matching_flow_fails_naming_the_gateway(scenario):
    with pytest.raises(ProcessEngineError) as failure:
        scenario("exclusive_no_match").start(x=3)
    assert failure.value.activity_id == "decide"
    assert "decide" in str(failure.value)


def test_inclusive_gateway_forks_on_true_conditions_and_joins_what_was_forked(scenario):
    both = scenario("inclusive_join").start(takeA=True, takeB=True)
    assert both.task_names() == ["A", "B"]
    both.complete("A")
    assert both.task_names() == ["B"]
    both.complete("B")
    assert both.task_names() == ["After"]


def test_inclusive_join_does_not_wait_for_a_branch_that_was_not_taken(scenario):
    one = scenario("inclusive_join").start(takeA=True, takeB=False)
    assert one.task_names() == ["A"]
    one.complete("A")
    assert one.task_names() == ["After"]


def test_terminate_end_event_cancels_the_other_tokens(scenario):
    instance = scenario("terminate").start()
    instance.complete("A")
    assert instance.ended
    assert [e.reason for e in instance.of_type(fx.TaskRemoved)] == ["completed", "deleted"]
    canceled = [e.activity_id for e in instance.of_type(fx.ActivityInstanceEnded) if e.canceled]
    assert canceled == ["b"]


def test_ids_come_from_the_environment(scenario):
    instance = scenario("user_task").start(who="kermit", groups="g", prio=1, item="x")
    assert instance.state.id == "1"
    assert all(e.isdigit() for e in instance.state.executions)


def test_a_chain_of_eight_expression_service_tasks_runs_straight_through(scenario):
    instance = scenario("service_chain").start(n=0)
    assert instance.ended
    assert instance.variable("n") == 36


def test_three_parallel_user_tasks_join_after_the_last_completion(scenario):
    instance = scenario("parallel_three_tasks").start()
    assert instance.task_names() == ["One", "Three", "Two"]
    for name in ("Two", "One"):
        instance.complete(name)
        assert not instance.ended
    instance.complete("Three")
    assert instance.ended


def _token_variables(s, task_name: str) -> dict[str, object]:
    """What the token waiting at the task holds, from the token outwards (nearest wins)."""
    state = s.state
    execution = state.executions[s.task(task_name).execution_id]
    seen: dict[str, object] = {}
    while execution is not None:
        for name, typed in execution.variables.items():
            seen.setdefault(name, typed.value)
        execution = state.executions.get(execution.parent_id) if execution.parent_id else None
    return seen


def test_a_later_input_mapping_on_a_branch_reads_the_branchs_variable_and_leaves_it_alone(
    scenario,
):
    # Camunda: the activity with the mapping gets a scope execution below the branch's
    # concurrent execution; its inputs are evaluated from the branch, and its own `x`
    # ends with it while the branch's `x` stays
    s = scenario("branch_input_mapping").start()
    assert _token_variables(s, "Use") == {"x": "mapped", "seen": "branch"}
    s.complete("Use")
    assert _token_variables(s, "After") == {"x": "branch"}
    s.complete("After")
    s.complete("Other")
    assert s.ended
