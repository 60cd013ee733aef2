"""A subtask's variables by Camunda's scopes (TaskEntity.getParentVariableScope: the parent
task when there is no execution): it sees its parents' variables, and a variable set through
it lands where it already is up the chain, else on the topmost scope, a process's included."""

from __future__ import annotations

import pytest

from engine import queries
from engine.errors import BadRequestError
from engine.models import HistoricVariableInstance, Task, UserOperationLog
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from engine.services.standalone_tasks import create_task
from engine.services.task_scopes import stored_variables, visible_variables
from tests.factories import one_task_bpmn

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]


def seen(task_id: str, *, local: bool = False) -> dict:
    task = Task.objects.get(pk=task_id)
    return {name: typed.value for name, typed in visible_variables(task, local=local).items()}


def own(task_id: str) -> dict:
    """The variables the task holds itself, as stored."""
    held = stored_variables([task_id]).get(task_id, {})
    return {name: typed.value for name, typed in held.items()}


@pytest.fixture
def family() -> None:
    """`p` holds `budget` and `shared`; its subtask `c` holds `shared`; `g` is c's subtask."""
    create_task(task_id="p", name="Plan the move", user_id="demo")
    create_task(task_id="c", parent_task_id="p", user_id="demo")
    create_task(task_id="g", parent_task_id="c", user_id="demo")
    rt.set_task_variables("p", {"budget": 900, "shared": "from p"}, user_id="demo")
    rt.set_task_variables("c", {"shared": "from c"}, local=True, user_id="demo")


@pytest.fixture
def process_task() -> Task:
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))])
    started = rt.start_process_instance("invoice", variables={"amount": 120})
    return Task.objects.get(process_instance_id=started.id)


def test_a_subtask_sees_its_parents_variables_the_nearest_winning(family):
    assert seen("g") == {"budget": 900, "shared": "from c"}
    assert seen("c") == {"budget": 900, "shared": "from c"}
    assert seen("g", local=True) == {}
    assert seen("c", local=True) == {"shared": "from c"}


def test_a_variable_set_on_a_subtask_updates_the_parent_that_has_it(family):
    rt.set_task_variables("g", {"budget": 1200}, user_id="demo")
    assert own("p")["budget"] == 1200
    assert own("g") == {}
    # History keeps the update on the parent, as its next revision.
    latest = HistoricVariableInstance.objects.filter(execution_id="p", name="budget")
    assert latest.order_by("-revision").first().revision == 1
    logged = UserOperationLog.objects.filter(operation_type="SetVariable", task_id="g")
    assert logged.exists()


def test_a_new_variable_set_on_a_subtask_goes_to_the_topmost_task(family):
    rt.set_task_variables("g", {"van": "booked"}, user_id="demo")
    assert own("p")["van"] == "booked"
    assert "van" not in own("c")
    assert "van" not in own("g")
    assert seen("g")["van"] == "booked"


def test_a_local_variable_stays_on_the_subtask(family):
    rt.set_task_variables("g", {"budget": 5}, local=True, user_id="demo")
    assert own("g") == {"budget": 5}
    assert seen("g")["budget"] == 5
    assert seen("c")["budget"] == 900


def test_removing_through_a_subtask_removes_the_nearest_holder_only(family):
    rt.set_task_variables("g", {}, removed=["shared", "unknown"], user_id="demo")
    assert "shared" not in own("c")
    assert seen("g")["shared"] == "from p"


def test_a_refused_value_changes_no_scope(family):
    with pytest.raises(BadRequestError, match="finite"):
        rt.set_task_variables("g", {"budget": 1, "ratio": float("nan")}, user_id="demo")
    assert seen("g")["budget"] == 900


def test_completing_a_subtask_sets_its_variables_on_the_parent(family):
    rt.complete_task("g", {"shared": "done by g", "boxes": 12}, user_id="demo")
    assert seen("c") == {"budget": 900, "shared": "done by g", "boxes": 12}
    assert "boxes" in own("p")
    assert own("c")["shared"] == "done by g"


def test_a_subtask_of_a_process_task_sees_and_sets_the_process_variables(process_task):
    instance_id = process_task.process_instance_id
    create_task(task_id="check", parent_task_id=process_task.id, user_id="demo")
    create_task(task_id="deeper", parent_task_id="check", user_id="demo")
    assert seen("deeper") == {"amount": 120}
    rt.set_task_variables("deeper", {"amount": 150, "checked": True}, user_id="demo")
    assert {n: v.value for n, v in queries.get_variables(instance_id).items()} == {
        "amount": 150,
        "checked": True,
    }
    assert own("check") == {}
    assert own("deeper") == {}
    history = HistoricVariableInstance.objects.filter(process_instance_id=instance_id)
    assert set(history.values_list("name", flat=True)) == {"amount", "checked"}


def test_completing_a_subtask_of_a_process_task_sets_process_variables(process_task):
    create_task(task_id="check", parent_task_id=process_task.id, user_id="demo")
    rt.complete_task("check", {"approved": True}, user_id="demo")
    variables = queries.get_variables(process_task.process_instance_id)
    assert variables["approved"].value is True


def test_resolving_a_delegated_subtask_sets_its_variables_on_the_parent(family):
    rt.delegate_task("g", "anna", user_id="demo")
    rt.resolve_task("g", {"budget": 1000}, user_id="demo")
    assert own("p")["budget"] == 1000
    assert own("g") == {}
