"""Subtasks over REST as Camunda 7 serves them: POST /task/create with `parentTaskId`,
PUT /task/{id} changing it, the `parentTaskId` query and DTO field, DELETE taking the
subtasks along, and `/history/task` with `parentTaskId` and `taskParentTaskId`."""

from __future__ import annotations

import pytest

from engine.models import HistoricTaskInstance, Task, UserOperationLog
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import one_task_bpmn
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db
HAL = "application/hal+json"


def create(api, **fields):
    return api.post(f"{BASE}/task/create", fields, content_type="application/json")


def update(api, task_id, **fields):
    return api.put(f"{BASE}/task/{task_id}", fields, content_type="application/json")


@pytest.fixture
def family(api):
    """`plan` with the subtasks `boxes` and `van`, and `other` on its own."""
    for fields in ({"id": "plan", "name": "Plan the move"},
                   {"id": "boxes", "name": "Buy boxes", "parentTaskId": "plan"},
                   {"id": "van", "name": "Book a van", "parentTaskId": "plan"},
                   {"id": "other", "name": "Water the plants"}):
        assert create(api, **fields).status_code == 204
    return api


def test_a_subtask_shows_its_parent_in_every_task_answer(family):
    assert family.get(f"{BASE}/task/boxes").json()["parentTaskId"] == "plan"
    assert family.get(f"{BASE}/task/plan").json()["parentTaskId"] is None
    listed = {t["id"]: t["parentTaskId"] for t in family.get(f"{BASE}/task").json()}
    assert listed == {"plan": None, "boxes": "plan", "van": "plan", "other": None}
    hal = family.get(f"{BASE}/task/boxes", HTTP_ACCEPT=HAL).json()
    assert hal["_links"]["parentTask"] == {"href": "/task/plan"}


def test_the_task_query_finds_the_subtasks_of_a_task(family):
    found = family.get(f"{BASE}/task", {"parentTaskId": "plan", "sortBy": "name",
                                        "sortOrder": "asc"}).json()
    assert [t["id"] for t in found] == ["van", "boxes"]
    assert family.get(f"{BASE}/task/count", {"parentTaskId": "plan"}).json() == {"count": 2}
    posted = family.post(f"{BASE}/task/count", {"parentTaskId": "boxes"},
                         content_type="application/json")
    assert posted.json() == {"count": 0}


def test_a_filter_lists_subtasks_with_their_parent(family):
    saved = family.post(f"{BASE}/filter/create", {"resourceType": "Task", "name": "B",
                        "query": {"nameLike": "B%"}}, content_type="application/json")
    listed = family.get(f"{BASE}/filter/{saved.json()['id']}/list").json()
    assert {(t["id"], t["parentTaskId"]) for t in listed} == {("boxes", "plan"), ("van", "plan")}


def test_an_unknown_parent_is_a_400_and_creates_nothing(api):
    response = create(api, id="orphan", name="Lost", parentTaskId="ghost")
    assert response.status_code == 400
    assert response.json() == {
        "type": "InvalidRequestException",
        "message": "Could not save task: Parent task with id 'ghost' does not exist: "
                   "parentTask is null",
                   "code": None,
    }
    assert not Task.objects.exists()
    assert not HistoricTaskInstance.objects.exists()
    assert not UserOperationLog.objects.exists()


def test_a_task_of_a_process_takes_subtasks_and_completing_it_ends_them(api):
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))])
    task = Task.objects.get(process_instance_id=rt.start_process_instance("invoice").id)
    assert create(api, id="check", parentTaskId=task.id).status_code == 204
    assert api.post(f"{BASE}/task/{task.id}/complete", {}, content_type="application/json"
                    ).status_code == 204
    assert api.get(f"{BASE}/task/check").status_code == 404
    done = api.get(f"{BASE}/history/task", {"taskId": "check"}).json()[0]
    assert (done["parentTaskId"], done["deleteReason"]) == (task.id, "completed")


def test_put_moves_a_task_under_a_parent_and_out_again(family):
    assert update(family, "other", parentTaskId="van").status_code == 204
    assert family.get(f"{BASE}/task/other").json()["parentTaskId"] == "van"
    # Fields the body leaves out stay as they are.
    assert update(family, "other", name="Water the plants first").status_code == 204
    assert Task.objects.get(pk="other").parent_task_id == "van"
    assert update(family, "other", parentTaskId=None).status_code == 204
    assert family.get(f"{BASE}/task/other").json()["parentTaskId"] is None


@pytest.mark.parametrize(
    ("task_id", "parent", "message"),
    [
        ("other", "ghost", "Parent task with id 'ghost' does not exist"),
        ("plan", "boxes", "cannot become a subtask of boxes"),
        ("plan", "plan", "cannot become a subtask of plan"),
        ("plan", 42, "'parentTaskId' must be a task id"),
    ],
)
def test_put_refuses_a_parent_that_cannot_work_and_changes_nothing(family, task_id, parent,
                                                                   message):
    response = update(family, task_id, parentTaskId=parent, name="Renamed")
    assert response.status_code == 400
    assert response.json()["type"] == "InvalidRequestException"
    assert message in response.json()["message"]
    unchanged = Task.objects.get(pk=task_id)
    assert (unchanged.parent_task_id, unchanged.name) == (None, "Plan the move"
                                                          if task_id == "plan" else
                                                          "Water the plants")
    assert not UserOperationLog.objects.filter(operation_type="Update").exists()


def test_put_cannot_make_a_task_of_a_process_a_subtask(family):
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))])
    task = Task.objects.get(process_instance_id=rt.start_process_instance("invoice").id)
    response = update(family, task.id, parentTaskId="plan")
    assert response.status_code == 400
    assert "belongs to a process" in response.json()["message"]
    assert Task.objects.get(pk=task.id).parent_task_id is None


def test_deleting_a_parent_deletes_its_subtasks(family):
    assert family.delete(f"{BASE}/task/plan").status_code == 204
    assert set(Task.objects.values_list("id", flat=True)) == {"other"}
    ended = family.get(f"{BASE}/history/task", {"taskParentTaskId": "plan"}).json()
    assert {(t["id"], t["deleteReason"]) for t in ended} == {("boxes", "deleted"),
                                                             ("van", "deleted")}


def test_history_names_the_parent_and_finds_subtasks_by_it(family):
    rows = family.get(f"{BASE}/history/task", {"taskParentTaskId": "plan"}).json()
    assert {(t["id"], t["parentTaskId"]) for t in rows} == {("boxes", "plan"), ("van", "plan")}
    count = family.get(f"{BASE}/history/task/count", {"taskParentTaskId": "plan"}).json()
    assert count == {"count": 2}
    plan = family.get(f"{BASE}/history/task", {"taskId": "plan"}).json()[0]
    assert plan["parentTaskId"] is None
