"""Submitted form fields in history (Camunda's HistoricFormField): a task or start form
submission records each String value it got, at history levels audit and full, in the
submission's transaction and under the operation it logs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.models import (
    DetailType,
    HistoricDetail,
    HistoricVariableInstance,
    Task,
    UserOperationLog,
)
from engine.queries.history import initial_variables
from engine.runtime.values import TypedValue
from engine.services import ResourceInput, deploy, forms
from engine.services import runtime as rt
from engine.services.history_deletion import delete_historic_variable
from engine.services.standalone_tasks import create_task
from tests.factories import bpmn_document, straight_process

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]


@pytest.fixture
def definition_id() -> str:
    result = deploy([ResourceInput("plain.bpmn", bpmn_document(straight_process("plain")))])
    return result.process_definitions[0].id


def form_fields(**where: object) -> list[HistoricDetail]:
    rows = HistoricDetail.objects.filter(detail_type=DetailType.FORM_FIELD, **where)
    return list(rows.order_by("name"))


def submitted() -> dict[str, object]:
    return {
        "comment": TypedValue("String", "fine"),
        "bare": "as typed",
        "amount": TypedValue("Long", 5),
        "approved": TypedValue("Boolean", True),
        "nothing": TypedValue("String", None),
        "address": TypedValue("Json", '{"city": "Bonn"}'),
    }


def test_a_task_form_records_its_string_values_on_the_tasks_execution_and_operation(
    definition_id,
):
    started = rt.start_process_instance(definition_id=definition_id)
    task = Task.objects.get(process_instance_id=started.id)
    forms.submit_task_form(task.id, submitted(), user_id="demo")
    complete = UserOperationLog.objects.get(task_id=task.id, operation_type="Complete")
    rows = form_fields(process_instance_id=started.id)
    assert [(r.name, r.value) for r in rows] == [("bare", "as typed"), ("comment", "fine")]
    for row in rows:
        assert (row.task_id, row.execution_id) == (task.id, task.execution_id)
        assert row.activity_instance_id == task.activity_instance_id is not None
        assert row.user_operation_id == complete.operation_id


def test_a_start_form_records_its_values_on_the_starting_instance(definition_id):
    started = forms.submit_start_form(definition_id, submitted(), user_id="demo")
    create = UserOperationLog.objects.get(
        process_instance_id=started.id, operation_type="Create"
    )
    rows = form_fields(process_instance_id=started.id)
    assert [r.name for r in rows] == ["bare", "comment"]
    for row in rows:
        assert row.task_id is None
        assert (row.execution_id, row.activity_instance_id) == (started.id, started.id)
        assert row.user_operation_id == create.operation_id


def test_a_start_forms_fields_are_not_taken_for_its_initial_variables(
    definition_id, monkeypatch
):
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(rt, "clock", lambda: start)  # the fields share the start's moment
    started = forms.submit_start_form(
        definition_id, {"comment": "x", "amount": TypedValue("Long", 5)}, user_id="demo"
    )
    assert form_fields(time=start)
    initial = initial_variables(started.id, start)
    assert {name: typed.type for name, typed in initial.items()} == {
        "comment": "String", "amount": "Long"
    }


def test_a_delegated_task_resolved_by_its_form_records_its_fields_too(definition_id):
    started = rt.start_process_instance(definition_id=definition_id)
    task = Task.objects.get(process_instance_id=started.id)
    rt.delegate_task(task.id, "kermit", user_id="demo")
    forms.submit_task_form(task.id, {"note": "done"}, user_id="kermit")
    resolve = UserOperationLog.objects.get(task_id=task.id, operation_type="Resolve")
    (row,) = form_fields(task_id=task.id)
    assert (row.name, row.value, row.user_operation_id) == ("note", "done", resolve.operation_id)


def test_without_a_user_the_fields_carry_no_operation(definition_id):
    forms.submit_start_form(definition_id, {"comment": "x"})
    (row,) = form_fields()
    assert row.user_operation_id is None


@pytest.mark.parametrize("level", ["none", "activity"])
def test_below_level_audit_no_form_field_is_recorded(definition_id, engine_settings, level):
    engine_settings(LEGATO_HISTORY_LEVEL=level)
    started = forms.submit_start_form(definition_id, {"comment": "x"}, user_id="demo")
    task = Task.objects.get(process_instance_id=started.id)
    forms.submit_task_form(task.id, {"comment": "y"}, user_id="demo")
    assert form_fields() == []


def test_at_level_audit_form_fields_are_recorded_without_variable_updates(
    definition_id, engine_settings
):
    engine_settings(LEGATO_HISTORY_LEVEL="audit")
    started = forms.submit_start_form(definition_id, {"comment": "x"}, user_id="demo")
    assert [r.value for r in form_fields(process_instance_id=started.id)] == ["x"]
    variable_updates = HistoricDetail.objects.filter(detail_type=DetailType.VARIABLE_UPDATE)
    assert not variable_updates.exists()  # those are level full's


def test_the_fields_are_written_in_the_submissions_transaction(definition_id, monkeypatch):
    started = rt.start_process_instance(definition_id=definition_id)
    task = Task.objects.get(process_instance_id=started.id)

    def fail(*args: object, **kwargs: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(forms, "write_form_fields", fail)
    with pytest.raises(RuntimeError):
        forms.submit_task_form(task.id, {"comment": "x"}, user_id="demo")
    # The completion went back with the failed write: the task is still open, unlogged.
    assert Task.objects.filter(pk=task.id).exists()
    assert not UserOperationLog.objects.filter(task_id=task.id, operation_type="Complete")


def test_a_task_of_no_process_records_no_form_field():
    task_id = create_task(task_id="loose", name="Loose", user_id="demo")
    forms.submit_task_form(task_id, {"comment": "x"}, user_id="demo")
    assert form_fields() == []


def test_deleting_a_historic_variable_keeps_the_form_field_of_the_same_name(definition_id):
    started = forms.submit_start_form(definition_id, {"comment": "x"}, user_id="demo")
    variable = HistoricVariableInstance.objects.get(process_instance_id=started.id)
    delete_historic_variable(variable.id, user_id="demo")
    assert not HistoricDetail.objects.filter(detail_type=DetailType.VARIABLE_UPDATE).exists()
    assert [r.value for r in form_fields()] == ["x"]
