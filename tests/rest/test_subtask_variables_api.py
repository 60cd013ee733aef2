"""A subtask's variables over REST, by Camunda's scopes (the parent task is a subtask's
parent variable scope): `/variables` shows the parents' too, `/localVariables` its own; a
write lands where the variable already is up the parents, else on the topmost scope; and a
filter may ask for the subtasks of a task (`parentTaskId`)."""

from __future__ import annotations

import pytest

from engine.models import Task
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import one_task_bpmn
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db
JSON = "application/json"


def values(response) -> dict:
    assert response.status_code == 200, response.content
    return {name: dto["value"] for name, dto in response.json().items()}


@pytest.fixture
def family(api):
    """`plan` holds `budget`; `boxes`, its subtask, holds `count`; `other` stands alone."""
    for fields in ({"id": "plan", "name": "Plan the move"},
                   {"id": "boxes", "name": "Buy boxes", "parentTaskId": "plan"},
                   {"id": "other", "name": "Water the plants"}):
        assert api.post(f"{BASE}/task/create", fields, content_type=JSON).status_code == 204
    for task_id, name, value in (("plan", "budget", 900), ("boxes", "count", 12)):
        response = api.put(f"{BASE}/task/{task_id}/localVariables/{name}",
                           {"value": value, "type": "Integer"}, content_type=JSON)
        assert response.status_code == 204
    return api


def test_a_subtask_shows_its_parents_variables_but_keeps_its_local_ones(family):
    assert values(family.get(f"{BASE}/task/boxes/variables")) == {"budget": 900, "count": 12}
    assert values(family.get(f"{BASE}/task/boxes/localVariables")) == {"count": 12}
    assert values(family.get(f"{BASE}/task/plan/variables")) == {"budget": 900}
    one = family.get(f"{BASE}/task/boxes/variables/budget").json()
    assert (one["value"], one["type"]) == (900, "Integer")
    missing = family.get(f"{BASE}/task/boxes/localVariables/budget")
    assert missing.status_code == 404
    assert missing.json()["message"] == "task variable with name budget does not exist"
    listed = family.get(f"{BASE}/task", {"taskId": "boxes", "withTaskVariablesInReturn": "true"})
    assert listed.json()[0]["variables"]["budget"]["value"] == 900


def test_a_write_through_a_subtask_updates_the_parent_and_its_history(family):
    response = family.put(f"{BASE}/task/boxes/variables/budget",
                          {"value": 1200, "type": "Integer"}, content_type=JSON)
    assert response.status_code == 204
    assert values(family.get(f"{BASE}/task/plan/localVariables")) == {"budget": 1200}
    assert values(family.get(f"{BASE}/task/boxes/localVariables")) == {"count": 12}
    history = family.get(f"{BASE}/history/variable-instance", {"variableName": "budget"}).json()
    assert [(h["taskId"], h["value"]) for h in history] == [("plan", 1200)]


def test_modifications_and_deletions_through_a_subtask_follow_the_scopes(family):
    body = {"modifications": {"van": {"value": "booked"}, "count": {"value": 20}},
            "deletions": ["budget"]}
    response = family.post(f"{BASE}/task/boxes/variables", body, content_type=JSON)
    assert response.status_code == 204
    assert values(family.get(f"{BASE}/task/plan/localVariables")) == {"van": "booked"}
    assert values(family.get(f"{BASE}/task/boxes/localVariables")) == {"count": 20}


def test_completing_a_subtask_sets_its_variables_on_the_parent_and_answers_them(family):
    body = {"variables": {"boxesBought": {"value": True}}, "withVariablesInReturn": True}
    response = family.post(f"{BASE}/task/boxes/complete", body, content_type=JSON)
    assert values(response) == {"boxesBought": True, "budget": 900, "count": 12}
    assert values(family.get(f"{BASE}/task/plan/variables")) == {"boxesBought": True,
                                                                 "budget": 900}


def test_a_subtask_of_a_process_task_reaches_the_process_variables(api):
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))])
    started = rt.start_process_instance("invoice", variables={"amount": 120})
    task = Task.objects.get(process_instance_id=started.id)
    created = {"id": "check", "parentTaskId": task.id}
    assert api.post(f"{BASE}/task/create", created, content_type=JSON).status_code == 204
    assert values(api.get(f"{BASE}/task/check/variables")) == {"amount": 120}
    api.put(f"{BASE}/task/check/variables/amount", {"value": 99}, content_type=JSON)
    instance = api.get(f"{BASE}/process-instance/{started.id}/variables")
    assert values(instance) == {"amount": 99}


def test_a_filter_lists_the_subtasks_of_a_task(family):
    family.post(f"{BASE}/task/create", {"id": "van", "name": "Book a van", "parentTaskId": "plan"},
                content_type=JSON)
    saved = family.post(f"{BASE}/filter/create", {"resourceType": "Task", "name": "Move",
                        "query": {"parentTaskId": "plan"}}, content_type=JSON)
    assert saved.status_code == 200, saved.content
    filter_id = saved.json()["id"]
    assert family.get(f"{BASE}/filter/{filter_id}").json()["query"] == {"parentTaskId": "plan"}
    listed = family.get(f"{BASE}/filter/{filter_id}/list").json()
    assert sorted(t["id"] for t in listed) == ["boxes", "van"]
    assert family.get(f"{BASE}/filter/{filter_id}/count").json() == {"count": 2}
    # A request's query narrows it further (Camunda's extend).
    narrowed = family.post(f"{BASE}/filter/{filter_id}/list", {"nameLike": "Book%"},
                           content_type=JSON).json()
    assert [t["id"] for t in narrowed] == ["van"]


def test_a_filter_refuses_a_parent_task_id_that_is_not_text(api):
    response = api.post(f"{BASE}/filter/create", {"resourceType": "Task", "name": "Bad",
                        "query": {"parentTaskId": 42}}, content_type=JSON)
    assert response.status_code == 400
    assert response.json() == {
        "type": "InvalidRequestException",
        "message": "Cannot set filter query key 'parentTaskId' to value '42'",
        "code": None,
    }
