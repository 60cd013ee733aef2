"""Standalone tasks over REST: POST /task/create, the task resource on a task of no process,
DELETE /task/{id}, their history and operation log (Camunda's TaskService.newTask)."""

from __future__ import annotations

import pytest

from engine.models import (
    HistoricTaskInstance,
    HistoricVariableInstance,
    Task,
    UserOperationLog,
    VariableInstance,
)
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from identity.resources import Permission, Resource
from tests.factories import one_task_bpmn
from tests.identity.factories import make_user
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import assert_forbidden, basic_client, grant

pytestmark = pytest.mark.django_db


def create(api, **fields):
    return api.post(f"{BASE}/task/create", fields, content_type="application/json")


def test_a_created_task_is_listed_with_no_process_and_kept_in_history(api):
    response = create(
        api,
        id="call-back-anna",
        name="Call back Anna",
        description="About the late delivery",
        assignee="demo",
        priority=70,
        due="2026-12-01T10:00:00.000+0000",
    )
    assert response.status_code == 204, response.content

    task = api.get(f"{BASE}/task/call-back-anna").json()
    assert task["name"] == "Call back Anna"
    assert task["description"] == "About the late delivery"
    assert (task["assignee"], task["priority"]) == ("demo", 70)
    assert task["due"] == "2026-12-01T10:00:00.000+0000"
    for no_process in (
        "processInstanceId",
        "processDefinitionId",
        "executionId",
        "taskDefinitionKey",
        "camundaFormRef",
        "tenantId",
    ):
        assert task[no_process] is None
    listed = api.get(f"{BASE}/task", {"assignee": "demo"}).json()
    assert [t["id"] for t in listed] == ["call-back-anna"]

    history = api.get(f"{BASE}/history/task", {"taskId": "call-back-anna"}).json()
    assert len(history) == 1
    assert history[0]["processInstanceId"] is None
    assert history[0]["processDefinitionKey"] is None
    assert history[0]["endTime"] is None
    created = UserOperationLog.objects.get(task_id="call-back-anna")
    assert (created.operation_type, created.entity_type, created.user_id) == (
        "Create",
        "Task",
        "demo",
    )


def test_a_task_without_id_gets_one_and_the_defaults(api):
    assert create(api, name="Water the plants").status_code == 204
    task = Task.objects.get(name="Water the plants")
    assert task.id
    assert (task.priority, task.assignee, task.process_instance_id) == (50, None, None)


def test_claim_update_delegate_resolve_and_complete_a_standalone_task(api):
    create(api, id="t1", name="Order toner", owner="demo")
    assert api.post(f"{BASE}/task/t1/claim", {"userId": "demo"},
                    content_type="application/json").status_code == 204
    assert Task.objects.get(pk="t1").assignee == "demo"
    assert api.put(f"{BASE}/task/t1", {"name": "Order toner (black)", "priority": 80},
                   content_type="application/json").status_code == 204
    assert api.post(f"{BASE}/task/t1/delegate", {"userId": "john"},
                    content_type="application/json").status_code == 204
    task = Task.objects.get(pk="t1")
    assert (task.name, task.priority) == ("Order toner (black)", 80)
    assert (task.assignee, task.owner, task.delegation_state) == ("john", "demo", "PENDING")
    resolved = api.post(f"{BASE}/task/t1/resolve", {}, content_type="application/json")
    assert resolved.status_code == 204
    task = Task.objects.get(pk="t1")
    assert (task.assignee, task.delegation_state) == ("demo", "RESOLVED")

    done = api.post(f"{BASE}/task/t1/complete", {}, content_type="application/json")
    assert done.status_code == 204
    assert not Task.objects.filter(pk="t1").exists()
    ended = HistoricTaskInstance.objects.get(pk="t1")
    assert ended.end_time is not None
    assert (ended.delete_reason, ended.name, ended.assignee) == (
        "completed",
        "Order toner (black)",
        "demo",
    )
    operations = list(
        UserOperationLog.objects.filter(task_id="t1").values_list("operation_type", flat=True)
    )
    for expected in ("Create", "Claim", "Update", "Delegate", "Resolve", "Complete"):
        assert expected in operations


