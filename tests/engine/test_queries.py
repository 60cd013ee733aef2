"""Read-side queries over running instances: tasks, instances, variables, activity tree."""

import pytest

from engine.queries import (
    activity_instance_tree,
    get_variables,
    list_process_instances,
    list_tasks,
)
from engine.services import runtime as rt
from tests.engine.test_runtime_service import FORK_JOIN, deploy_xml

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]

CANDIDATES = """<bpmn:process id="offer" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t" />
  <bpmn:userTask id="t" name="make profit" camunda:candidateGroups="management, accountancy"
      camunda:candidateUsers="gonzo" />
  <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>"""

NESTED = """<bpmn:process id="nested" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="sub" />
  <bpmn:subProcess id="sub" name="Sub">
    <bpmn:startEvent id="ss" /><bpmn:sequenceFlow id="sf1" sourceRef="ss" targetRef="inner" />
    <bpmn:userTask id="inner" name="Inner" />
    <bpmn:sequenceFlow id="sf2" sourceRef="inner" targetRef="se" /><bpmn:endEvent id="se" />
  </bpmn:subProcess>
  <bpmn:sequenceFlow id="f2" sourceRef="sub" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>"""


def test_a_user_in_two_candidate_groups_sees_the_task_once():
    deploy_xml(CANDIDATES)
    rt.start_process_instance("offer")
    kermit = list_tasks(
        candidate_user="kermit", candidate_user_groups=["management", "accountancy"]
    )
    assert [t.name for t in kermit] == ["make profit"]
    assert list_tasks(candidate_group="accountancy").count() == 1
    assert list_tasks(candidate_user="gonzo").count() == 1
    assert list_tasks(candidate_user="fozzie", candidate_user_groups=["sales"]).count() == 0


def test_a_claimed_task_leaves_the_candidate_lists_but_not_the_assignees():
    deploy_xml(CANDIDATES)
    rt.start_process_instance("offer")
    (task,) = list_tasks(candidate_group="management")
    rt.claim_task(task.id, "kermit")
    assert list_tasks(candidate_group="management").count() == 0
    assert list_tasks(candidate_group="management", include_assigned=True).count() == 1
    assert [t.id for t in list_tasks(assignee="kermit")] == [task.id]


def test_instances_and_tasks_filter_by_process_variable_and_business_key():
    deploy_xml(CANDIDATES)
    rt.start_process_instance("offer", business_key="A", variables={"amount": 10})
    big = rt.start_process_instance("offer", business_key="B", variables={"amount": 5000})
    assert [i.id for i in list_process_instances(variables={"amount": 5000})] == [big.id]
    assert [t.process_instance_id for t in list_tasks(business_key="B")] == [big.id]
    assert list_tasks(process_variables={"amount": 10}).count() == 1


def test_like_filters_take_camundas_wildcards():
    deploy_xml(CANDIDATES)
    order = rt.start_process_instance("offer", business_key="ORDER-17")
    rt.start_process_instance("offer", business_key="REFUND-17")
    assert [i.id for i in list_process_instances(business_key_like="ORDER-%")] == [order.id]
    assert list_process_instances(business_key_like="%-1_").count() == 2
    assert list_tasks(name_like="make%").count() == 2
    assert list_tasks(name_like="profit%").count() == 0


def test_variables_of_an_execution_include_its_scopes_nearest_first():
    deploy_xml(NESTED)
    started = rt.start_process_instance("nested", variables={"x": 1, "y": "outer"})
    (task,) = list_tasks(process_instance_id=started.id)
    rt.set_variables(task.execution_id, {"y": "inner"}, local=True)
    visible = get_variables(task.execution_id)
    assert {k: v.value for k, v in visible.items()} == {"x": 1, "y": "inner"}
    assert {k: v.value for k, v in get_variables(started.id).items()} == {"x": 1, "y": "outer"}


def test_the_activity_tree_shows_scopes_and_concurrent_tokens():
    deploy_xml(NESTED)
    nested = rt.start_process_instance("nested")
    tree = activity_instance_tree(nested.id)
    assert tree.activity_type == "processDefinition"
    (sub,) = tree.children
    assert (sub.activity_id, sub.activity_type) == ("sub", "subProcess")
    assert [c.activity_id for c in sub.children] == ["inner"]

    deploy_xml(FORK_JOIN)
    fork = rt.start_process_instance("forkJoin")
    tree = activity_instance_tree(fork.id)
    assert sorted(c.activity_id for c in tree.children) == ["a", "b"]


def test_a_finished_instance_keeps_its_whole_history():
    from engine.queries import (
        list_historic_activity_instances,
        list_historic_details,
        list_historic_process_instances,
        list_historic_tasks,
        list_user_operations,
    )

    deploy_xml(NESTED)
    started = rt.start_process_instance("nested", variables={"x": 1}, user_id="demo")
    (task,) = list_tasks(process_instance_id=started.id)
    rt.set_task_variables(task.id, {"note": "checked"}, local=True, user_id="demo")
    rt.complete_task(task.id, {"x": 2}, user_id="demo")
    (instance,) = list_historic_process_instances(process_definition_key="nested", finished=True)
    assert (instance.id, instance.state) == (started.id, "COMPLETED")
    activities = list_historic_activity_instances(process_instance_id=started.id)
    assert [a.activity_id for a in activities] == ["s", "sub", "ss", "inner", "se", "e"]
    assert list_historic_tasks(process_instance_id=started.id, finished=True).count() == 1
    assert [
        d.value for d in list_historic_details(process_instance_id=started.id, variable_name="x")
    ] == [1, 2]
    operations = list_user_operations(process_instance_id=started.id, user_id="demo")
    assert {"Create", "SetVariable", "Complete"} <= set(
        operations.values_list("operation_type", flat=True)
    )
