"""User, service, external, async and call-activity behaviour."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from engine.runtime import commands as cmd
from engine.runtime import effects as fx
from engine.runtime.errors import BpmnError, ProcessEngineError
from engine.runtime.values import TypedValue


def test_user_task_fields_are_evaluated_when_the_task_is_created(scenario):
    instance = scenario("user_task").start(
        who="kermit", groups=["sales", "ops"], prio=80, item="order 7"
    )
    (task,) = instance.tasks
    assert task.name == "Review order 7"
    assert task.description == "Check order 7"
    assert task.assignee == "kermit"
    assert task.candidate_users == ["fozzie", "gonzo"]
    assert task.candidate_groups == ["sales", "ops"]
    assert task.priority == 80
    assert task.form_key == "embedded:app:review.html"
    assert task.due_date == instance.now + timedelta(days=2)
    assert task.task_definition_key == "review"
    assert task.execution_id == instance.state.id
    (created,) = instance.of_type(fx.TaskCreated)
    assert created.task.id == task.id


def test_task_listeners_run_on_create_assignment_and_complete(scenario):
    instance = scenario("user_task").start(who="kermit", groups="g", prio=1, item="x")
    assert instance.variable("created") == "Review x"
    assert instance.variable("assigned") == "kermit"
    instance.send(cmd.SetAssignee(instance.tasks[0].id, "gonzo"))
    assert instance.variable("assigned") == "gonzo"
    assert instance.of_type(fx.TaskUpdated)[-1].task.assignee == "gonzo"
    instance.complete("Review x")
    assert instance.variable("completedBy") == "gonzo"
    assert instance.ended


def test_expression_result_is_a_long_and_class_delegates_come_from_the_registry(scenario, env):
    env.delegates = {
        "com.example.Greeter": lambda execution: execution.set_variable(
            "greeting", f"hello {execution.get_variable('sum')}"
        )
    }
    instance = scenario("service_expression").start(a=2, b=3)
    assert instance.typed("sum") == TypedValue("Long", 5)
    assert instance.typed("a") == TypedValue("Integer", 2)
    assert instance.variable("greeting") == "hello 5"


def test_an_unknown_delegate_class_fails_the_command_at_execution(scenario):
    with pytest.raises(ProcessEngineError) as failure:
        scenario("service_expression").start(a=1, b=1)
    assert failure.value.activity_id == "call"
    assert "com.example.Greeter" in str(failure.value)


def test_bpmn_error_from_a_delegate_is_caught_by_the_catch_all_boundary(scenario, env):
    def risky(execution):
        raise BpmnError("BOOM", "it broke")

    env.beans = {"risky": risky}
    instance = scenario("delegate_error").start()
    assert instance.task_names() == ["Recover"]


def test_a_bpmn_error_nobody_catches_ends_the_activity_and_its_token_as_camunda(scenario, env):
    # Camunda's default (enableExceptionsAfterUnhandledBpmnError off): the throwing activity
    # ends, no flow is taken after it, and the sub-process it was the last token of completes.
    env.beans = {"risky": _raise_bpmn_error}
    instance = scenario("unhandled_error").start()
    assert instance.task_names() == ["After"]
    ended = {e.activity_id: e for e in instance.of_type(fx.ActivityInstanceEnded)}
    assert not ended["risky"].canceled
    assert "never" not in ended


def test_with_exceptions_after_unhandled_bpmn_errors_the_command_fails(scenario, env):
    env.beans = {"risky": _raise_bpmn_error}
    env.exceptions_after_unhandled_bpmn_error = True
    with pytest.raises(ProcessEngineError) as failure:
        scenario("unhandled_error").start()
    assert str(failure.value).startswith(
        "Execution with id 'risky' throws an error event with errorCode 'NOPE' and "
        "errorMessage 'no such card', but no error handler was defined."
    )


def _raise_bpmn_error(execution: Any) -> None:
    raise BpmnError("NOPE", "no such card")


def test_external_task_topic_and_priority_are_evaluated(scenario):
    instance = scenario("external_task").start(topic="billing")
    (external,) = instance.state.external_tasks.values()
    assert (external.topic, external.priority, external.activity_id) == ("billing", 7, "work")
    instance.send(cmd.CompleteExternalTask(external.id, {"paid": True}))
    assert instance.variable("paid") is True
    assert instance.task_names() == ["Done"]
    assert instance.of_type(fx.ExternalTaskRemoved)


def test_external_task_bpmn_error_goes_to_the_error_boundary_with_its_code(scenario):
    instance = scenario("external_task").start(topic="billing")
    (external,) = instance.state.external_tasks.values()
    instance.send(cmd.HandleExternalTaskBpmnError(external.id, "E1", "no money"))
    assert instance.task_names() == ["Handle"]
    assert instance.variable("code") == "E1"


def test_async_before_and_after_wait_as_jobs(scenario):
    instance = scenario("async").start()
    (job,) = instance.state.jobs.values()
    assert (job.kind, job.activity_id) == ("async-before", "step")
    assert instance.variable("ran") is None
    instance.send(cmd.ExecuteJob(job.id))
    assert instance.variable("ran") is True
    (job,) = instance.state.jobs.values()
    assert job.kind == "async-after"
    instance.send(cmd.ExecuteJob(job.id))
    assert instance.ended


def test_call_activity_asks_for_a_child_and_continues_with_its_out_variables(scenario):
    instance = scenario("call_activity").start(x=4)
    (request,) = instance.of_type(fx.StartCalledInstance)
    assert request.called_element == "callee"
    assert request.business_key == "bk-4"
    assert request.variables == {
        "childX": TypedValue("Integer", 4),
        "doubled": TypedValue("Long", 8),
    }
    execution = request.super_execution_id
    instance.send(cmd.CalledInstanceEnded(execution, {"result": 10}))
    assert instance.variable("fromChild") == 10
    assert instance.typed("plusOne") == TypedValue("Long", 11)
    assert instance.task_names() == ["After"]


def test_deleting_an_instance_cancels_its_call_activity_child(scenario):
    instance = scenario("call_activity").start(x=1)
    instance.send(cmd.DeleteInstance("no longer needed"))
    assert instance.ended
    (delete,) = instance.of_type(fx.DeleteCalledInstance)
    assert delete.reason == "no longer needed"


def test_deleting_an_instance_removes_its_task_and_records_the_reason(scenario):
    instance = scenario("user_task").start(who="kermit", groups="g", prio=1, item="x")
    instance.send(cmd.DeleteInstance("cancelled by customer"))
    assert instance.ended
    assert instance.of_type(fx.TaskRemoved)[-1].reason == "deleted"
    (finished,) = instance.of_type(fx.ProcessInstanceFinished)
    assert (finished.state, finished.delete_reason) == (
        "EXTERNALLY_TERMINATED",
        "cancelled by customer",
    )
    (ended,) = [e for e in instance.of_type(fx.ActivityInstanceEnded) if e.activity_id == "review"]
    assert ended.canceled


def test_a_delegate_reads_the_names_and_parent_of_its_execution(scenario, env):
    seen: dict[str, Any] = {}

    def probe(execution):  # type: ignore[no-untyped-def]
        seen["names"] = execution.get_variable_names()
        seen["local"] = execution.get_variables_local()
        seen["local names"] = execution.get_variable_names_local()
        seen["parent"] = execution.get_parent_id()

    env.beans = {"probe": probe}
    instance = scenario("execution_facade").start(outer="o")
    assert seen["names"] == ["local", "outer"]
    assert (seen["local"], seen["local names"]) == ({"local": 1}, ["local"])
    # the sub-process's scope execution sits under the process instance
    assert seen["parent"] == instance.state.id
    assert instance.variable("noted") == f"2 {instance.state.id}"  # expressions read the same


def test_task_listeners_set_what_camundas_delegate_task_offers(scenario):
    instance = scenario("task_facade").start(groups=["sales", "ops"])
    (task,) = instance.tasks
    assert (task.owner, task.description) == ("kermit", "Check Review")
    assert task.due_date == instance.now + timedelta(days=1)
    assert (task.candidate_users, task.candidate_groups) == (["fozzie"], ["sales", "ops"])
    assert instance.variable("seenAt") == "Review"
    (created,) = instance.of_type(fx.TaskCreated)
    assert created.task.owner == "kermit"


def test_what_a_timeout_listener_changes_reaches_the_task_lists(scenario):
    instance = scenario("task_facade").start(groups=[])
    (job,) = instance.state.jobs.values()
    instance.later(timedelta(hours=4))
    effects = instance.send(cmd.ExecuteJob(job.id))
    (updated,) = [e for e in effects if isinstance(e, fx.TaskUpdated)]
    assert updated.task.priority == 90
