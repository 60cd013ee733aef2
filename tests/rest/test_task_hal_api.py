"""`Accept: application/hal+json` on the task lists (GET /task, /filter/{id}/list): Camunda's
HAL task list, with the users and definitions the tasks link to and, for a filter, the
values of the variables it names."""

from __future__ import annotations

import pytest

from engine.models import Task
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import one_task_bpmn
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db

HAL = "application/hal+json"
HAL_TASK_FIELDS = [
    "_links", "_embedded", "id", "name", "assignee", "created", "due", "followUp",
    "delegationState", "description", "executionId", "owner", "parentTaskId", "priority",
    "processDefinitionId", "processInstanceId", "taskDefinitionKey", "caseExecutionId",
    "caseInstanceId", "caseDefinitionId", "suspended", "formKey", "tenantId",
]


@pytest.fixture
def tasks(demo_user) -> list[Task]:
    """Three invoice tasks, the first assigned to demo, each instance with an amount."""
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))])
    found = []
    for amount in (10, 20, 30):
        started = rt.start_process_instance("invoice", variables={"amount": amount})
        found.append(Task.objects.get(process_instance_id=started.id))
    rt.claim_task(found[0].id, "demo")
    return found


def test_a_hal_task_list_embeds_the_page_its_links_and_the_total_count(api, tasks):
    response = api.get(
        f"{BASE}/task?sortBy=created&sortOrder=asc&maxResults=2", HTTP_ACCEPT=HAL
    )
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == HAL
    body = response.json()
    assert body["count"] == 3  # the query's total, not the page's
    assert body["_links"] == {"self": {"href": "/task"}}
    embedded = body["_embedded"]
    assert sorted(embedded) == ["assignee", "processDefinition", "task"]  # no owner anywhere
    first, second = embedded["task"]
    assert list(first) == HAL_TASK_FIELDS
    assert (first["id"], first["assignee"], second["id"]) == (tasks[0].id, "demo", tasks[1].id)
    task = tasks[0]
    assert first["_links"] == {
        "assignee": {"href": "/user/demo"},
        "execution": {"href": f"/execution/{task.execution_id}"},
        "identityLink": {"href": f"/task/{task.id}/identity-links"},
        "processDefinition": {"href": f"/process-definition/{task.process_definition_id}"},
        "processInstance": {"href": f"/process-instance/{task.process_instance_id}"},
        "self": {"href": f"/task/{task.id}"},
    }
    assert "assignee" not in second["_links"]
    (user,) = embedded["assignee"]
    assert (user["id"], user["_links"]) == ("demo", {"self": {"href": "/user/demo"}})
    (definition,) = embedded["processDefinition"]
    assert (definition["id"], definition["key"]) == (task.process_definition_id, "invoice")


def test_without_asking_for_hal_the_list_stays_plain_task_dtos(api, tasks):
    for accept in ("application/json", "*/*"):
        body = api.get(f"{BASE}/task", HTTP_ACCEPT=accept).json()
        assert isinstance(body, list)
        assert len(body) == 3
        assert "camundaFormRef" in body[0]


def test_an_empty_hal_list_is_camundas_empty_collection(api, tasks):
    body = api.get(f"{BASE}/task?assignee=nobody", HTTP_ACCEPT=HAL).json()
    assert body == {"_links": {}, "_embedded": {}, "count": 0}


def test_a_filters_hal_list_embeds_the_variables_it_names_nearest_scope_first(api, tasks):
    rt.set_task_variables(tasks[1].id, {"amount": 99, "note": "urgent"}, local=True)
    created = api.post(
        f"{BASE}/filter/create",
        {"resourceType": "Task", "name": "Invoices", "query": {},
         "properties": {"variables": [{"name": "amount", "label": "Amount"},
                                      {"name": "note", "label": "Note"}]}},
        content_type="application/json",
    ).json()
    url = f"{BASE}/filter/{created['id']}/list?sortBy=created&sortOrder=asc"
    body = api.get(url, HTTP_ACCEPT=HAL).json()
    assert body["count"] == 3
    values = {
        task["id"]: {v["name"]: (v["value"], v["type"], v["_links"]["self"]["href"])
                     for v in task["_embedded"]["variable"]}
        for task in body["_embedded"]["task"]
    }
    first, second = tasks[0], tasks[1]
    assert values[first.id] == {
        "amount": (10, "Integer", f"/process-instance/{first.process_instance_id}/variables/amount")
    }
    # The task's own (local) values hide the instance's of the same name.
    assert values[second.id]["amount"][0] == 99
    assert values[second.id]["note"][:2] == ("urgent", "String")
    assert not values[second.id]["amount"][2].startswith("/process-instance/")
    # POST extends the filter and answers HAL too; plain JSON has no embedded variables.
    posted = api.post(url, {"assignee": "demo"}, content_type="application/json",
                      HTTP_ACCEPT=HAL).json()
    assert [t["id"] for t in posted["_embedded"]["task"]] == [first.id]
    assert isinstance(api.get(url).json(), list)


def test_the_openapi_document_names_the_hal_answers():
    from engine.rest.openapi import document

    paths = document()["paths"]
    for path, method in (("/task", "get"), ("/filter/{id}/list", "post")):
        content = paths[path][method]["responses"]["200"]["content"]
        assert content["application/hal+json"]["schema"]["$ref"].endswith("/HalTaskList")
    assert "application/hal+json" not in paths["/task/count"]["get"]["responses"]["200"]["content"]


def test_one_task_as_hal_embeds_its_definition_identity_links_users_and_groups(api, tasks):
    from django.contrib.auth.models import Group

    from engine.services.identity_links import IdentityLink, add_identity_link

    Group.objects.get_or_create(name="accounting")
    task = tasks[0]
    add_identity_link(task.id, IdentityLink("candidate", group_id="accounting"))
    add_identity_link(task.id, IdentityLink("candidate", group_id="nobody-has-it"))
    body = api.get(f"{BASE}/task/{task.id}", HTTP_ACCEPT=HAL).json()
    assert body["id"] == task.id
    assert body["_links"]["self"] == {"href": f"/task/{task.id}"}
    embedded = body["_embedded"]
    assert [d["id"] for d in embedded["processDefinition"]] == [task.process_definition_id]
    links = {(link["type"], link["userId"], link["groupId"]) for link in embedded["identityLink"]}
    assert links == {
        ("assignee", "demo", None), ("candidate", None, "accounting"),
        ("candidate", None, "nobody-has-it"),
    }
    assert [user["id"] for user in embedded["user"]] == ["demo"]
    assert [group["id"] for group in embedded["group"]] == ["accounting"]  # existing ones
    plain = api.get(f"{BASE}/task/{task.id}").json()
    assert "_links" not in plain
