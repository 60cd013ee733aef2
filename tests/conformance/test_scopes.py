"""CASES.md sections 8-11 and 14: sub-processes, call activities, multi-instance,
input/output mappings, compensation, example models."""

from __future__ import annotations

from engine.runtime.values import TypedValue

from .conftest import MODELS


def test_simple_sub_process(engine):
    engine.deploy("SubProcessTest.testSimpleSubProcess.bpmn")
    instance = engine.start("simpleSubProcess")
    assert engine.task_names() == ["Task in subprocess"]
    assert engine.active_activity_ids(instance) == ["subProcessTask"]
    (sub,) = engine.activity_tree(instance).children
    assert sub.activity_id == "subProcess"
    assert [c.activity_id for c in sub.children] == ["subProcessTask"]
    engine.complete("Task in subprocess")
    assert engine.is_ended(instance)


def test_nested_sub_processes(engine):
    engine.deploy("SubProcessTest.testNestedSimpleSubProcess.bpmn")
    doomed = engine.start("nestedSimpleSubProcess", someVar="abc")
    engine.delete_process_instance(doomed.id)
    assert engine.is_ended(doomed)
    instance = engine.start("nestedSimpleSubProcess")
    assert engine.activity_tree(instance).activity_ids() == [
        "innerSubProcess",
        "innerSubProcessTask",
        "outerSubProcess",
    ]
    engine.complete("Task in subprocess")
    assert engine.task_names() == ["Task after subprocesses"]
    engine.complete("Task after subprocesses")
    assert engine.is_ended(instance)


def test_call_activity_with_data_input_output(engine):
    engine.deploy("CallActivity.testSubProcessDataInputOutput.bpmn", "simpleSubProcess.bpmn")
    instance = engine.start(
        "subProcessDataInputOutput", superVariable="Hello from the super process."
    )
    child = engine.only_task()
    assert child.process_instance_id != instance.id
    assert engine.get_variable(child.process_instance_id, "subVariable") == (
        "Hello from the super process."
    )
    engine.set_variables(child.process_instance_id, {"subVariable": "Hello from sub process."})
    assert engine.get_variable(instance, "superVariable") == "Hello from the super process."
    engine.complete_task(child.id)
    assert engine.task_names() == ["Task in super process"]
    assert engine.get_variable(instance, "superVariable") == "Hello from sub process."
    engine.complete("Task in super process", x=TypedValue("Long", 5))
    second_child = engine.only_task()
    assert engine.get_typed_variable(second_child.process_instance_id, "y") == (
        TypedValue("Long", 10)
    )
    engine.complete_task(second_child.id)
    assert engine.get_typed_variable(instance, "z") == TypedValue("Long", 15)
    engine.complete("Task in super process")
    assert engine.is_ended(instance)


def test_call_activity_with_all_variables(engine):
    engine.deploy("CallActivity.testSubProcessAllDataInputOutput.bpmn", "simpleSubProcess.bpmn")
    instance = engine.start(
        "subProcessAllDataInputOutput",
        superVariable="Hello from the super process.",
        testVariable="Only a test.",
    )
    engine.complete("Task before subprocess")
    child = engine.only_task()
    assert engine.get_variable(child.process_instance_id, "testVariable") == "Only a test."
    engine.set_variables(
        child.process_instance_id,
        {
            "superVariable": "Hello from sub process.",
            "testVariable": "Variable changed in sub process.",
        },
    )
    engine.complete_task(child.id)
    assert engine.get_variable(instance, "superVariable") == "Hello from sub process."
    assert engine.get_variable(instance, "testVariable") == "Variable changed in sub process."
    engine.complete("Task after subprocess")
    assert engine.is_ended(instance)


def test_sequential_multi_instance_user_tasks(engine):
    engine.deploy("MultiInstanceTest.sequentialUserTasks.bpmn")
    instance = engine.start("miSequentialUserTasks", nrOfLoops=3)
    (body,) = engine.activity_tree(instance).children
    assert body.activity_id == "miTasks#multiInstanceBody"
    assert [c.activity_id for c in body.children] == ["miTasks"]
    for i in range(3):
        task = engine.only_task()
        assert (task.name, task.assignee) == ("My Task", f"kermit_{i}")
        engine.complete_task(task.id)
    assert engine.is_ended(instance)


