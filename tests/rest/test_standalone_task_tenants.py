"""A task of no process may belong to a tenant (POST /task/create with `tenantId`, Camunda's
TaskEntity.tenantId): listed, filtered and checked as the data of that tenant, its subtasks
with it, its history too."""

from __future__ import annotations

import pytest

from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from identity.resources import Permission, Resource
from tests.factories import one_task_bpmn
from tests.identity.factories import GRANT, join_tenant, make_user, rule
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import basic_client

pytestmark = pytest.mark.django_db
JSON = "application/json"


def create(client, **fields):
    return client.post(f"{BASE}/task/create", fields, content_type=JSON)


def ids(client, path: str, **params) -> list[str]:
    response = client.get(f"{BASE}/{path}", params)
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json())


@pytest.fixture
def tasks(api) -> dict[str, str]:
    """`acme-call` of tenant acme, `loose` of none, and the task of an instance of tenant
    beta's definition."""
    beta = deploy([ResourceInput("beta.bpmn", one_task_bpmn("beta"))], name="beta",
                  tenant_id="beta")
    rt.start_process_instance(definition_id=beta.process_definitions[0].id)
    assert create(api, id="acme-call", name="Call ACME", tenantId="acme").status_code == 204
    assert create(api, id="loose", name="Loose end").status_code == 204
    (beta_task,) = ids(api, "task", tenantIdIn="beta")
    return {"acme": "acme-call", "loose": "loose", "beta": beta_task}


def test_its_tenant_is_answered_filtered_and_kept_in_history(api, tasks):
    assert api.get(f"{BASE}/task/acme-call").json()["tenantId"] == "acme"
    assert api.get(f"{BASE}/task/loose").json()["tenantId"] is None
    for path in ("task", "history/task"):
        assert ids(api, path, tenantIdIn="acme") == ["acme-call"], path
        assert ids(api, path, tenantIdIn="acme,beta") == sorted(
            ["acme-call", tasks["beta"]]), path
        assert ids(api, path, withoutTenantId="true") == ["loose"], path
    (historic,) = api.get(f"{BASE}/history/task", {"taskId": "acme-call"}).json()
    assert historic["tenantId"] == "acme"
    body = {"orQueries": [{"tenantIdIn": ["acme"], "name": "Loose end"}]}
    listed = api.post(f"{BASE}/task", body, content_type=JSON).json()
    assert sorted(t["id"] for t in listed) == ["acme-call", "loose"]


def test_only_members_of_its_tenant_see_it_or_create_one(api, tasks):
    for name, tenant in (("mary", "acme"), ("bob", "beta")):
        make_user(name)
        join_tenant(name, tenant)
        rule(GRANT, Resource.TASK, "*", Permission.READ, Permission.CREATE, user=name)
        rule(GRANT, Resource.PROCESS_DEFINITION, "*", Permission.READ_TASK, user=name)
    mary, bob = basic_client("mary"), basic_client("bob")
    assert ids(mary, "task") == ["acme-call", "loose"]
    assert ids(bob, "task") == sorted(["loose", tasks["beta"]])
    assert bob.get(f"{BASE}/task/acme-call").status_code == 404
    refused = create(bob, id="for-acme", tenantId="acme")
    assert refused.status_code == 500
    assert refused.json()["message"] == (
        "Cannot create the task 'for-acme' because it belongs to no authenticated tenant.")
    assert ids(api, "task", taskId="for-acme") == []
    assert create(mary, id="mine", tenantId="acme").status_code == 204
    assert ids(mary, "task", tenantIdIn="acme") == ["acme-call", "mine"]


def test_a_subtask_is_of_its_parents_tenant(api, tasks):
    assert create(api, id="sub", parentTaskId="acme-call").status_code == 204
    assert api.get(f"{BASE}/task/sub").json()["tenantId"] == "acme"
    assert create(api, id="sub-beta", parentTaskId=tasks["beta"]).status_code == 204
    assert api.get(f"{BASE}/task/sub-beta").json()["tenantId"] == "beta"
    refused = create(api, id="other", parentTaskId="acme-call", tenantId="beta")
    assert refused.status_code == 500
    assert refused.json()["message"] == (
        "Cannot set different tenantId on subtask than on parent Task. Parent taskId: "
        "'acme-call', tenantId: 'acme', tenant id to set 'beta'")
    assert ids(api, "task", taskId="other") == []


def test_its_tenant_cannot_change(api, tasks):
    task = api.get(f"{BASE}/task/acme-call").json()
    assert api.put(f"{BASE}/task/acme-call", {**task, "name": "Call ACME back"},
                   content_type=JSON).status_code == 204
    moved = api.put(f"{BASE}/task/acme-call", {**task, "tenantId": "beta"}, content_type=JSON)
    assert moved.status_code == 500
    assert moved.json()["message"] == (
        "ENGINE-03072 Cannot change tenantId of Task 'acme-call'. Current tenant id 'acme', "
        "Tenant id to set 'beta'")
    assert api.get(f"{BASE}/task/acme-call").json()["tenantId"] == "acme"


def test_its_variables_are_its_tenants_data(api, tasks):
    for task in ("acme-call", "loose"):
        assert api.put(f"{BASE}/task/{task}/variables/note", {"value": task},
                       content_type=JSON).status_code == 204
    make_user("bob")
    join_tenant("bob", "beta")
    for resource in (Resource.PROCESS_INSTANCE, Resource.TASK, Resource.HISTORIC_TASK):
        rule(GRANT, resource, "*", Permission.READ, user="bob")
    rule(GRANT, Resource.PROCESS_DEFINITION, "*", Permission.READ_HISTORY,
         Permission.READ_TASK, Permission.READ_INSTANCE, user="bob")
    bob = basic_client("bob")
    for path in ("variable-instance", "history/variable-instance"):
        notes = [v["value"] for v in api.get(f"{BASE}/{path}", {"variableName": "note"}).json()]
        assert sorted(notes) == ["acme-call", "loose"], path
        seen = [v["value"] for v in bob.get(f"{BASE}/{path}", {"variableName": "note"}).json()]
        assert seen == ["loose"], path
    assert bob.get(f"{BASE}/task/acme-call/variables").status_code == 404
    by_tenant = api.get(f"{BASE}/history/variable-instance",
                        {"variableName": "note", "tenantIdIn": "acme"}).json()
    assert [v["value"] for v in by_tenant] == ["acme-call"]
    untenanted = api.get(f"{BASE}/history/variable-instance",
                         {"variableName": "note", "withoutTenantId": "true"}).json()
    assert [v["value"] for v in untenanted] == ["loose"]
