"""Reads of definitions, deployments and external tasks show only what the caller may READ,
as Camunda 7 with authorization enabled: lists and counts leave the rest out, a single
resource answers 403 AuthorizationException."""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from engine.models import ExternalTask
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from identity.resources import Permission, Resource
from tests.factories import bpmn_document, one_task_bpmn
from tests.identity.factories import GRANT, make_user, rule
from tests.rest.conftest import BASE

PASSWORD = "s3cret-pass-9"  # make_user's default


def basic_client(username: str, password: str = PASSWORD) -> Client:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return Client(HTTP_AUTHORIZATION=f"Basic {token}")


def grant(username: str, resource: Resource, resource_id: str, permission: str) -> None:
    rule(GRANT, resource, resource_id, permission, user=username)


def assert_forbidden(response, username: str) -> None:
    assert response.status_code == 403, response.content
    body = response.json()
    assert (body["type"], body["userId"]) == ("AuthorizationException", username)
    assert body["missingAuthorizations"]


@pytest.fixture
def catalogue(demo_user):
    """Two deployments: `invoice` and `payroll`, one definition each."""
    invoice = deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))], name="invoice")
    payroll = deploy([ResourceInput("payroll.bpmn", one_task_bpmn("payroll"))], name="payroll")
    return invoice, payroll


def definition_paths(definition_id: str, key: str) -> list[str]:
    return [
        f"process-definition/{definition_id}",
        f"process-definition/{definition_id}/xml",
        f"process-definition/key/{key}",
        f"process-definition/key/{key}/xml",
        f"process-definition/{definition_id}/startForm",
        f"process-definition/{definition_id}/form-variables",
    ]


def deployment_paths(deployment_id: str, resource_id: str) -> list[str]:
    return [
        f"deployment/{deployment_id}",
        f"deployment/{deployment_id}/resources",
        f"deployment/{deployment_id}/resources/{resource_id}",
        f"deployment/{deployment_id}/resources/{resource_id}/data",
    ]


@pytest.mark.django_db
def test_a_user_without_grants_sees_no_definition_and_may_open_none(catalogue):
    make_user("mallory")
    mallory = basic_client("mallory")
    assert mallory.get(f"{BASE}/process-definition").json() == []
    assert mallory.get(f"{BASE}/process-definition/count").json() == {"count": 0}
    assert mallory.get(f"{BASE}/process-definition/statistics").json() == []
    definition = catalogue[0].process_definitions[0]
    for path in definition_paths(definition.id, "invoice"):
        assert_forbidden(mallory.get(f"{BASE}/{path}"), "mallory")
    # What does not exist stays a 404.
    assert mallory.get(f"{BASE}/process-definition/nope:1:x").status_code == 404
    assert mallory.get(f"{BASE}/process-definition/key/nope").status_code == 404


@pytest.mark.django_db
def test_a_read_grant_on_one_key_shows_only_that_key_while_admins_see_all(catalogue, api):
    make_user("clerk")
    grant("clerk", Resource.PROCESS_DEFINITION, "invoice", Permission.READ)
    clerk = basic_client("clerk")
    listed = clerk.get(f"{BASE}/process-definition").json()
    assert [d["key"] for d in listed] == ["invoice"]
    assert clerk.get(f"{BASE}/process-definition/count").json() == {"count": 1}
    invoice, payroll = (d.process_definitions[0] for d in catalogue)
    for path in definition_paths(invoice.id, "invoice"):
        assert clerk.get(f"{BASE}/{path}").status_code == 200, path
    assert "<bpmn:definitions" in clerk.get(f"{BASE}/process-definition/key/invoice/xml").json()[
        "bpmn20Xml"
    ]
    for path in definition_paths(payroll.id, "payroll"):
        assert_forbidden(clerk.get(f"{BASE}/{path}"), "clerk")
    assert api.get(f"{BASE}/process-definition/count").json() == {"count": 2}


@pytest.mark.django_db
def test_a_user_without_grants_sees_no_deployment_and_may_open_none(catalogue):
    make_user("mallory")
    mallory = basic_client("mallory")
    assert mallory.get(f"{BASE}/deployment").json() == []
    assert mallory.get(f"{BASE}/deployment/count").json() == {"count": 0}
    deployment = catalogue[0].deployment
    resource = deployment.resources.get()
    for path in deployment_paths(deployment.id, resource.id):
        assert_forbidden(mallory.get(f"{BASE}/{path}"), "mallory")


