"""What a tenant's process calls: call activities and business rule tasks find the called
definition in the caller's tenant (Camunda's default), or in the tenant that
`calledElementTenantId` / `decisionRefTenantId` names; binding `deployment` looks in the
caller's deployment whatever its tenant."""

from __future__ import annotations

import pytest

from engine.models import ProcessInstance, Task
from engine.runtime.errors import NotFoundError, ProcessEngineError
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.engine.test_decisions import SINGLE_DISH, dinner, dish_with, variable
from tests.factories import bpmn_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]


def parent(**attributes: str) -> bytes:
    """start -> call activity for `child` (with `attributes`) -> end."""
    extra = "".join(f' camunda:{name}="{value}"' for name, value in attributes.items())
    return bpmn_document(
        f"""<bpmn:process id="parent" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
  <bpmn:callActivity id="call" calledElement="child"{extra} />
  <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""
    )


def child(task: str) -> bytes:
    """start -> user task `task` -> end: the task tells which child version ran."""
    return bpmn_document(
        f"""<bpmn:process id="child" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="{task}" />
  <bpmn:userTask id="{task}" />
  <bpmn:sequenceFlow id="f2" sourceRef="{task}" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""
    )


def deploy_children() -> None:
    """`child` for no tenant, for tenant one, and for tenant two, each with its own task."""
    deploy([ResourceInput("child.bpmn", child("shared_work"))])
    deploy([ResourceInput("child.bpmn", child("work_of_one"))], tenant_id="one")
    deploy([ResourceInput("child.bpmn", child("work_of_two"))], tenant_id="two")


def called_task(tenant: str | None, **attributes: str) -> str:
    """The task the child of a `parent` deployed for `tenant` waits in."""
    deployed = deploy([ResourceInput("parent.bpmn", parent(**attributes))], tenant_id=tenant)
    started = rt.start_process_instance(definition_id=deployed.process_definitions[0].id)
    sub = ProcessInstance.objects.get(super_process_instance_id=started.id)
    return Task.objects.get(process_instance_id=sub.id).task_definition_key


def test_a_call_activity_starts_the_called_process_of_its_own_tenant():
    deploy_children()
    assert called_task("one") == "work_of_one"
    assert called_task("two") == "work_of_two"
    assert called_task(None) == "shared_work"


def test_called_element_tenant_id_names_another_tenant_as_text_or_expression():
    deploy_children()
    assert called_task("one", calledElementTenantId="two") == "work_of_two"
    assert called_task(None, calledElementTenantId="${'one'}") == "work_of_one"
    assert called_task("two", calledElementTenantId="${execution.tenantId}") == "work_of_two"


def test_binding_deployment_calls_the_version_deployed_with_the_caller():
    deploy_children()
    together = deploy(
        [
            ResourceInput("parent.bpmn", parent(calledElementBinding="deployment")),
            ResourceInput("child.bpmn", child("deployed_together")),
        ],
        tenant_id="one",
    )
    deploy([ResourceInput("child.bpmn", child("newer"))], tenant_id="one")
    definition = next(d for d in together.process_definitions if d.key == "parent")
    started = rt.start_process_instance(definition_id=definition.id)
    sub = ProcessInstance.objects.get(super_process_instance_id=started.id)
    assert Task.objects.get(process_instance_id=sub.id).task_definition_key == ("deployed_together")


def test_a_tenant_without_the_called_process_fails_the_start_naming_the_tenant():
    deploy([ResourceInput("child.bpmn", child("shared_work"))])
    deployed = deploy([ResourceInput("parent.bpmn", parent())], tenant_id="three")
    with pytest.raises(NotFoundError, match="key 'child' and tenant 'three'"):
        rt.start_process_instance(definition_id=deployed.process_definitions[0].id)
    assert not ProcessInstance.objects.exists()


def test_a_business_rule_task_evaluates_the_decision_of_its_tenant():
    spring = {"season": "Spring", "guestCount": 4}
    deploy([ResourceInput("dish.dmn", dish_with("Soup"))])
    deploy([ResourceInput("dish.dmn", dish_with("Curry"))], tenant_id="one")

    def plan(tenant: str | None, **attributes: str) -> str:
        deployed = deploy(
            [ResourceInput("dinner.bpmn", dinner(**SINGLE_DISH, **attributes))], tenant_id=tenant
        )
        definition_id = deployed.process_definitions[0].id
        return variable(
            rt.start_process_instance(definition_id=definition_id, variables=spring).id, "dish"
        )

    assert plan("one") == "Curry"
    assert plan(None) == "Soup"
    assert plan("one", decisionRefTenantId="${null}") == "Soup"
    with pytest.raises(ProcessEngineError, match="key 'decision' and tenant 'two'"):
        plan("two")
