"""CASES.md sections 4-7 and 12-13: messages, timers, signals, errors, escalation,
conditional and link events."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.runtime.engine import MismatchingMessageCorrelation
from engine.runtime.errors import ProcessEngineError
from engine.runtime.values import TypedValue


def test_receive_task_correlate_message(engine):
    engine.deploy("ReceiveTaskTest.singleReceiveTask.bpmn")
    instance = engine.start("testProcess")
    assert len(engine.list_subscriptions(kind="message")) == 1
    engine.correlate_message("newInvoiceMessage")
    assert engine.list_subscriptions() == []
    assert engine.is_ended(instance)


def test_receive_task_correlate_by_business_key(engine):
    engine.deploy("ReceiveTaskTest.singleReceiveTask.bpmn")
    first = engine.start_process_instance("testProcess", business_key="23")
    second = engine.start_process_instance("testProcess", business_key="42")
    assert len(engine.list_subscriptions()) == 2
    engine.correlate_message("newInvoiceMessage", business_key="23")
    assert len(engine.list_subscriptions()) == 1
    assert engine.is_ended(first)
    assert not engine.is_ended(second)
    engine.correlate_message("newInvoiceMessage", business_key="42")
    assert engine.list_subscriptions() == []
    assert engine.is_ended(second)


def test_correlating_to_two_waiting_instances_is_an_error(engine):
    engine.deploy("ReceiveTaskTest.singleReceiveTask.bpmn")
    engine.start("testProcess")
    engine.start("testProcess")
    with pytest.raises(MismatchingMessageCorrelation):
        engine.correlate_message("newInvoiceMessage")
    with pytest.raises(MismatchingMessageCorrelation):
        engine.correlate_message("noSuchMessage")


def test_receive_task_legacy_signal_removes_the_subscription(engine):
    engine.deploy("ReceiveTaskTest.singleReceiveTask.bpmn")
    instance = engine.start("testProcess")
    engine.trigger(instance.id)
    assert engine.list_subscriptions() == []
    assert engine.is_ended(instance)


def test_single_message_start_event(engine):
    engine.deploy("MessageStartEventTest.testSingleMessageStartEvent.bpmn")
    for instance in (
        engine.start_process_instance_by_message("newInvoiceMessage"),
        engine.start_process_instance("singleMessageStartEvent"),
    ):
        assert not engine.is_ended(instance)
        assert engine.task_names(process_instance_id=instance.id) == ["Task"]
        engine.complete_task(engine.only_task(process_instance_id=instance.id).id)
        assert engine.is_ended(instance)


def test_message_start_event_and_none_start_event(engine):
    engine.deploy("MessageStartEventTest.testMessageStartEventAndNoneStartEvent.bpmn")
    by_key = engine.start("testProcess")
    assert engine.only_task(process_instance_id=by_key.id).task_definition_key == (
        "taskAfterNoneStart"
    )
    by_message = engine.start_process_instance_by_message("newInvoiceMessage")
    task = engine.only_task(process_instance_id=by_message.id)
    assert task.task_definition_key == "taskAfterMessageStart"
    engine.complete_task(task.id)
    assert engine.is_ended(by_message)


def test_intermediate_message_catch(engine):
    engine.deploy("MessageIntermediateEventTest.testSingleIntermediateMessageEvent.bpmn")
    instance = engine.start("process")
    assert engine.active_activity_ids(instance) == ["messageCatch"]
    (subscription,) = engine.list_subscriptions()
    assert subscription.event_name == "newInvoiceMessage"
    engine.message_event_received("newInvoiceMessage", subscription.execution_id)
    assert engine.task_names() == ["Task"]


def test_message_boundary_event_cancels_the_task(engine):
    engine.deploy("MessageBoundaryEventTest.testSingleBoundaryMessageEvent.bpmn")
    instance = engine.start("process")
    assert engine.count_executions(instance) == 2
    (subscription,) = engine.list_subscriptions()
    engine.message_event_received("messageName", subscription.execution_id)
    task = engine.only_task()
    assert task.task_definition_key == "taskAfterMessage"
    engine.complete_task(task.id)
    assert engine.is_ended(instance)


def test_message_boundary_subscription_goes_when_the_task_completes(engine):
    engine.deploy("MessageBoundaryEventTest.testSingleBoundaryMessageEvent.bpmn")
    instance = engine.start("process")
    engine.complete("task")
    assert engine.list_subscriptions() == []
    task = engine.only_task()
    assert task.task_definition_key == "taskAfterTask"
    engine.complete_task(task.id)
    assert engine.is_ended(instance)


def test_interrupting_message_event_sub_process(engine):
    engine.deploy("MessageEventSubprocessTest.testInterruptingUnderProcessDefinition.bpmn")
    plain = engine.start("process")
    assert len(engine.list_subscriptions()) == 1
    assert engine.count_executions(plain) == 1
    engine.complete("task")
    assert engine.is_ended(plain)
    assert engine.list_subscriptions() == []
    instance = engine.start("process")
    engine.message_event_received("newMessage", instance.id)
    assert engine.only_task().task_definition_key == "eventSubProcessTask"
    engine.complete("eventSubProcessTask")
    assert engine.is_ended(instance)
    assert engine.list_subscriptions() == []


def test_non_interrupting_message_event_sub_process(engine):
    engine.deploy("MessageEventSubprocessTest.testNonInterruptingUnderProcessDefinition.bpmn")
    instance = engine.start("process")
    (subscription,) = engine.list_subscriptions()
    assert subscription.execution_id == instance.id
    engine.message_event_received("newMessage", instance.id)
    assert len(engine.list_tasks()) == 2
    engine.complete("task")
    assert not engine.is_ended(instance)
    assert engine.count_executions(instance) == 2
    engine.complete("eventSubProcessTask")
    assert engine.is_ended(instance)


def test_non_interrupting_event_sub_process_task_completed_first(engine):
    engine.deploy("MessageEventSubprocessTest.testNonInterruptingUnderProcessDefinition.bpmn")
    instance = engine.start("process")
    engine.message_event_received("newMessage", instance.id)
    engine.complete("eventSubProcessTask")
    assert not engine.is_ended(instance)
    assert engine.count_executions(instance) == 1
    engine.complete("task")
    assert engine.is_ended(instance)


# -- timers ---------------------------------------------------------------------------------


def test_intermediate_timer(engine):
    engine.deploy("IntermediateTimerEventTest.testCatchingTimerEvent.bpmn")
    instance = engine.start("intermediateTimerEventExample")
    assert len(engine.list_jobs()) == 1
    engine.move_clock(timedelta(minutes=50, seconds=5))
    engine.run_due_jobs()
    assert engine.list_jobs() == []
    assert engine.is_ended(instance)


def test_interrupting_boundary_timer(engine):
    engine.deploy("BoundaryTimerEventTest.testInterruptingTimerDuration.bpmn")
    engine.start("escalationExample")
    task = engine.only_task()
    assert (task.name, task.assignee) == ("First line support", "kermit")
    engine.run_all_jobs()
    task = engine.only_task()
    assert task.name == "Handle escalated issue"
    assert task.candidate_groups == ["management"]


def test_non_interrupting_timer_on_sub_process(engine):
    engine.deploy("BoundaryTimerNonInterruptingEventTest.testTimerOnEmbeddedSubprocess.bpmn")
    instance = engine.start("nonInterruptingTimerOnEmbeddedSubprocess")
    assert len(engine.list_tasks(assignee="kermit")) == 1
    engine.run_all_jobs()
    tasks = engine.list_tasks(assignee="kermit")
    assert len(tasks) == 2
    for task in tasks:
        engine.complete_task(task.id)
    assert engine.is_ended(instance)


def test_timer_start_cycle_with_limit(engine):
    engine.deploy("StartTimerEventTest.testCycleWithLimitStartTimerEvent.bpmn")
    assert len(engine.list_jobs()) == 1
    assert engine.running_instances() == []
    engine.move_clock(timedelta(minutes=5))
    engine.run_due_jobs()
    assert len(engine.running_instances()) == 1
    assert len(engine.list_jobs()) == 1
    engine.move_clock(timedelta(minutes=5))
    engine.run_due_jobs()
    assert len(engine.running_instances()) == 2
    assert engine.list_jobs() == []


def test_timer_start_cron_cycle_re_arms(engine):
    engine.deploy("StartTimerEventTest.testTimeCycle.bpmn")
    (job,) = engine.list_jobs()
    engine.execute_job(job.id)
    (next_job,) = engine.list_jobs()
    assert next_job.id != job.id
    (instance,) = engine.running_instances()
    assert engine.active_activity_ids(instance) == ["userTask"]


def test_timer_event_sub_process_interrupts(engine):
    engine.deploy("StartTimerEventTest.testStartTimerEventSubProcessWithUserTask.bpmn")
    instance = engine.start("startTimerEventSubProcessWithUserTask")
    assert len(engine.list_tasks()) == 1
    jobs = sorted(engine.list_jobs(), key=lambda j: j.due)
    assert len(jobs) == 2
    engine.execute_job(jobs[0].id)
    assert engine.list_jobs() == []
    assert engine.only_task().task_definition_key == "subprocessUserTask"
    assert not engine.is_ended(instance)


def test_non_interrupting_cycle_timer_event_sub_process_re_arms(engine):
    engine.deploy("StartTimerEventTest.testNonInterruptingTimeCycleInEventSubProcess.bpmn")
    engine.start("process")
    (job,) = engine.list_jobs()
    engine.execute_job(job.id)
    (next_job,) = engine.list_jobs()
    assert next_job.id != job.id
    assert sorted(t.task_definition_key for t in engine.list_tasks()) == ["userTask", "userTask2"]


# -- signals -----------------------------------------------------------------------------------


def test_signal_intermediate_catch_from_throwing_instance(engine):
    engine.deploy(
        "SignalEventTests.catchAlertSignal.bpmn", "SignalEventTests.throwAlertSignal.bpmn"
    )
    engine.start("catchSignal")
    assert len(engine.list_subscriptions(kind="signal")) == 1
    engine.start("throwSignal")
    assert engine.list_subscriptions() == []
    assert engine.running_instances() == []


def test_signal_start_event_by_broadcast(engine):
    engine.deploy("SignalEventTest.signalStartEvent.bpmn")
    engine.broadcast_signal("alert")
    assert len(engine.list_tasks()) == 1


def test_signal_start_event_from_throwing_instance(engine):
    engine.deploy("SignalEventTest.signalStartEvent.bpmn", "SignalEventTests.throwAlertSignal.bpmn")
    engine.start("throwSignal")
    assert len(engine.list_tasks()) == 1


def test_signal_boundary_on_sub_process_cancels_timer(engine):
    engine.deploy("SignalEventTest.testSignalBoundaryOnSubProcess.bpmn")
    instance = engine.start("signalEventOnSubprocess")
    assert len(engine.list_jobs()) == 1
    engine.broadcast_signal("stopSignal")
    assert engine.list_jobs() == []
    assert engine.is_ended(instance)


# -- errors and escalation -------------------------------------------------------------------


def test_error_end_event_caught_by_catch_all_boundary(engine):
    engine.deploy("BoundaryErrorEventTest.testCatchErrorOnEmbeddedSubprocess.bpmn")
    engine.start("boundaryErrorOnEmbeddedSubprocess")
    assert engine.task_names() == ["subprocessTask"]
    engine.complete("subprocessTask")
    assert engine.task_names() == ["task after catching the error"]


def test_error_boundary_sets_error_code_variable(engine):
    engine.deploy("BoundaryErrorEventTest.testCatchErrorOnSubprocessSetsErrorVariables.bpmn")
    instance = engine.start("Process_1")
    assert engine.get_variable(instance, "errorVariable") == "error1"
    assert engine.active_activity_ids(instance) == ["UserTask_1"]


def test_error_event_sub_process_inside_sub_process(engine):
    engine.deploy("ErrorEventSubProcessTest.testCatchErrorInEmbeddedSubProcess.bpmn")
    instance = engine.start("CatchErrorInEmbeddedSubProcess")
    assert engine.task_names() == ["Escalated Task"]
    engine.complete("Escalated Task")
    assert engine.is_ended(instance)


def test_error_code_takes_precedence_over_catch_all(engine):
    engine.deploy("ErrorEventSubProcessTest.testErrorCodeTakesPrecedence.bpmn")
    instance = engine.start("CatchErrorInEmbeddedSubProcess")
    task = engine.only_task()
    assert (task.task_definition_key, task.name) == ("taskAfterErrorCatch2", "Escalated Task")
    engine.complete_task(task.id)
    assert engine.is_ended(instance)


def test_interrupting_escalation_boundary(engine):
    engine.deploy("EscalationEventTest.testInterruptingEscalationBoundaryEvent.bpmn")
    engine.start("escalationProcess")
    assert engine.task_names() == ["task after catched escalation"]


def test_escalation_end_event_non_interrupting_boundary(engine):
    engine.deploy("EscalationEventTest.testEscalationEndEvent.bpmn")
    engine.start("escalationProcess")
    assert engine.task_names() == ["task after catched escalation"]


def test_non_interrupting_escalation_event_sub_process_triggered_twice(engine):
    engine.deploy(
        "EscalationEventSubprocessTest.testNonInterruptingEscalationTriggeredTwiceByIntermediateEvent.bpmn"
    )
    engine.start("escalationProcess")
    keys = sorted(t.task_definition_key for t in engine.list_tasks())
    assert keys == ["FirstTaskInMainprocess", "TaskInSubprocess"]
    engine.complete("FirstTaskInMainprocess")
    keys = sorted(t.task_definition_key for t in engine.list_tasks())
    assert keys == ["SecondTaskInMainprocess", "TaskInSubprocess", "TaskInSubprocess"]


# -- conditional and link events ---------------------------------------------------------------


def test_intermediate_conditional_event(engine):
    engine.deploy("IntermediateConditionalEventTest.testVariableValue.bpmn")
    instance = engine.start("conditionalEventProcess", variable=0)
    assert engine.active_activity_ids(instance) == ["conditionalEvent"]
    assert len(engine.list_subscriptions(kind="conditional")) == 1
    execution = engine.execution_waiting_at(instance, "conditionalEvent")
    engine.set_variables(execution, {"variable": 1})
    assert engine.is_ended(instance)
    assert engine.list_subscriptions() == []


def test_non_interrupting_conditional_boundary(engine):
    engine.deploy("BoundaryConditionalEventTest.testNonInterruptingVariableCondition.bpmn")
    instance = engine.start("conditionalEventProcess")
    engine.set_variables(instance.id, {"variable": 1})
    assert engine.task_names() == ["After Condition", "Task with condition"]


def test_conditional_event_sub_process_interrupts(engine):
    engine.deploy("EventSubProcessStartConditionalEventTest.testVariableCondition.bpmn")
    instance = engine.start("conditionalEventProcess")
    assert engine.task_names() == ["Before Condition"]
    engine.set_variables(instance.id, {"variable": 1})
    assert engine.task_names() == ["After Condition"]


def test_conditional_start_event(engine):
    engine.deploy("ConditionalStartEventTest.testSingleConditionalStartEvent.bpmn")
    # one definition-level subscription, no execution
    [(_definition_id, activity_id)] = engine.conditional_start_events()
    assert activity_id == "StartEvent_1"
    assert engine.evaluate_start_conditions(foo=2) == []  # the condition does not hold
    assert engine.evaluate_start_conditions(bar=1) == []  # a variable it does not know
    [instance] = engine.evaluate_start_conditions(foo=1)
    assert engine.get_typed_variable(instance, "foo") == TypedValue("Integer", 1)
    assert engine.active_activity_ids(instance) == ["Task_1k67omn"]
    [task] = engine.list_tasks(process_instance_id=instance.id)
    assert task.name == "User task"


def test_evaluating_start_conditions_without_any_conditional_start_is_an_error(engine):
    engine.deploy("LinkEventTest.testValidEventLink.bpmn")
    with pytest.raises(ProcessEngineError, match="No subscriptions were found during evaluation"):
        engine.evaluate_start_conditions(foo=1)


def test_link_events(engine):
    engine.deploy("LinkEventTest.testValidEventLink.bpmn")
    instance = engine.start("linkEventValid")
    assert engine.active_activity_ids(instance) == ["waitAfterLink1"]
    engine.trigger(instance.id)
    assert engine.active_activity_ids(instance) == ["waitAfterLink2"]
    engine.trigger(instance.id)
    assert engine.is_ended(instance)
    assert engine.historic_activity_ids(instance) == [
        "EndEvent_1",
        "StartEvent_1",
        "waitAfterLink1",
        "waitAfterLink2",
    ]


def test_two_link_throws_to_one_catch(engine):
    engine.deploy("LinkEventTest.testEventLinkMultipleSources.bpmn")
    instance = engine.start("linkEventValid")
    assert engine.active_activity_ids(instance) == ["WaitAfterLink", "WaitAfterLink"]
    engine.delete_process_instance(instance.id)
    assert engine.historic_activity_ids(instance) == [
        "ManualTask_1",
        "ParallelGateway_1",
        "StartEvent_1",
        "WaitAfterLink",
        "WaitAfterLink",
    ]