@pytest.mark.django_db
def test_a_read_grant_on_one_deployment_shows_only_it_while_admins_see_all(catalogue, api):
    invoice, payroll = (d.deployment for d in catalogue)
    make_user("clerk")
    grant("clerk", Resource.DEPLOYMENT, invoice.id, Permission.READ)
    clerk = basic_client("clerk")
    assert [d["id"] for d in clerk.get(f"{BASE}/deployment").json()] == [invoice.id]
    assert clerk.get(f"{BASE}/deployment/count").json() == {"count": 1}
    for path in deployment_paths(invoice.id, invoice.resources.get().id):
        assert clerk.get(f"{BASE}/{path}").status_code == 200, path
    for path in deployment_paths(payroll.id, payroll.resources.get().id):
        assert_forbidden(clerk.get(f"{BASE}/{path}"), "clerk")
    assert api.get(f"{BASE}/deployment/count").json() == {"count": 2}


# -- external tasks ----------------------------------------------------------------------------


def external_bpmn(key: str) -> bytes:
    return bpmn_document(
        f"""<bpmn:process id="{key}" isExecutable="true">
  <bpmn:startEvent id="s" />
  <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="ext" />
  <bpmn:serviceTask id="ext" camunda:type="external" camunda:topic="{key}-topic" />
  <bpmn:sequenceFlow id="f2" sourceRef="ext" targetRef="e" />
  <bpmn:endEvent id="e" />
</bpmn:process>"""
    )


@pytest.fixture
def workers(demo_user):
    """One open external task of `billing` and one of `shipping`: key -> task."""
    for key in ("billing", "shipping"):
        deploy([ResourceInput(f"{key}.bpmn", external_bpmn(key))])
        rt.start_process_instance(key)
    return {row.process_definition_key: row for row in ExternalTask.objects.all()}


def external_task_reads(client: Client) -> tuple[list[str], int, list[str]]:
    """(listed task keys, count, topic names) as this client sees them."""
    listed = client.get(f"{BASE}/external-task").json()
    count = client.get(f"{BASE}/external-task/count").json()["count"]
    topics = client.get(f"{BASE}/external-task/topic-names").json()
    return sorted(t["processDefinitionKey"] for t in listed), count, topics


@pytest.mark.django_db(transaction=True)
def test_a_user_without_grants_sees_no_external_task_and_may_open_none(workers):
    make_user("mallory")
    mallory = basic_client("mallory")
    assert external_task_reads(mallory) == ([], 0, [])
    task = workers["billing"]
    for path in (f"external-task/{task.id}", f"external-task/{task.id}/errorDetails"):
        assert_forbidden(mallory.get(f"{BASE}/{path}"), "mallory")
    assert mallory.get(f"{BASE}/external-task/missing").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_read_instance_on_one_key_shows_only_its_external_tasks_while_admins_see_all(workers):
    make_user("operator")
    grant("operator", Resource.PROCESS_DEFINITION, "billing", Permission.READ_INSTANCE)
    operator = basic_client("operator")
    assert external_task_reads(operator) == (["billing"], 1, ["billing-topic"])
    assert operator.get(f"{BASE}/external-task/{workers['billing'].id}").status_code == 200
    assert_forbidden(
        operator.get(f"{BASE}/external-task/{workers['shipping'].id}"), "operator"
    )
    demo = basic_client("demo", "demo")
    assert external_task_reads(demo) == (
        ["billing", "shipping"], 2, ["billing-topic", "shipping-topic"]
    )


@pytest.mark.django_db(transaction=True)
def test_read_on_one_process_instance_shows_only_its_external_task(workers):
    shipping = workers["shipping"]
    make_user("operator")
    grant("operator", Resource.PROCESS_INSTANCE, shipping.process_instance_id, Permission.READ)
    operator = basic_client("operator")
    assert external_task_reads(operator) == (["shipping"], 1, ["shipping-topic"])
    # readable, and without error details: Camunda's 204
    assert operator.get(f"{BASE}/external-task/{shipping.id}/errorDetails").status_code == 204
    assert_forbidden(
        operator.get(f"{BASE}/external-task/{workers['billing'].id}/errorDetails"), "operator"
    )