def test_a_standalone_task_keeps_its_own_variables_until_it_is_completed(api):
    create(api, id="t2", name="Plan the offsite", assignee="demo")
    assert api.get(f"{BASE}/task/t2/variables").json() == {}
    put = api.put(f"{BASE}/task/t2/variables/guests", {"value": 12, "type": "Integer"},
                  content_type="application/json")
    assert put.status_code == 204, put.content
    assert api.get(f"{BASE}/task/t2/localVariables").json() == {
        "guests": {"value": 12, "type": "Integer", "valueInfo": {}}
    }
    changed = api.post(f"{BASE}/task/t2/variables", {
        "modifications": {"venue": {"value": "Lakeside", "type": "String"}},
        "deletions": ["guests"],
    }, content_type="application/json")
    assert changed.status_code == 204
    assert set(api.get(f"{BASE}/task/t2/variables").json()) == {"venue"}
    too_big = api.put(f"{BASE}/task/t2/variables/n", {"value": 2**40, "type": "Integer"},
                      content_type="application/json")
    assert too_big.status_code == 400
    assert set(api.get(f"{BASE}/task/t2/variables").json()) == {"venue"}

    done = api.post(f"{BASE}/task/t2/complete",
                    {"variables": {"approved": {"value": True, "type": "Boolean"}}},
                    content_type="application/json")
    assert done.status_code == 204
    assert not VariableInstance.objects.filter(execution_id="t2").exists()
    kept = dict(
        HistoricVariableInstance.objects.filter(execution_id="t2").values_list("name", "value")
    )
    assert kept == {"guests": 12, "venue": "Lakeside", "approved": True}
    assert HistoricTaskInstance.objects.get(pk="t2").delete_reason == "completed"


def test_the_form_resources_of_a_standalone_task_say_it_has_no_form(api):
    create(api, id="t4", name="Renew the lease", assignee="demo")
    form = api.get(f"{BASE}/task/t4/form").json()
    assert (form["key"], form["camundaFormRef"]) == (None, None)
    assert api.get(f"{BASE}/task/t4/form-variables").json() == {}
    assert api.get(f"{BASE}/task/t4/rendered-form").status_code == 404
    deployed = api.get(f"{BASE}/task/t4/deployed-form")
    assert deployed.status_code == 400
    assert "no form" in deployed.json()["message"]
    links = api.get(f"{BASE}/task/t4/identity-links").json()
    assert {"userId": "demo", "groupId": None, "type": "assignee"} in links
    comment = api.post(f"{BASE}/task/t4/comment/create", {"message": "Call the landlord"},
                       content_type="application/json")
    assert comment.status_code == 200, comment.content
    assert api.get(f"{BASE}/task/t4/comment").json()[0]["message"] == "Call the landlord"
    assert api.post(f"{BASE}/task/t4/submit-form", {}, content_type="application/json"
                    ).status_code == 204
    assert not Task.objects.filter(pk="t4").exists()


def test_delete_removes_a_standalone_task_but_keeps_its_history(api):
    create(api, id="t3", name="Book a room")
    assert api.delete(f"{BASE}/task/t3").status_code == 204
    assert not Task.objects.filter(pk="t3").exists()
    assert HistoricTaskInstance.objects.get(pk="t3").delete_reason == "deleted"
    assert UserOperationLog.objects.filter(task_id="t3", operation_type="Delete").exists()
    # Camunda answers 400 for a task that does not exist.
    missing = api.delete(f"{BASE}/task/t3")
    assert missing.status_code == 400
    assert missing.json()["type"] == "InvalidRequestException"


