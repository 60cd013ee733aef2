"""CASES.md section 1: start/end events and gateways."""

from __future__ import annotations

from datetime import timedelta


def test_terminate_end_event_ends_the_whole_instance(engine):
    engine.deploy("TerminateEndEventTest.testProcessTerminate.bpmn")
    instance = engine.start("terminateEndEventExample")
    assert len(engine.list_tasks()) == 2
    assert engine.count_executions(instance) == 3
    engine.complete("preTerminateTask")
    assert engine.is_ended(instance)
    assert engine.list_tasks() == []


def test_terminate_in_sub_process_ends_only_the_sub_process(engine):
    engine.deploy("TerminateEndEventTest.testTerminateInSubProcess.bpmn")
    instance = engine.start("terminateEndEventExample")
    assert engine.active_activity_ids(instance) == ["preNormalEnd"]
    assert engine.count_executions(instance) == 1
    engine.complete("preNormalEnd")
    assert engine.is_ended(instance)


def test_diverging_exclusive_gateway_picks_the_matching_task(engine):
    engine.deploy("ExclusiveGatewayTest.testDivergingExclusiveGateway.bpmn")
    for i in (1, 2, 3):
        instance = engine.start("exclusiveGwDiverging", input=i)
        assert engine.task_names() == [f"Task {i}"]
        engine.delete_process_instance(instance.id)


def test_exclusive_gateway_takes_the_default_flow_when_nothing_matches(engine):
    engine.deploy("ExclusiveGatewayTest.testDefaultSequenceFlow.bpmn")
    first = engine.start("exclusiveGwDefaultSequenceFlow", input=1)
    assert engine.task_names(process_instance_id=first.id) == ["Input is one"]
    second = engine.start("exclusiveGwDefaultSequenceFlow", input=5)
    assert engine.task_names(process_instance_id=second.id) == ["Default input"]


def test_exclusive_gateway_loop_with_many_iterations_runs_without_recursion(engine):
    engine.deploy("ExclusiveGatewayTest.testLoopWithManyIterations.bpmn")
    instance = engine.start("testProcess", numOfIterations=1000)
    assert engine.is_ended(instance)


def test_parallel_fork_join(engine):
    engine.deploy("ParallelGatewayTest.testForkJoin.bpmn")
    engine.start("forkJoin")
    assert engine.task_names() == ["Receive Payment", "Ship Order"]
    engine.complete("Receive Payment")
    engine.complete("Ship Order")
    assert engine.task_names() == ["Archive Order"]


def test_nested_parallel_fork_join(engine):
    engine.deploy("ParallelGatewayTest.testNestedForkJoin.bpmn")
    instance = engine.start("nestedForkJoin")

    def direct_children() -> int:
        return len(engine.activity_tree(instance).children)

    assert engine.task_names() == ["Task 0"]
    assert direct_children() == 1
    engine.complete("Task 0")
    assert engine.task_names() == ["Task A", "Task B"]
    assert direct_children() == 2
    engine.complete("Task A")
    assert engine.task_names() == ["Task B"]
    assert direct_children() == 2  # the join waits
    engine.complete("Task B")
    assert engine.task_names() == ["Task B1", "Task B2"]
    assert direct_children() == 3
    engine.complete("Task B1")
    engine.complete("Task B2")
    assert engine.task_names() == ["Task C"]
    assert direct_children() == 1


def test_diverging_inclusive_gateway_takes_every_true_flow(engine):
    engine.deploy("InclusiveGatewayTest.testDivergingInclusiveGateway.bpmn")
    expected = {1: ["Task 1", "Task 2", "Task 3"], 2: ["Task 2", "Task 3"], 3: ["Task 3"]}
    for i, names in expected.items():
        instance = engine.start("inclusiveGwDiverging", input=i)
        assert engine.task_names(process_instance_id=instance.id) == names


def test_inclusive_gateway_default_flow(engine):
    engine.deploy("InclusiveGatewayTest.testDefaultSequenceFlow.bpmn")
    a = engine.start("inclusiveGwDefaultSequenceFlow", input=1)
    assert engine.task_names(process_instance_id=a.id) == ["Input is one", "Input is three or one"]
    b = engine.start("inclusiveGwDefaultSequenceFlow", input=3)
    assert engine.task_names(process_instance_id=b.id) == ["Input is three or one"]
    c = engine.start("inclusiveGwDefaultSequenceFlow", input=5)
    assert engine.task_names(process_instance_id=c.id) == ["Default input"]


def test_merging_inclusive_gateway_merges_conditional_flows_from_start(engine):
    engine.deploy("InclusiveGatewayTest.testMergingInclusiveGateway.bpmn")
    engine.start("inclusiveGwMerging", input=2)
    assert engine.task_names() == ["my task"]


def test_event_based_gateway_message_wins(engine):
    engine.deploy("EventBasedGatewayTest.testCatchSignalAndMessageAndTimer.bpmn")
    instance = engine.start("catchSignal")
    subscriptions = engine.list_subscriptions()
    assert sorted(s.kind for s in subscriptions) == ["message", "signal"]
    assert len({s.execution_id for s in subscriptions}) == 1
    assert len(engine.list_jobs()) == 1
    engine.move_clock(timedelta(seconds=10))
    message = next(s for s in subscriptions if s.kind == "message")
    engine.message_event_received("newInvoice", message.execution_id)
    assert engine.list_subscriptions() == []
    assert engine.list_jobs() == []
    task = engine.only_task()
    assert (task.name, task.task_definition_key, task.assignee) == (
        "afterMessage",
        "task3",
        "kermit",
    )
    assert not engine.is_ended(instance)


def test_event_based_gateway_signal_from_another_instance_cancels_timer(engine):
    engine.deploy(
        "EventBasedGatewayTest.testCatchAlertAndTimer.bpmn",
        "SignalEventTests.throwAlertSignal.bpmn",
    )
    engine.start("catchSignal")
    assert len(engine.list_subscriptions()) == 1
    assert len(engine.list_jobs()) == 1
    engine.start("throwSignal")
    assert engine.list_subscriptions() == []
    assert engine.list_jobs() == []
    assert len(engine.running_instances()) == 1
    assert engine.task_names() == ["afterSignal"]


def test_event_based_gateway_timer_cancels_signal(engine):
    engine.deploy("EventBasedGatewayTest.testCatchAlertAndTimer.bpmn")
    engine.start("catchSignal")
    engine.move_clock(timedelta(seconds=10))
    assert engine.run_due_jobs() == 1
    assert engine.list_subscriptions() == []
    assert engine.list_jobs() == []
    assert len(engine.running_instances()) == 1
    assert engine.task_names() == ["afterTimer"]
