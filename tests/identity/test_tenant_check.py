"""Camunda's tenant check: a user sees and acts on the engine data of their tenants (directly or
through a group) and of no tenant; another tenant's definitions, instances, tasks and history
are absent from REST, cockpit and tasklist, and a command on them is refused. Administrators
and the engine itself see everything."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from engine.models import (
    EventSubscription,
    HistoricActivityInstance,
    HistoricProcessInstance,
    ProcessDefinition,
    ProcessInstance,
    Task,
)
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from identity.models import Tenant, TenantMembership
from identity.resources import Permission, Resource
from identity.tenancy import TenantCheckError
from tests.factories import one_task_bpmn
from tests.identity.factories import GLOBAL, grant_applications, make_user, rule

pytestmark = pytest.mark.django_db
ALL = Permission.ALL


def basic(username: str) -> Client:
    token = base64.b64encode(f"{username}:s3cret-pass-9".encode()).decode()
    return Client(HTTP_AUTHORIZATION=f"Basic {token}")


@pytest.fixture
def tenants(demo_user) -> dict[str, str]:
    """`invoice` deployed for acme and for globex, `shared` for no tenant, one instance of
    each; mary is in acme, bob through his group; everyone may do everything by rule."""
    for resource in (
        Resource.PROCESS_DEFINITION, Resource.PROCESS_INSTANCE, Resource.TASK,
        Resource.DEPLOYMENT, Resource.HISTORIC_PROCESS_INSTANCE, Resource.HISTORIC_TASK,
    ):
        rule(GLOBAL, resource, "*", ALL)
    for name in ("acme", "globex"):
        Tenant.objects.create(id=name, name=name.title())
        deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))], tenant_id=name)
    deploy([ResourceInput("shared.bpmn", one_task_bpmn("shared"))])
    mary = make_user("mary")
    make_user("bob", "acme-staff")
    grant_applications("mary", "cockpit", "tasklist")
    TenantMembership.objects.create(tenant_id="acme", user=mary)
    TenantMembership.objects.create(tenant_id="acme", group=Group.objects.get(name="acme-staff"))
    started = {}
    for key, tenant in (("invoice", "acme"), ("invoice", "globex"), ("shared", None)):
        definition = ProcessDefinition.objects.get(key=key, tenant_id=tenant)
        started[tenant or "none"] = rt.start_process_instance(definition_id=definition.id).id
    return started


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()}


@pytest.mark.parametrize("username", ["mary", "bob"])
def test_lists_hold_the_users_tenants_and_no_tenant(tenants, username):
    client = basic(username)
    visible = {tenants["acme"], tenants["none"]}
    assert ids(client.get("/engine-rest/process-instance")) == visible
    assert client.get("/engine-rest/process-instance/count").json() == {"count": 2}
    assert ids(client.get("/engine-rest/history/process-instance")) == visible
    tasks = client.get("/engine-rest/task").json()
    assert {t["processInstanceId"] for t in tasks} == visible
    definitions = client.get("/engine-rest/process-definition").json()
    assert sorted((d["key"], d["tenantId"]) for d in definitions) == [
        ("invoice", "acme"), ("shared", None)
    ]
    deployments = client.get("/engine-rest/deployment").json()
    assert sorted(str(d["tenantId"]) for d in deployments) == ["None", "acme"]


def test_another_tenants_instance_and_task_are_not_found(tenants):
    client = basic("mary")
    hidden = tenants["globex"]
    task_id = Task.objects.get(process_instance_id=hidden).id  # the engine sees all
    assert client.get(f"/engine-rest/process-instance/{hidden}").status_code == 404
    assert client.get(f"/engine-rest/task/{task_id}").status_code == 404
    response = client.post(f"/engine-rest/task/{task_id}/complete", {}, "application/json")
    assert response.status_code == 404
    assert Task.objects.filter(pk=task_id).exists()


def test_a_command_on_another_tenants_data_is_refused_and_changes_nothing(tenants):
    hidden = tenants["globex"]
    task = Task.objects.get(process_instance_id=hidden)
    with pytest.raises(TenantCheckError, match=f"Cannot work on task '{task.id}' because it "
                       "belongs to no authenticated tenant."):
        rt.complete_task(task.id, user_id="mary")
    with pytest.raises(TenantCheckError, match="create an instance of the process definition"):
        rt.start_process_instance(definition_id=task.process_definition_id, user_id="mary")
    with pytest.raises(TenantCheckError, match=f"delete the process instance '{hidden}'"):
        rt.delete_process_instance(hidden, user_id="mary")
    with pytest.raises(TenantCheckError, match="Cannot deploy for the tenant 'globex'"):
        deploy([ResourceInput("x.bpmn", one_task_bpmn("x"))], tenant_id="globex", user_id="mary")
    assert ProcessInstance.objects.count() == 3
    assert not ProcessDefinition.objects.filter(key="x").exists()
    # Her own tenant's and the shared ones she works on as before.
    rt.complete_task(Task.objects.get(process_instance_id=tenants["acme"]).id, user_id="mary")
    assert HistoricProcessInstance.objects.get(pk=tenants["acme"]).state == "COMPLETED"


def test_cockpit_and_tasklist_show_the_users_tenants_only(tenants):
    client = Client()
    client.force_login(make_user("carol"))  # no tenant: shared data only
    grant_applications("carol", "cockpit", "tasklist")
    page = client.get("/cockpit/processes/").content.decode()
    assert ProcessDefinition.objects.get(key="shared").id in page
    for tenant in ("acme", "globex"):
        assert ProcessDefinition.objects.get(tenant_id=tenant).id not in page
    hidden = tenants["acme"]
    assert client.get(f"/cockpit/instances/{hidden}/").status_code == 404
    shared, other = (Task.objects.get(process_instance_id=tenants[t]).id for t in ("none", "acme"))
    for task_id in (shared, other):
        rt.set_assignee(task_id, "carol")  # the engine itself: no tenant check
    tasks = client.get("/tasklist/?list=mine").content.decode()
    assert shared in tasks
    assert other not in tasks
    assert client.get(f"/tasklist/tasks/{other}/").status_code == 404


def test_administrators_see_every_tenant(tenants, demo_user):
    client = Client()
    client.force_login(demo_user)
    response = client.get("/engine-rest/process-instance")
    assert ids(response) == set(tenants.values())


WAITING = (Path(__file__).parents[1] / "fixtures" / "bpmn" / "event_catches.bpmn").read_bytes()


def test_messages_and_signals_reach_the_senders_tenants_only(tenants):
    waiting = {}
    for tenant in ("acme", "globex", None):
        deploy([ResourceInput("waiting.bpmn", WAITING)], tenant_id=tenant)
        definition = ProcessDefinition.objects.get(key="waiting", tenant_id=tenant)
        waiting[tenant] = rt.start_process_instance(definition_id=definition.id).id
    client = basic("mary")
    response = client.post(
        "/engine-rest/message",
        {"messageName": "PaymentReceived", "all": True, "resultEnabled": True},
        "application/json",
    )
    assert response.status_code == 200, response.content
    reached = {row["execution"]["processInstanceId"] for row in response.json()}
    assert reached == {waiting["acme"], waiting[None]}
    response = client.post("/engine-rest/signal", {"name": "Alarm"}, "application/json")
    assert response.status_code == 204, response.content
    caught = HistoricActivityInstance.objects.filter(activity_id="endAlarm")
    assert set(caught.values_list("process_instance_id", flat=True)) == {
        waiting["acme"], waiting[None]
    }
    # globex's instance still waits at both.
    assert EventSubscription.objects.filter(process_instance_id=waiting["globex"]).count() == 3


def test_the_operation_log_leaves_out_other_tenants(tenants):
    for tenant in ("acme", "globex"):
        task = Task.objects.get(process_instance_id=tenants[tenant])
        rt.set_assignee(task.id, "kermit", user_id="demo")
    rows = basic("mary").get("/engine-rest/history/user-operation?operationType=Assign").json()
    assert {row["processInstanceId"] for row in rows} == {tenants["acme"]}
    everything = basic("demo").get("/engine-rest/history/user-operation?operationType=Assign")
    assert len(everything.json()) == 2
