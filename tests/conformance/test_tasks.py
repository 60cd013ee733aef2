"""CASES.md sections 2 and 3: user tasks, listeners, service/script/external tasks, async."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from engine.el import ElObject
from engine.runtime.errors import BpmnError
from engine.runtime.values import TypedValue


def test_user_task_properties(engine):
    engine.deploy("UserTaskTest.testTaskPropertiesNotNull.bpmn")
    instance = engine.start("oneTaskProcess")
    task = engine.only_task()
    assert task.name == "my task"
    assert task.description == "Very important"
    assert task.assignee == "kermit"
    assert task.priority == 50
    assert task.candidate_users == ["fozzie", "gonzo"]
    assert task.candidate_groups == ["management"]
    assert task.process_instance_id == instance.id
    assert task.execution_id == instance.id


def test_candidate_groups_extension(engine):
    engine.deploy("TaskAssignmentExtensionsTest.testCandidateGroupsExtension.bpmn")
    engine.start("candidateGroupsExtension")
    memberships = {"kermit": ["management", "accountancy"], "fozzie": ["management"]}
    for user, groups in memberships.items():
        visible = {t.id for g in groups for t in engine.list_tasks(candidate_group=g)}
        assert len(visible) == 1, user
    assert len(engine.list_tasks(candidate_group="management")) == 1
    assert len(engine.list_tasks(candidate_group="accountancy")) == 1


def test_form_data_built_in_types(engine):
    engine.deploy("FormDataTest.testGetFormFieldBuiltInTypes.bpmn")
    engine.start("FormDataTest.testGetFormFieldBuiltInTypes")
    fields = engine.get_task_form_fields(engine.only_task().id)
    assert [(f.id, f.type) for f in fields] == [
        ("stringField", "string"),
        ("longField", "long"),
        ("booleanField", "boolean"),
        ("dateField", "date"),
        ("enumField", "enum"),
    ]
    defaults = [f.default_value for f in fields]
    assert defaults[:3] == ["someString", 1, True]
    assert (defaults[3].year, defaults[3].month, defaults[3].day) == (2013, 1, 10)
    assert fields[4].values == {"a": "A", "b": "B", "c": "C"}


@pytest.fixture
def java_listener_stubs(delegates: dict[str, Any]) -> None:
    prefix = "org.camunda.bpm.engine.test.bpmn.tasklistener.util."
    for name in ("TaskCreateListener", "TaskCompleteListener", "TaskDeleteListener"):
        delegates[prefix + name] = lambda task: None


@pytest.mark.usefixtures("java_listener_stubs")
def test_task_listener_with_expression_sets_a_variable(engine):
    engine.deploy("TaskListenerTest.bpmn")
    instance = engine.start("taskListenerProcess")
    assert engine.get_variable(instance, "greeting2") is None
    engine.complete("task1")
    assert engine.task_names() == ["Write meeting notes"]
    assert engine.get_variable(instance, "greeting2") == "Write meeting notes"
    assert not engine.is_ended(instance)


def test_script_task_listeners(engine):
    engine.deploy("TaskListenerTest.testScriptListener.bpmn")
    instance = engine.start("process")
    assert engine.get_variable(instance, "create") is True
    task = engine.only_task()
    engine.set_assignee(task.id, "test")
    assert engine.get_variable(instance, "assignment") is True
    engine.complete_task(task.id)
    assert engine.get_variable(instance, "complete") is True
    assert engine.only_task().task_definition_key == "task2"
    engine.delete_process_instance(instance.id)
    assert engine.historic_variables(instance)["delete"] is True


def test_script_execution_listeners(engine):
    engine.deploy("ExecutionListenerTest.testScriptListener.bpmn")
    instance = engine.start("process")
    assert engine.is_ended(instance)
    assert engine.historic_variables(instance) == {
        "start-start": True,
        "start-end": True,
        "start-take": True,
        "end-start": True,
        "end-end": True,
    }


def test_async_before_and_after_service_task(engine):
    engine.deploy("AsyncAfterTest.testAsyncAfterAndBeforeServiceTask.bpmn")
    instance = engine.start("testProcess")
    for name in ("listenerStartInvoked", "behaviorInvoked", "listenerEndInvoked"):
        assert engine.get_variable(instance, name) is None
    assert len(engine.list_jobs()) == 1
    engine.run_all_jobs()
    for name in ("listenerStartInvoked", "behaviorInvoked", "listenerEndInvoked"):
        assert engine.get_variable(instance, name) is True
    assert len(engine.list_jobs()) == 1
    engine.run_all_jobs()
    assert engine.is_ended(instance)


def test_async_juel_script_then_signal(engine):
    engine.deploy("AsyncTaskTest.testAsyncScript.bpmn")
    instance = engine.start("asyncScript")
    assert len(engine.list_jobs()) == 1
    assert engine.get_variable(instance, "invoked") is None
    engine.run_all_jobs()
    assert engine.list_jobs() == []
    assert engine.get_variable(instance, "invoked") == "true"
    engine.trigger(engine.execution_waiting_at(instance, "wait"))
    assert engine.is_ended(instance)


def test_expression_service_task_result_variable(engine):
    engine.deploy("ExpressionServiceTaskTest.testSetServiceResultToProcessVariables.bpmn")
    instance = engine.start("setServiceResultToProcessVariables", bean={"value": "ok"})
    assert engine.get_variable(instance, "result") == "ok"
    assert engine.active_activity_ids(instance) == ["waitState"]


def test_juel_script_result_variable(engine):
    engine.deploy("ScriptTaskTest.testSetScriptResultToProcessVariable.bpmn")
    instance = engine.start(
        "setScriptResultToProcessVariable", echo="hello", existingProcessVariableName="one"
    )
    assert engine.get_variable(instance, "existingProcessVariableName") == "hello"
    assert engine.get_variable(instance, "newProcessVariableName") == instance.id
    assert engine.task_names() == ["keep-alive task"]


@pytest.mark.environment(auto_store_script_variables=True)
def test_groovy_script_task(engine):
    engine.deploy("ScriptTaskTest.testGroovyScriptExecution.bpmn")
    instance = engine.start("scriptExecution", inputArray=[1, 2, 3, 4, 5])
    assert engine.get_typed_variable(instance, "sum") == TypedValue("Integer", 15)
    assert engine.active_activity_ids(instance) == ["theTask"]


def test_external_task_bpmn_error_is_caught_by_boundary(engine):
    engine.deploy("twoExternalTaskProcess.bpmn")
    engine.start("twoExternalTaskProcess")
    (external,) = engine.list_external_tasks(topic="externalTaskTopic")
    engine.handle_bpmn_error(external.id, "ERROR-OCCURED")
    assert engine.list_external_tasks() == []
    assert engine.only_task().task_definition_key == "afterBpmnError"


def test_external_task_complete_moves_on(engine):
    engine.deploy("twoExternalTaskProcess.bpmn")
    instance = engine.start("twoExternalTaskProcess")
    (external,) = engine.list_external_tasks(topic="externalTaskTopic")
    engine.complete_external_task(external.id)
    assert engine.list_external_tasks(topic="externalTaskTopic") == []
    assert engine.activity_tree(instance).activity_ids() == ["afterExternalTask"]


def test_external_task_topic_expression(engine):
    engine.deploy("ExternalTaskParseTest.testParseExternalTaskWithExpressionTopic.bpmn")
    engine.start("oneExternalTaskWithExpressionTopicProcess", topicName="testTopicExpression")
    assert [x.topic for x in engine.list_external_tasks()] == ["testTopicExpression"]


class _ErrorBean(ElObject):
    EL_METHODS: ClassVar[dict[str, str]] = {"getDelegate": "get_delegate"}

    def get_delegate(self) -> Any:
        def delegate(execution: Any) -> None:
            raise BpmnError("23")

        return delegate


@pytest.fixture
def error_bean(beans: dict[str, object]) -> None:
    beans["bpmnErrorBean"] = _ErrorBean()


@pytest.mark.usefixtures("error_bean")
def test_bpmn_error_from_delegate_expression_is_caught(engine):
    engine.deploy(
        "BoundaryErrorEventTest.testCatchErrorThrownByDelegateExpressionOnServiceTask.bpmn"
    )
    instance = engine.start("testCatchErrorThrownByDelegateExpressionOnServiceTask")
    assert engine.task_names() == ["Escalated Task"]
    engine.complete("Escalated Task")
    assert engine.is_ended(instance)


def test_business_rule_task_evaluates_decision(engine):
    engine.deploy(
        "DmnBusinessRuleTaskTest.testDecisionRef.bpmn",
        "DmnBusinessRuleTaskTest.testDecisionOkay.dmn",
    )
    instance = engine.start("testProcess")
    assert engine.get_variable(instance, "result") == "okay"
    # ... and the instance waits at the asyncBefore job of the end event
    (job,) = engine.list_jobs(process_instance_id=instance.id)
    assert job.activity_id == "end"
    assert not engine.is_ended(instance)
