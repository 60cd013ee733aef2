"""PUT /process-instance/suspended (the instances of a definition, or a group, at once) and
PUT /process-definition/key/{key}[/tenant-id/{tid}]/suspended (the latest version)."""

from __future__ import annotations

import pytest

from engine.models import ProcessDefinition, ProcessInstance, Task, UserOperationLog
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import bpmn_document
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db


def model(key: str, task: str = "work") -> bytes:
    return bpmn_document(f"""<bpmn:process id="{key}" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="{task}" />
  <bpmn:userTask id="{task}" /></bpmn:process>""")


@pytest.fixture
def instances(demo_user) -> dict[str, list[str]]:
    """Two versions of `order` (one instance each), one of `order` for tenant acme, one
    `invoice`."""
    deploy([ResourceInput("order.bpmn", model("order"))])
    first = rt.start_process_instance("order").id
    deploy([ResourceInput("order.bpmn", model("order", "work2"))])
    second = rt.start_process_instance("order").id
    deploy([ResourceInput("order.bpmn", model("order"))], tenant_id="acme")
    acme = ProcessDefinition.objects.get(key="order", tenant_id="acme")
    of_acme = rt.start_process_instance(definition_id=acme.id).id
    deploy([ResourceInput("invoice.bpmn", model("invoice"))])
    invoice = rt.start_process_instance("invoice").id
    return {"order": [first, second], "acme": [of_acme], "invoice": [invoice]}


def put(api, path: str, body: dict):
    return api.put(f"{BASE}/{path}", body, content_type="application/json")


def suspended() -> set[str]:
    return set(ProcessInstance.objects.filter(suspended=True).values_list("id", flat=True))


def test_the_instances_of_a_key_of_no_tenant_are_suspended_and_activated(api, instances):
    response = put(api, "process-instance/suspended", {
        "processDefinitionKey": "order", "processDefinitionWithoutTenantId": True,
        "suspended": True,
    })
    assert response.status_code == 204, response.content
    assert suspended() == set(instances["order"])
    assert set(Task.objects.filter(suspended=True).values_list("process_instance_id", flat=True)
               ) == set(instances["order"])
    # the definitions themselves stay active
    assert not ProcessDefinition.objects.filter(suspended=True).exists()
    logged = UserOperationLog.objects.filter(
        operation_type="Suspend", entity_type="ProcessInstance"
    )
    assert set(logged.values_list("process_instance_id", flat=True)) == set(instances["order"])

    put(api, "process-instance/suspended", {"processDefinitionKey": "order", "suspended": False})
    assert suspended() == set()


def test_a_tenant_a_definition_id_and_a_group(api, instances):
    put(api, "process-instance/suspended", {
        "processDefinitionKey": "order", "processDefinitionTenantId": "acme", "suspended": True,
    })
    assert suspended() == set(instances["acme"])
    invoice = ProcessDefinition.objects.get(key="invoice").id
    put(api, "process-instance/suspended", {"processDefinitionId": invoice, "suspended": True})
    assert suspended() == {*instances["acme"], *instances["invoice"]}

    group = put(api, "process-instance/suspended", {
        "processInstanceIds": [instances["order"][0]],
        "processInstanceQuery": {"processDefinitionKey": "invoice"},
        "suspended": False,
    })
    assert group.status_code == 204, group.content
    assert suspended() == set(instances["acme"])
    assert put(api, "process-instance/suspended", {
        "historicProcessInstanceQuery": {"processDefinitionKey": "order"}, "suspended": True,
    }).status_code == 204
    assert suspended() == {*instances["order"], *instances["acme"]}


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"suspended": True}, 400, "Either processDefinitionId or processDefinitionKey should "
         "be set to update the suspension state."),
        ({"processDefinitionKey": "order", "processDefinitionId": "x", "suspended": True}, 400,
         "Only one of processDefinitionId or processDefinitionKey should be set to update the "
         "suspension state."),
        ({"processDefinitionKey": "order", "processInstanceIds": ["x"], "suspended": True}, 400,
         "Choose either a single processInstance with processDefinitionId or "
         "processDefinitionKey or a group of processInstances with processInstanceIds, "
         "procesInstanceQuery or historicProcessInstanceQuery."),
        ({"processDefinitionKey": "nope", "suspended": True}, 404, None),
        ({"processDefinitionKey": 5, "processDefinitionId": None, "suspended": True}, 400,
         "'processDefinitionKey' must be a string"),
        ({"processInstanceIds": [], "suspended": True}, 400, "processInstanceIds is empty"),
        ({"processDefinitionKey": "order", "suspended": "yes"}, 400, None),
    ],
)
def test_bad_requests_change_nothing(api, instances, body, status, message):
    response = put(api, "process-instance/suspended", body)
    assert response.status_code == status, response.content
    if message is not None:
        assert response.json()["message"] == message
    assert suspended() == set()


def test_an_unknown_instance_in_a_group_changes_none_of_them(api, instances):
    response = put(api, "process-instance/suspended", {
        "processInstanceIds": [instances["invoice"][0], "gone"], "suspended": True,
    })
    assert response.status_code == 404
    assert suspended() == set()


def test_the_latest_version_of_a_key_is_suspended_with_its_instances(api, instances):
    response = put(api, "process-definition/key/order/suspended",
                   {"suspended": True, "includeProcessInstances": True})
    assert response.status_code == 204, response.content
    latest = ProcessDefinition.objects.get(key="order", version=2, tenant_id__isnull=True)
    assert set(ProcessDefinition.objects.filter(suspended=True).values_list("id", flat=True)
               ) == {latest.id}
    assert suspended() == {instances["order"][1]}

    of_tenant = put(api, "process-definition/key/order/tenant-id/acme/suspended",
                    {"suspended": True})
    assert of_tenant.status_code == 204
    assert ProcessDefinition.objects.get(key="order", tenant_id="acme").suspended
    assert suspended() == {instances["order"][1]}  # without includeProcessInstances
    assert put(api, "process-definition/key/nope/suspended",
               {"suspended": True}).status_code == 404
