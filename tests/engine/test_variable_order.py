"""Ordering tasks by the variable they see nearest (the Tasklist's sort by a filter's variable
column): the same value the task cards read (engine/queries/task_variables.py), up the whole
execution tree, in one statement however many tasks and scopes there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engine.models import Execution, ProcessInstance, Task
from engine.queries.task_variables import visible_task_variables
from engine.queries.variable_order import VariableScope, order_by_variable
from engine.runtime.values import TypedValue
from engine.services import runtime as rt
from tests.engine.test_runtime_service import deploy_xml

pytestmark = pytest.mark.django_db

# A user task two embedded sub-processes deep.
NESTED = """<bpmn:process id="nested" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="outer" />
  <bpmn:subProcess id="outer">
    <bpmn:startEvent id="os" /><bpmn:sequenceFlow id="of1" sourceRef="os" targetRef="inner" />
    <bpmn:subProcess id="inner">
      <bpmn:startEvent id="is" /><bpmn:sequenceFlow id="if1" sourceRef="is" targetRef="t" />
      <bpmn:userTask id="t" name="Review" />
      <bpmn:sequenceFlow id="if2" sourceRef="t" targetRef="ie" /><bpmn:endEvent id="ie" />
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="of2" sourceRef="inner" targetRef="oe" /><bpmn:endEvent id="oe" />
  </bpmn:subProcess>
  <bpmn:sequenceFlow id="f2" sourceRef="outer" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>"""


@pytest.fixture(autouse=True)
def nested(engine_users) -> None:
    deploy_xml(NESTED)


def start(business_key: str, **variables) -> Task:
    started = rt.start_process_instance("nested", business_key=business_key, variables=variables)
    return Task.objects.get(process_instance_id=started.id)


def scope_of(task: Task, activity_id: str) -> str:
    return Execution.objects.get(
        process_instance_id=task.process_instance_id, activity_id=activity_id
    ).id


def sorted_keys(descending: bool = False) -> list[str]:
    terms = order_by_variable("amount", None, VariableScope.NEAREST, descending=descending)
    instances = Task.objects.order_by(*terms, "created", "id").values_list(
        "process_instance_id", flat=True
    )
    business = dict(ProcessInstance.objects.values_list("id", "business_key"))
    return [business[instance] for instance in instances]


def shown(task: Task) -> object:
    seen = visible_task_variables([task], ["amount"])[task.id]
    return seen["amount"].row.value if "amount" in seen else None


def test_a_value_on_an_embedded_sub_process_scope_sorts_as_the_card_shows_it():
    on_instance = start("instance-5", amount=5)
    on_inner = start("inner-1", amount=50)
    rt.set_variables(scope_of(on_inner, "inner"), {"amount": 1}, local=True)
    on_outer = start("outer-3", amount=0)
    rt.set_variables(scope_of(on_outer, "outer"), {"amount": 3}, local=True)
    own = start("own-2", amount=9)
    rt.set_variables(scope_of(own, "outer"), {"amount": 7}, local=True)
    rt.set_task_variables(own.id, {"amount": 2}, local=True)  # the task's own wins
    start("none")
    assert [shown(t) for t in (on_instance, on_inner, on_outer, own)] == [5, 1, 3, 2]
    assert sorted_keys() == ["inner-1", "own-2", "outer-3", "instance-5", "none"]
    assert sorted_keys(descending=True) == ["instance-5", "outer-3", "own-2", "inner-1", "none"]


def test_the_nearest_sort_is_one_statement_however_many_tasks():
    for n in range(12):
        task = start(f"k-{n}", amount=TypedValue("Long", n))
        rt.set_variables(scope_of(task, "inner"), {"amount": 100 - n}, local=True)
    with CaptureQueriesContext(connection) as statements:
        assert sorted_keys()[:2] == ["k-11", "k-10"]
    sorting = [q for q in statements.captured_queries if "legato_up" in q["sql"]]
    assert len(sorting) == 1


def test_a_typed_nearest_sort_skips_a_nearer_value_of_another_type():
    number = start("number", amount=4)
    text = start("text", amount=8)
    rt.set_variables(scope_of(text, "inner"), {"amount": "a lot"}, local=True)
    terms = order_by_variable("amount", "Integer", VariableScope.NEAREST, descending=False)
    assert [t.id for t in Task.objects.order_by(*terms, "id")] == [number.id, text.id]