def test_a_task_of_a_process_cannot_be_deleted(api):
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))])
    started = rt.start_process_instance("invoice")
    task = Task.objects.get(process_instance_id=started.id)
    response = api.delete(f"{BASE}/task/{task.id}")
    assert response.status_code == 500
    assert "part of a running process" in response.json()["message"]
    assert Task.objects.filter(pk=task.id).exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"id": "x", "parentTaskId": "p"}, "Could not save task: Parent task with id 'p' does"),
        ({"id": "x", "parentTaskId": 7}, "'parentTaskId' must be a task id"),
        ({"id": "x", "tenantId": 7}, "'tenantId' must be a string"),
        ({"id": "x", "priority": "high"}, "'priority' must be an integer"),
        ({"id": "x", "due": "tomorrow"}, "Cannot read 'due'"),
        ({"id": "x", "delegationState": "DONE"}, "'delegationState'"),
        ({"id": 7}, "'id' must be a non-empty string"),
        # PostgreSQL would refuse the row with an error naming no field; SQLite keep it whole
        ({"id": "x", "name": "n" * 256}, "name is too long: 256 characters, at most 255"),
        ({"id": "x", "assignee": "a" * 151}, "assignee is too long: 151 characters, at most"),
    ],
)
def test_bad_task_bodies_are_400_and_create_nothing(api, body, message):
    response = create(api, **body)
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": ["Call", "back"]}, "'name' must be a string"),
        ({"owner": {"id": "anna"}}, "'owner' must be a string"),
        ({"priority": 2**40}, "'priority' is out of range for a 32-bit integer"),
        ({"name": "n" * 300}, "name is too long: 300 characters, at most 255"),
        ({"owner": "o" * 151}, "owner is too long: 151 characters, at most 150"),
    ],
)
def test_a_bad_update_is_400_and_changes_nothing(api, body, message):
    assert create(api, id="t9", name="Call back", priority=10).status_code == 204
    response = api.put(f"{BASE}/task/t9", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["message"] == message
    task = Task.objects.get(pk="t9")
    assert (task.name, task.owner, task.priority) == ("Call back", None, 10)


@pytest.mark.parametrize("action", ["claim", "assignee", "delegate"])
def test_an_assignee_longer_than_a_user_id_is_refused(api, action):
    assert create(api, id="t8", name="Call back").status_code == 204
    response = api.post(f"{BASE}/task/t8/{action}", {"userId": "u" * 151},
                        content_type="application/json")
    assert response.status_code == 400
    assert response.json()["message"] == "assignee is too long: 151 characters, at most 150"
    assert Task.objects.get(pk="t8").assignee is None


def test_an_id_that_is_taken_is_refused(api):
    assert create(api, id="same").status_code == 204
    again = create(api, id="same", name="other")
    assert again.status_code == 400
    assert "the id is taken" in again.json()["message"]
    assert Task.objects.get(pk="same").name is None


def test_creating_needs_the_create_permission_on_tasks(demo_user):
    make_user("mallory")
    mallory = basic_client("mallory")
    refused = mallory.post(f"{BASE}/task/create", {"id": "m1"}, content_type="application/json")
    assert_forbidden(refused, "mallory")
    assert not Task.objects.exists()
    grant("mallory", Resource.TASK, "*", Permission.CREATE)
    allowed = mallory.post(
        f"{BASE}/task/create", {"id": "m1", "assignee": "mallory"}, content_type="application/json"
    )
    assert allowed.status_code == 204
    # The assignee works on the task by Camunda's default task permissions.
    assert mallory.get(f"{BASE}/task/m1").status_code == 200
    done = mallory.post(f"{BASE}/task/m1/complete", {}, content_type="application/json")
    assert done.status_code == 204


def test_the_variable_lists_show_a_standalone_tasks_variables(api):
    create(api, id="t5", name="Order lunch", assignee="demo")
    api.put(f"{BASE}/task/t5/variables/dish", {"value": "soup", "type": "String"},
            content_type="application/json")
    listed = api.get(f"{BASE}/variable-instance", {"variableName": "dish"})
    assert listed.status_code == 200, listed.content
    assert [(v["value"], v["processInstanceId"]) for v in listed.json()] == [("soup", None)]
    history = api.get(f"{BASE}/history/variable-instance", {"variableName": "dish"})
    assert history.status_code == 200, history.content
    assert [(v["value"], v["taskId"], v["executionId"]) for v in history.json()] == [
        ("soup", "t5", None)
    ]
    by_task = api.get(f"{BASE}/history/variable-instance", {"taskIdIn": "t5"}).json()
    assert [v["name"] for v in by_task] == ["dish"]
    assert [v["taskId"] for v in api.get(f"{BASE}/variable-instance", {"taskIdIn": "t5"}).json()]\
        == ["t5"]
    details = api.get(f"{BASE}/history/detail", {"variableUpdates": "true"})
    assert details.status_code == 200, details.content


def test_a_standalone_task_counts_as_of_no_tenant(api):
    # Camunda's withoutTenantId is `TENANT_ID_ is null`: a task of no process has none.
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))], name="shared")
    acme = deploy([ResourceInput("acme.bpmn", one_task_bpmn("acme"))], name="acme",
                  tenant_id="acme")
    rt.start_process_instance("invoice")
    rt.start_process_instance(definition_id=acme.process_definitions[0].id)
    assert create(api, id="loose", name="Loose end").status_code == 204
    for path in ("task", "history/task"):
        untenanted = api.get(f"{BASE}/{path}", {"withoutTenantId": "true"}).json()
        names = sorted((t["processDefinitionId"] or t["id"]).split(":")[0] for t in untenanted)
        assert names == ["invoice", "loose"], path
        acme = api.get(f"{BASE}/{path}", {"tenantIdIn": "acme"}).json()
        assert [t["processDefinitionId"].split(":")[0] for t in acme] == ["acme"], path
    body = {"withoutTenantId": True}
    assert api.post(f"{BASE}/task/count", body, content_type="application/json"
                    ).json() == {"count": 2}