def test_parallel_multi_instance_over_collection_with_completion_condition(engine):
    engine.deploy("MultiInstanceTest.testParallelUserTasksBasedOnCollection.bpmn")
    people = ["kermit", "gonzo", "mispiggy", "fozzie", "bubba"]
    instance = engine.start("miParallelUserTasksBasedOnCollection", assigneeList=people)
    tasks = engine.list_tasks()
    assert sorted(t.assignee for t in tasks) == sorted(people)
    for task in tasks[:3]:
        engine.complete_task(task.id)
    assert engine.list_tasks() == []
    assert engine.is_ended(instance)


def test_sequential_multi_instance_with_camunda_collection(engine):
    engine.deploy("MultiInstanceTest.testParallelUserTasksCustomExtensions.bpmn")
    engine.start("miSequentialUserTasks", assigneeList=["kermit", "gonzo", "fozzie"])
    for name in ("kermit", "gonzo", "fozzie"):
        task = engine.only_task()
        assert task.assignee == name
        engine.complete_task(task.id)


def test_sequential_multi_instance_sub_process(engine):
    engine.deploy("MultiInstanceTest.testSequentialSubProcess.bpmn")
    instance = engine.start("miSequentialSubprocess")
    for round_ in range(4):
        assert engine.task_names() == ["task one", "task two"]
        engine.complete("task one")
        engine.complete("task two")
        if round_ < 3:
            assert len(engine.active_activity_ids(instance)) == 2
    assert engine.is_ended(instance)


def test_nested_input_mapping(engine):
    engine.deploy("InputOutputTest.testInputNested.bpmn")
    instance = engine.start("testProcess", exprKey="b")
    local = engine.local_variables(instance, "wait")
    assert local["var1"] == {"a": ["stringInListNestedInMap", "b"], "b": "stringValueWithExprKey"}
    assert local["var2"] == "stringConstantValue"


def test_sub_process_input_output(engine):
    engine.deploy("InputOutputTest.testSubprocessIoSupport.bpmn")
    instance = engine.start("testProcess", processVar="value")
    assert engine.local_variables(instance, "SubProcess_1") == {"innerVar": "value"}
    engine.complete("subprocessTask")
    assert engine.get_variable(instance, "outerVar") == "value"


def test_output_mapping_of_el_values(engine):
    engine.deploy("InputOutputTest.testOutputMultipleElValue.bpmn")
    instance = engine.start("testProcess")
    assert engine.get_typed_variable(instance, "var1") == TypedValue("Long", 2)
    assert engine.get_typed_variable(instance, "var2") == TypedValue("Long", 3)
    assert engine.active_activity_ids(instance) == ["wait"]


def test_compensation_throw_runs_handler(engine):
    engine.deploy("CompensateEventTest.testCompensateActivityInSubprocess.bpmn")
    instance = engine.start("compensateProcess")
    engine.complete("scopeTask")
    engine.trigger(engine.execution_waiting_at(instance, "beforeCompensate"))
    assert engine.only_task().task_definition_key == "undoScopeTask"
    engine.complete("undoScopeTask")
    assert engine.active_activity_ids(instance) == ["beforeEnd"]
    engine.trigger(engine.execution_waiting_at(instance, "beforeEnd"))
    assert engine.is_ended(instance)


def test_compensation_end_event(engine):
    engine.deploy("CompensateEventTest.activityWithCompensationEndEvent.bpmn")
    instance = engine.start("compensateProcess")
    tree = engine.activity_tree(instance)
    assert sorted(c.activity_id for c in tree.children) == ["end", "undoBookHotel"]
    assert "undoBookFlight" not in engine.active_activity_ids(instance)
    engine.complete("undoBookHotel")
    assert engine.is_ended(instance)


def test_compensation_event_sub_process(engine):
    engine.deploy("CompensateEventTest.testCompensationEventSubProcess.bpmn")
    instance = engine.start("bookingProcess")
    engine.complete("Book Flight")
    engine.complete("Book Hotel")
    engine.complete("Validate Booking", valid=False)
    assert engine.task_names() == ["Cancel Flight"]
    engine.complete("Cancel Flight")
    assert engine.task_names() == ["Cancel Hotel"]
    engine.complete("Cancel Hotel")
    assert engine.task_names() == ["Update Customer Record"]
    engine.complete("Update Customer Record")
    assert engine.is_ended(instance)


