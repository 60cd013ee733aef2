"""Tenants of messages, signals and conditions: `tenantId` / `withoutTenantId` on
POST /message, /signal and /condition reach only that tenant's (or no tenant's) executions
and definitions; a signal thrown in a tenant's instance reaches its tenant and the
definitions of no tenant, one thrown in an instance of no tenant only those (Camunda)."""

from __future__ import annotations

import pytest

from engine.models import ProcessDefinition, ProcessInstance, Task
from engine.services import ResourceInput, deploy
from engine.services.runtime import start_process_instance
from tests.factories import bpmn_document
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db

EVENTS = """<bpmn:message id="m_ref" name="m" /><bpmn:signal id="s_ref" name="s" />"""
WAITER = """<bpmn:process id="waiter" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fork" />
  <bpmn:parallelGateway id="fork" />
  <bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="message" />
  <bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="signal" />
  <bpmn:intermediateCatchEvent id="message"><bpmn:messageEventDefinition messageRef="m_ref" />
  </bpmn:intermediateCatchEvent>
  <bpmn:intermediateCatchEvent id="signal"><bpmn:signalEventDefinition signalRef="s_ref" />
  </bpmn:intermediateCatchEvent>
  <bpmn:sequenceFlow id="f4" sourceRef="message" targetRef="got" />
  <bpmn:sequenceFlow id="f5" sourceRef="signal" targetRef="heard" />
  <bpmn:userTask id="got" /><bpmn:userTask id="heard" />
</bpmn:process>"""
THROWER = """<bpmn:process id="thrower" isExecutable="true">
  <bpmn:startEvent id="t_start" />
  <bpmn:sequenceFlow id="t1" sourceRef="t_start" targetRef="throw" />
  <bpmn:intermediateThrowEvent id="throw"><bpmn:signalEventDefinition signalRef="s_ref" />
  </bpmn:intermediateThrowEvent>
  <bpmn:sequenceFlow id="t2" sourceRef="throw" targetRef="t_end" />
  <bpmn:endEvent id="t_end" />
</bpmn:process>"""
STARTERS = """<bpmn:process id="starter" isExecutable="true">
  <bpmn:startEvent id="by_message"><bpmn:messageEventDefinition messageRef="m_ref" />
  </bpmn:startEvent>
  <bpmn:sequenceFlow id="s1" sourceRef="by_message" targetRef="begun" />
  <bpmn:startEvent id="by_condition"><bpmn:conditionalEventDefinition>
    <bpmn:condition xsi:type="bpmn:tFormalExpression"
      xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${go}</bpmn:condition>
  </bpmn:conditionalEventDefinition></bpmn:startEvent>
  <bpmn:sequenceFlow id="s2" sourceRef="by_condition" targetRef="begun" />
  <bpmn:userTask id="begun" />
</bpmn:process>"""
TENANTS = ("acme", "globex", None)


@pytest.fixture
def waiting(demo_user) -> dict[str | None, str]:
    """A waiter of each tenant and one of no tenant, by tenant; each tenant has the thrower."""
    found = {}
    for tenant in TENANTS:
        result = deploy([ResourceInput("waiter.bpmn", bpmn_document(WAITER, THROWER,
                                                                    extra=EVENTS))],
                        tenant_id=tenant)
        waiter = next(d for d in result.process_definitions if d.key == "waiter")
        found[tenant] = start_process_instance(definition_id=waiter.id).id
    return found


def post(api, path: str, **body):
    return api.post(f"{BASE}/{path}", body, content_type="application/json")


def reached(waiting: dict[str | None, str], activity: str) -> set[str | None]:
    """The tenants whose waiter got past the event to `activity`."""
    by_instance = {instance: tenant for tenant, instance in waiting.items()}
    return {by_instance[task.process_instance_id]
            for task in Task.objects.filter(task_definition_key=activity)
            if task.process_instance_id in by_instance}


