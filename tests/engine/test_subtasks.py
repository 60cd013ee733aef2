"""Subtasks through the service API (Camunda's TaskService.newTask with a parent task,
getSubTasks, saveTask): they end with their parent, whatever ends it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engine.errors import BadRequestError, EngineError
from engine.models import (
    HistoricTaskInstance,
    Task,
    UserOperationLog,
    VariableInstance,
)
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from engine.services.standalone_tasks import create_task, delete_task, sub_tasks
from engine.services.suspension import suspend_process_instance
from tests.factories import one_task_bpmn

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]


@pytest.fixture
def process_task() -> Task:
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))])
    started = rt.start_process_instance("invoice")
    return Task.objects.get(process_instance_id=started.id)


def reason(task_id: str) -> str | None:
    return HistoricTaskInstance.objects.get(pk=task_id).delete_reason


def test_a_subtask_names_its_parent_and_is_listed_among_its_subtasks():
    parent = create_task(task_id="plan", name="Plan the move", user_id="demo")
    first = create_task(task_id="boxes", name="Buy boxes", parent_task_id=parent, user_id="demo")
    second = create_task(name="Book a van", parent_task_id=parent, user_id="demo")
    create_task(name="Unrelated", user_id="demo")
    assert [t.id for t in sub_tasks(parent)] == [first, second]
    assert Task.objects.get(pk=first).parent_task_id == "plan"
    assert HistoricTaskInstance.objects.get(pk=first).parent_task_id == "plan"
    assert sub_tasks("no-such-task") == []
    created = UserOperationLog.objects.get(task_id=first, operation_type="Create")
    assert (created.property, created.new_value) == ("parentTask", "plan")
    plain = UserOperationLog.objects.get(task_id=parent, operation_type="Create")
    assert plain.property is None


def test_a_task_of_a_process_can_have_subtasks(process_task):
    create_task(task_id="check", parent_task_id=process_task.id, user_id="demo")
    assert [t.id for t in sub_tasks(process_task.id)] == ["check"]
    assert Task.objects.get(pk="check").process_instance_id is None


def test_an_unknown_parent_is_refused_and_nothing_is_created():
    with pytest.raises(BadRequestError, match="Parent task with id 'ghost' does not exist"):
        create_task(task_id="orphan", parent_task_id="ghost", user_id="demo")
    assert not Task.objects.exists()
    assert not HistoricTaskInstance.objects.exists()
    assert not UserOperationLog.objects.filter(task_id="orphan").exists()


def test_a_suspended_parent_takes_no_new_subtasks(process_task):
    suspend_process_instance(process_task.process_instance_id, user_id="demo")
    with pytest.raises(EngineError, match="suspended"):
        create_task(task_id="late", parent_task_id=process_task.id, user_id="demo")
    assert not Task.objects.filter(pk="late").exists()


def test_deleting_a_parent_deletes_its_subtasks_down_the_tree_and_keeps_their_history():
    create_task(task_id="p", user_id="demo")
    create_task(task_id="c", parent_task_id="p", user_id="demo")
    create_task(task_id="g", parent_task_id="c", user_id="demo")
    rt.set_task_variables("g", {"note": "fragile"}, user_id="demo")
    delete_task("p", user_id="demo")
    assert not Task.objects.exists()
    assert [reason(t) for t in ("p", "c", "g")] == ["deleted"] * 3
    assert HistoricTaskInstance.objects.get(pk="g").end_time is not None
    assert not VariableInstance.objects.filter(execution_id="g").exists()
    # One operation, on the parent, as Camunda logs it.
    assert UserOperationLog.objects.filter(operation_type="Delete").count() == 1


def test_completing_a_subtask_leaves_its_parent_open():
    create_task(task_id="p", user_id="demo")
    create_task(task_id="c", parent_task_id="p", user_id="demo")
    rt.complete_task("c", user_id="demo")
    assert Task.objects.filter(pk="p").exists()
    assert sub_tasks("p") == []


def test_completing_a_parent_with_open_subtasks_completes_them_too(process_task):
    create_task(task_id="c", parent_task_id=process_task.id, user_id="demo")
    create_task(task_id="g", parent_task_id="c", user_id="demo")
    rt.complete_task(process_task.id, {"approved": True}, user_id="demo")
    assert not Task.objects.exists()
    assert [reason(t) for t in (process_task.id, "c", "g")] == ["completed"] * 3


def test_a_process_that_ends_ends_the_subtasks_of_its_tasks(process_task):
    create_task(task_id="c", parent_task_id=process_task.id, user_id="demo")
    rt.delete_process_instance(process_task.process_instance_id, "wrong order", user_id="demo")
    assert not Task.objects.filter(pk="c").exists()
    assert reason("c") == reason(process_task.id)
    assert HistoricTaskInstance.objects.get(pk="c").end_time is not None


def test_an_update_moves_a_task_under_another_parent_and_back_out():
    create_task(task_id="a", user_id="demo")
    create_task(task_id="b", user_id="demo")
    rt.update_task("b", parent_task_id="a", user_id="demo")
    assert [t.id for t in sub_tasks("a")] == ["b"]
    assert HistoricTaskInstance.objects.get(pk="b").parent_task_id == "a"
    logged = UserOperationLog.objects.get(task_id="b", operation_type="Update")
    assert (logged.property, logged.org_value, logged.new_value) == ("parentTask", None, "a")
    rt.update_task("b", parent_task_id=None, user_id="demo")
    assert sub_tasks("a") == []
    delete_task("a", user_id="demo")
    assert Task.objects.filter(pk="b").exists()


@pytest.mark.parametrize(
    ("task_id", "parent", "message"),
    [
        ("a", "ghost", "Parent task with id 'ghost' does not exist"),
        ("a", "a", "cannot become a subtask of a"),
        ("a", "c", "cannot become a subtask of c"),  # c is a's grandchild: a loop
    ],
)
def test_an_update_refuses_parents_that_cannot_work(task_id, parent, message):
    create_task(task_id="a", user_id="demo")
    create_task(task_id="b", parent_task_id="a", user_id="demo")
    create_task(task_id="c", parent_task_id="b", user_id="demo")
    with pytest.raises(BadRequestError, match=message):
        rt.update_task(task_id, parent_task_id=parent, user_id="demo")
    assert Task.objects.get(pk="a").parent_task_id is None
    assert not UserOperationLog.objects.filter(operation_type="Update").exists()


def test_a_task_of_a_process_cannot_become_a_subtask(process_task):
    create_task(task_id="a", user_id="demo")
    with pytest.raises(BadRequestError, match="belongs to a process"):
        rt.update_task(process_task.id, parent_task_id="a", user_id="demo")
    assert Task.objects.get(pk=process_task.id).parent_task_id is None


def test_a_process_task_is_created_without_a_statement_about_subtasks():
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))])
    rt.start_process_instance("invoice")  # warm the definition cache
    with CaptureQueriesContext(connection) as queries:
        started = rt.start_process_instance("invoice")
    assert Task.objects.filter(process_instance_id=started.id).exists()
    assert not any("parent_task_id\" =" in q["sql"] for q in queries.captured_queries)