def _transaction_case(engine, cancel_tx, compensate):
    engine.deploy("TransactionSubProcessTest.testCompensateSubprocess.bpmn")
    instance = engine.start("txProcess")
    engine.complete("innerTask")
    engine.set_variables(instance.id, {"cancelTx": cancel_tx, "compensate": compensate})
    engine.complete("beforeCancel")
    return instance


def test_transaction_cancel_and_compensation(engine):
    instance = _transaction_case(engine, cancel_tx=True, compensate=False)
    assert engine.only_task().task_definition_key == "undoInnerTask"
    engine.complete("undoInnerTask")
    assert engine.only_task().task_definition_key == "afterCancel"
    engine.complete("afterCancel")
    assert engine.is_ended(instance)


def test_transaction_completed_without_cancel_compensates_nothing(engine):
    instance = _transaction_case(engine, cancel_tx=False, compensate=False)
    assert engine.only_task().task_definition_key == "afterTx"
    engine.complete("afterTx")
    assert engine.is_ended(instance)


def test_transaction_compensated_after_it_completed(engine):
    instance = _transaction_case(engine, cancel_tx=False, compensate=True)
    assert engine.only_task().task_definition_key == "afterTx"
    engine.complete("afterTx")
    assert engine.only_task().task_definition_key == "undoInnerTask"
    engine.complete("undoInnerTask")
    assert engine.is_ended(instance)


def test_transaction_with_compensation_event_sub_process(engine):
    engine.deploy("TransactionSubProcessTest.testCompensateTransactionWithEventSubprocess.bpmn")
    instance = engine.start("txProcess")
    engine.complete("beforeCancelEnd")
    assert engine.only_task().task_definition_key == "blackBoxCompensationHandler"
    (tx,) = engine.activity_tree(instance).children
    assert tx.activity_id == "tx"
    assert sorted(c.activity_id for c in tx.children) == ["cancelEnd", "innerSubProcess"]
    inner = next(c for c in tx.children if c.activity_id == "innerSubProcess")
    assert sorted(c.activity_id for c in inner.children) == [
        "blackBoxCompensationHandler",
        "eventSubProcess",
    ]
    esp = next(c for c in inner.children if c.activity_id == "eventSubProcess")
    assert [c.activity_id for c in esp.children] == ["eventSubProcessThrowCompensation"]
    engine.complete("blackBoxCompensationHandler")
    assert engine.is_ended(instance)


def test_loan_granting_example(engine):
    engine.deploy("loan-granting.bpmn")
    engine.run_all_jobs()
    (external,) = engine.list_external_tasks(topic="creditScoreChecker")
    # The JavaScript input parameter set it (execution.setVariable("defaultScore", 5)).
    default_score = engine.get_typed_variable(external.process_instance_id, "defaultScore")
    assert (default_score.type, default_score.value) == ("Integer", 5)
    scores = [default_score.value, 9, 1, 4, 10]
    engine.complete_external_task(external.id, {"creditScores": scores})
    assert len(engine.list_external_tasks(topic="loanGranter")) == 2
    assert len(engine.list_external_tasks(topic="requestRejecter")) == 3


def test_order_handling_example_conditional_boundary_on_sub_process(engine):
    engine.deploy("order-handling.bpmn")
    (job,) = engine.list_jobs()
    engine.execute_job(job.id)
    (instance,) = engine.running_instances()
    (external,) = engine.list_external_tasks(topic="invoiceCreator")
    engine.complete_external_task(external.id, {"invoiceId": "A123", "invoice": {"id": "A123"}})
    (archiver,) = engine.list_external_tasks()
    assert archiver.topic == "invoiceArchiver"
    engine.complete_external_task(archiver.id)
    assert engine.is_ended(instance)
    state = engine.store.get_state(instance)
    assert state.end_activity_id == "EndEvent_0q2wrcp"


def test_miwg_reference_models_deploy_only_their_executable_processes(engine):
    deployed = {}
    for path in sorted((MODELS / "miwg").glob("*.bpmn")):
        definitions = engine.engine.deploy({path.name: path.read_bytes()})
        deployed[path.name] = [d.key for d in definitions]
    assert deployed["C.1.0.bpmn"] == ["bpmn-miwg-test-case-c.1.0"]
    assert all(keys == [] for name, keys in deployed.items() if name != "C.1.0.bpmn")
