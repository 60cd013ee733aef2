"""Creating a standalone task in the tasklist, then working and completing it there."""

import pytest

from engine.models import HistoricTaskInstance, Task
from identity.resources import Permission, Resource
from tests.identity.factories import GRANT, rule
from tests.tasklist.conftest import login

pytestmark = pytest.mark.django_db


def notices(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.fixture
def creator(alice):
    rule(GRANT, Resource.TASK, "*", Permission.CREATE, user="alice")
    return alice


def test_a_created_task_is_assigned_to_its_creator_and_completed_from_its_page(creator):
    client = login(creator)
    form = client.get("/tasklist/tasks/create/")
    assert form.status_code == 200
    assert 'value="alice"' in form.content.decode()  # the creator is the default assignee

    created = client.post(
        "/tasklist/tasks/create/",
        {"name": "Call the supplier", "description": "Ask for the new price list",
         "assignee": "alice", "due_date": "2026-12-24T09:30", "priority": "70"},
        follow=True,
    )
    task = Task.objects.get(name="Call the supplier")
    assert created.redirect_chain[-1][0] == f"/tasklist/tasks/{task.id}/"
    assert "Task “Call the supplier” created." in notices(created)
    page = created.content.decode()
    assert "none (a standalone task)" in page
    assert "Ask for the new price list" in page
    assert 'id="diagram"' not in page
    assert (task.assignee, task.priority, task.due_date.day) == ("alice", 70, 24)

    listed = client.get("/tasklist/?list=mine").content.decode()
    assert "Call the supplier" in listed
    assert "Standalone task" in listed

    done = client.post(f"/tasklist/tasks/{task.id}/complete/", follow=True)
    assert "“Call the supplier” completed." in notices(done)
    assert not Task.objects.filter(pk=task.id).exists()
    assert HistoricTaskInstance.objects.get(pk=task.id).delete_reason == "completed"


def test_a_form_with_mistakes_is_shown_again_and_creates_nothing(creator):
    response = login(creator).post(
        "/tasklist/tasks/create/", {"name": "", "due_date": "soon", "priority": "high"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Give the task a name." in page
    assert "Not a date" in page
    assert "whole number" in page
    assert not Task.objects.exists()


def test_without_the_create_permission_the_page_says_so(mallory):
    response = login(mallory).get("/tasklist/tasks/create/")
    assert response.status_code == 403
    assert "needs CREATE on tasks" in response.content.decode()
    refused = login(mallory).post("/tasklist/tasks/create/", {"name": "Sneaky"})
    assert refused.status_code == 403
    assert not Task.objects.exists()


def test_its_creator_owns_the_task_and_keeps_working_on_it_when_unassigned(creator):
    client = login(creator)
    client.post("/tasklist/tasks/create/", {"name": "Tidy the archive", "assignee": "alice"})
    task = Task.objects.get(name="Tidy the archive")
    assert task.owner == "alice"
    client.post(f"/tasklist/tasks/{task.id}/unclaim/")
    assert Task.objects.get(pk=task.id).assignee is None
    comment = client.post(f"/tasklist/tasks/{task.id}/comments/", {"message": "Boxes 3-5 first"},
                          follow=True)
    assert "Boxes 3-5 first" in comment.content.decode()
    assert client.get(f"/tasklist/tasks/{task.id}/diagram.xml").status_code == 404


def test_a_member_of_tenants_creates_a_task_for_one_of_them(creator):
    from tests.identity.factories import join_tenant

    client = login(creator)
    assert 'name="tenant_id"' not in client.get("/tasklist/tasks/create/").content.decode()
    join_tenant("alice", "north")
    form = client.get("/tasklist/tasks/create/").content.decode()
    assert '<option value="north">north</option>' in form
    refused = client.post("/tasklist/tasks/create/", {"name": "Sneaky", "tenant_id": "south"})
    assert refused.status_code == 422
    assert "Choose one of your tenants." in refused.content.decode()
    client.post("/tasklist/tasks/create/", {"name": "Audit north", "tenant_id": "north"})
    client.post("/tasklist/tasks/create/", {"name": "Shared chore", "tenant_id": ""})
    assert dict(Task.objects.values_list("name", "tenant_id")) == {
        "Audit north": "north", "Shared chore": None}
