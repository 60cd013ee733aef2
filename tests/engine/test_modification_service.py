"""Process instance modification through the service API, on the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import AuthorizationError, BadRequestError, EngineError, NotFoundError
from engine.models import (
    HistoricActivityInstance,
    HistoricProcessInstance,
    ProcessInstance,
    Task,
    UserOperationLog,
    VariableInstance,
)
from engine.runtime.modification import CancelActivity, StartBefore
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from engine.services.modification import modify_process_instance, preview_modification
from engine.services.suspension import suspend_process_instance

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]

FIXTURE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "bpmn" / "runtime" / "modification.bpmn"
)


@pytest.fixture
def instance_id() -> str:
    deploy([ResourceInput("modification.bpmn", FIXTURE.read_bytes())], user_id="demo")
    return rt.start_process_instance("modification", user_id="demo").id


def task_names(instance_id: str) -> list[str]:
    return sorted(
        Task.objects.filter(process_instance_id=instance_id).values_list("name", flat=True)
    )


def test_moving_a_token_changes_tasks_and_history_in_one_go(instance_id):
    modify_process_instance(
        instance_id,
        [StartBefore("inner", variables={"fixed": 1}), CancelActivity("first")],
        user_id="demo",
    )
    assert task_names(instance_id) == ["Inner"]
    first = HistoricActivityInstance.objects.get(activity_id="first")
    assert first.canceled
    assert first.end_time is not None
    assert HistoricActivityInstance.objects.filter(activity_id="sub", end_time=None).exists()
    assert VariableInstance.objects.filter(name="fixed", process_instance_id=instance_id).exists()


def test_the_operation_log_names_each_instruction_and_keeps_the_annotation(instance_id):
    modify_process_instance(
        instance_id,
        [StartBefore("second"), CancelActivity("first")],
        annotation="ticket 42: first step hangs",
        user_id="demo",
    )
    rows = UserOperationLog.objects.filter(operation_type="ModifyProcessInstance")
    assert [(r.property, r.new_value) for r in rows.order_by("pk")] == [
        ("instruction", "Start before activity 'second'"),
        ("instruction", "Cancel all instances of activity 'first'"),
    ]
    assert {(r.entity_type, r.annotation, r.user_id, r.process_instance_id) for r in rows} == {
        ("ProcessInstance", "ticket 42: first step hangs", "demo", instance_id)
    }


def test_cancelling_everything_ends_the_instance_externally_terminated(instance_id):
    modify_process_instance(instance_id, [CancelActivity("first")], user_id="demo")
    assert not ProcessInstance.objects.filter(pk=instance_id).exists()
    historic = HistoricProcessInstance.objects.get(pk=instance_id)
    assert historic.state == "EXTERNALLY_TERMINATED"
    assert historic.delete_reason == "Cancellation due to process instance modification"


def test_a_refused_instruction_changes_nothing(instance_id):
    with pytest.raises(BadRequestError, match=r"instruction 2 .*'missing' does not exist"):
        modify_process_instance(
            instance_id, [CancelActivity("first"), StartBefore("missing")], user_id="demo"
        )
    assert task_names(instance_id) == ["First"]
    assert not HistoricActivityInstance.objects.filter(canceled=True).exists()
    assert not UserOperationLog.objects.filter(operation_type="ModifyProcessInstance").exists()
    with pytest.raises(BadRequestError, match="at least one instruction"):
        modify_process_instance(instance_id, [], user_id="demo")


def test_outsiders_may_neither_modify_nor_preview(instance_id):
    with pytest.raises(AuthorizationError):
        modify_process_instance(instance_id, [CancelActivity("first")], user_id="outsider")
    with pytest.raises(AuthorizationError):
        preview_modification(instance_id, [CancelActivity("first")], user_id="outsider")
    assert task_names(instance_id) == ["First"]


def test_unknown_and_suspended_instances_are_refused(instance_id):
    with pytest.raises(NotFoundError):
        modify_process_instance("nope", [CancelActivity("first")], user_id="demo")
    suspend_process_instance(instance_id, user_id="demo")
    with pytest.raises(EngineError, match="suspended"):
        modify_process_instance(instance_id, [CancelActivity("first")], user_id="demo")


def test_preview_tells_what_would_change_and_saves_nothing(instance_id):
    result = preview_modification(
        instance_id, [StartBefore("inner"), CancelActivity("first")], user_id="demo"
    )
    assert [a.activity_id for a in result.started] == ["sub", "inner"]
    assert [a.activity_id for a in result.cancelled] == ["first"]
    assert result.instance_ends is False
    assert preview_modification(instance_id, [CancelActivity("first")]).instance_ends is True
    assert task_names(instance_id) == ["First"]
    assert not HistoricActivityInstance.objects.filter(activity_id="inner").exists()
    with pytest.raises(BadRequestError, match="'x' does not exist"):
        preview_modification(instance_id, [StartBefore("x")], user_id="demo")
