"""Compensation and transaction sub-processes (Camunda 7 semantics)."""

from __future__ import annotations

from engine.runtime import effects as fx
from engine.runtime.state import InstanceState


def _created_task_names(instance) -> list[str]:
    return [e.task.name for e in instance.of_type(fx.TaskCreated)]


def _started(instance, activity_id: str) -> list[fx.ActivityInstanceStarted]:
    return [e for e in instance.of_type(fx.ActivityInstanceStarted) if e.activity_id == activity_id]


def test_compensation_throw_runs_every_handler_in_reverse_order_of_completion(scenario):
    instance = scenario("compensation_throw").start(mode="all")
    assert _created_task_names(instance) == ["Undo flight", "Undo hotel"]


def test_throw_event_waits_until_every_handler_completed(scenario):
    instance = scenario("compensation_throw").start(mode="all")
    instance.complete("Undo flight")
    assert instance.task_names() == ["Undo hotel"]
    instance.complete("Undo hotel")
    assert instance.task_names() == ["After"]


def test_each_completed_activity_is_compensated_only_once(scenario):
    instance = scenario("compensation_throw").start(mode="all")
    instance.complete("Undo flight")
    instance.complete("Undo hotel")
    instance.complete("After")  # the second throw finds nothing left to compensate
    assert instance.task_names() == ["Done"]
    assert len(_started(instance, "undoHotel")) == 1


def test_activity_ref_compensates_only_that_activity(scenario):
    instance = scenario("compensation_throw").start(mode="ref")
    assert instance.task_names() == ["Undo hotel"]
    instance.complete("Undo hotel")
    instance.complete("After")  # bookFlight is still remembered: the second throw undoes it
    assert instance.task_names() == ["Undo flight"]
    instance.complete("Undo flight")
    assert instance.task_names() == ["Done"]


def test_wait_for_completion_false_goes_on_while_the_handlers_run(scenario):
    instance = scenario("compensation_throw").start(mode="nowait")
    assert instance.task_names() == ["After", "Undo flight", "Undo hotel"]
    instance.complete("Undo hotel")
    instance.complete("After")
    assert instance.task_names() == ["Done", "Undo flight"]
    instance.complete("Undo flight")
    instance.complete("Done")
    assert instance.ended


def test_compensation_is_visible_in_history_with_camunda_activity_types(scenario):
    instance = scenario("compensation_throw").start(mode="ref")
    instance.complete("Undo hotel")
    (throw,) = _started(instance, "compensateHotel")
    assert throw.activity_type == "intermediateCompensationThrowEvent"
    (handler,) = _started(instance, "undoHotel")
    assert handler.activity_type == "userTask"
    assert handler.parent_activity_instance_id == instance.state.id
    ended = {e.activity_instance_id for e in instance.of_type(fx.ActivityInstanceEnded)}
    assert handler.activity_instance_id in ended


def test_sub_process_handler_sees_the_sub_process_variables_as_they_were(scenario):
    instance = scenario("compensation_scopes").start(destination="Paris", items=["a", "b"])
    assert "Cancel Paris" in instance.task_names()
    assert instance.variable("city") is None  # the snapshot is not a process variable
    (scope,) = _started(instance, "trip")[1:]  # compensating the sub-process: a new instance
    assert scope.activity_type == "subProcess"


def test_multi_instance_activity_compensates_each_completed_instance(scenario):
    instance = scenario("compensation_scopes").start(destination="Rome", items=["a", "b", "c"])
    assert instance.task_names() == ["Cancel Rome", "Refund a", "Refund b", "Refund c"]
    # reverse order of completion: the body (completed last) first, its last instance first
    assert _created_task_names(instance) == ["Refund c", "Refund b", "Refund a", "Cancel Rome"]
    (body,) = [e for e in _started(instance, "charge#multiInstanceBody")][1:]
    assert body.activity_type == "multiInstanceBody"


def test_compensating_scopes_end_without_taking_their_flows(scenario):
    instance = scenario("compensation_scopes").start(destination="Oslo", items=["a"])
    instance.complete("Refund a")
    instance.complete("Cancel Oslo")
    assert instance.task_names() == ["After"]
    assert len(_started(instance, "charge")) == 1  # the charge is never run again
    instance.complete("After")
    assert instance.ended


def test_activities_of_an_interrupted_sub_process_are_not_compensated(scenario):
    instance = scenario("compensation_interrupted").start()
    assert instance.task_names() == ["After"]
    assert not _started(instance, "release")


def test_cancel_end_event_compensates_the_transaction_then_takes_the_cancel_boundary(scenario):
    instance = scenario("transaction_cancel").start(skip=False)
    # the branch still running is interrupted, not compensated
    assert instance.task_names() == ["Unbook"]
    removed = [e for e in instance.of_type(fx.TaskRemoved) if e.reason == "deleted"]
    assert len(removed) == 1
    instance.complete("Unbook")
    assert instance.task_names() == ["After cancel"]
    (cancel_end,) = _started(instance, "cancelEnd")
    assert cancel_end.activity_type == "cancelEndEvent"
    (boundary,) = _started(instance, "cancelled")
    assert boundary.activity_type == "cancelBoundaryCatch"
    instance.complete("After cancel")
    assert instance.ended
    assert instance.state.end_activity_id == "cancelledEnd"


def test_cancel_end_event_with_nothing_to_compensate_leaves_at_once(scenario):
    instance = scenario("transaction_cancel").start(skip=True)
    assert instance.task_names() == ["After cancel"]


def test_compensation_state_survives_json_and_old_states_upgrade(scenario):
    instance = scenario("compensation_throw").start(mode="nowait")
    data = instance.state.to_json()
    assert data["format_version"] == 3
    for execution in data["executions"]:
        del execution["compensations"]
        del execution["compensation_thrower"]
    data["format_version"] = 2
    upgraded = InstanceState.from_json(data)
    assert all(e.compensations == [] for e in upgraded.executions.values())