def test_a_message_reaches_only_the_tenant_it_names(api, waiting):
    ambiguous = post(api, "message", messageName="m")
    assert ambiguous.status_code == 400  # three executions wait for it
    assert post(api, "message", messageName="m", tenantId="acme").status_code == 204
    assert reached(waiting, "got") == {"acme"}
    assert post(api, "message", messageName="m", withoutTenantId=True).status_code == 204
    assert reached(waiting, "got") == {"acme", None}
    refused = post(api, "message", messageName="m", tenantId="acme", withoutTenantId=True)
    assert refused.status_code == 400
    assert refused.json()["message"] == (
        "Parameter 'tenantId' cannot be used together with parameter 'withoutTenantId'.")
    single = post(api, "message", messageName="m", tenantId="globex",
                  processInstanceId=waiting["globex"])
    assert single.status_code == 400
    assert "Cannot specify a tenant-id" in single.json()["message"]
    assert reached(waiting, "got") == {"acme", None}


def test_a_message_start_by_tenant(api, demo_user):
    for tenant in ("acme", None):
        deploy([ResourceInput("starter.bpmn", bpmn_document(STARTERS, extra=EVENTS))],
               tenant_id=tenant)
    assert post(api, "message", messageName="m").status_code == 400  # two definitions
    response = post(api, "message", messageName="m", tenantId="acme", resultEnabled=True)
    assert response.status_code == 200, response.content
    [result] = response.json()
    started = ProcessInstance.objects.get(pk=result["processInstance"]["id"])
    assert started.process_definition.tenant_id == "acme"


def test_a_signal_by_tenant(api, waiting):
    assert post(api, "signal", name="s", tenantId="globex").status_code == 204
    assert reached(waiting, "heard") == {"globex"}
    # thrown in an instance of acme: acme's and no tenant's waiters hear it, not globex's
    acme_thrower = ProcessDefinition.objects.get(key="thrower", tenant_id="acme")
    start_process_instance(definition_id=acme_thrower.id)
    assert reached(waiting, "heard") == {"globex", "acme", None}
    assert post(api, "signal", name="s").status_code == 204  # nobody waits any more


def test_a_signal_thrown_in_a_tenant_leaves_other_tenants_waiting(api, waiting):
    acme_thrower = ProcessDefinition.objects.get(key="thrower", tenant_id="acme")
    start_process_instance(definition_id=acme_thrower.id)
    assert reached(waiting, "heard") == {"acme", None}


def test_a_signal_thrown_without_tenant_reaches_only_what_has_none(api, waiting):
    shared = ProcessDefinition.objects.get(key="thrower", tenant_id__isnull=True)
    start_process_instance(definition_id=shared.id)
    assert reached(waiting, "heard") == {None}
    assert post(api, "signal", name="s", withoutTenantId=True).status_code == 204
    assert post(api, "signal", name="s").status_code == 204  # every tenant's
    assert reached(waiting, "heard") == {"acme", "globex", None}


def test_conditions_by_tenant(api, demo_user):
    for tenant in ("acme", None):
        deploy([ResourceInput("starter.bpmn", bpmn_document(STARTERS, extra=EVENTS))],
               tenant_id=tenant)
    go = {"go": {"value": True, "type": "Boolean"}}
    started = post(api, "condition", variables=go, tenantId="acme").json()
    assert [row["tenantId"] for row in started] == ["acme"]
    started = post(api, "condition", variables=go, withoutTenantId=True).json()
    assert [row["tenantId"] for row in started] == [None]
    assert len(post(api, "condition", variables=go).json()) == 2
    refused = post(api, "condition", variables=go, tenantId="acme",
                   processDefinitionId=ProcessInstance.objects.first().process_definition_id)
    assert refused.status_code == 400


def test_a_signal_to_one_execution_reaches_only_its_subscription(api, waiting):
    # POST /signal with executionId: signalEventReceived(name, executionId)
    acme = waiting["acme"]
    [row] = api.get(f"{BASE}/execution", {"processInstanceId": acme,
                                          "signalEventSubscriptionName": "s"}).json()
    assert post(api, "signal", name="s", executionId=row["id"]).status_code == 204
    assert reached(waiting, "heard") == {"acme"}
    again = post(api, "signal", name="s", executionId=row["id"])
    assert again.status_code == 400
    assert again.json()["message"] == (
        f"Execution '{row['id']}' has not subscribed to a signal event with name 's'.")
    assert post(api, "signal", name="s", executionId="nope").status_code == 400
    with_tenant = post(api, "signal", name="s", executionId=row["id"], tenantId="acme")
    assert with_tenant.json()["message"] == (
        "Cannot specify a tenant-id when deliver a signal to a single execution.")
    assert reached(waiting, "heard") == {"acme"}
