"""Subtasks on a task's page: the list of them, the form that adds one, the parent link."""

import pytest

from engine.errors import BadRequestError
from engine.models import Task
from engine.services import runtime
from engine.services.standalone_tasks import create_task
from identity.resources import Permission, Resource
from tasklist.filters import create_filter
from tests.identity.factories import GRANT, rule
from tests.tasklist.conftest import login, start_kyc

pytestmark = pytest.mark.django_db


def notices(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.fixture
def creator(alice):
    rule(GRANT, Resource.TASK, "*", Permission.CREATE, user="alice")
    return alice


def test_a_subtask_added_on_a_process_tasks_page_is_listed_and_links_back(demo, creator):
    review = start_kyc()
    client = login(creator)
    page = client.get(f"/tasklist/tasks/{review.id}/").content.decode()
    assert "No open subtasks." in page
    assert "Add subtask" in page

    added = client.post(f"/tasklist/tasks/{review.id}/subtasks/",
                        {"name": "Call the bank", "assignee": "alice"}, follow=True)
    assert added.redirect_chain[-1][0] == f"/tasklist/tasks/{review.id}/"
    assert "Subtask “Call the bank” created." in notices(added)
    subtask = Task.objects.get(name="Call the bank")
    assert (subtask.parent_task_id, subtask.owner, subtask.assignee) == (review.id, "alice",
                                                                         "alice")
    assert f'href="/tasklist/tasks/{subtask.id}/">Call the bank</a>' in added.content.decode()

    own_page = client.get(f"/tasklist/tasks/{subtask.id}/").content.decode()
    assert "Subtask of" in own_page
    assert f'href="/tasklist/tasks/{review.id}/"' in own_page


def test_without_the_create_permission_there_is_no_form_and_posting_is_refused(demo, alice):
    review = start_kyc()
    client = login(alice)
    assert "Add subtask" not in client.get(f"/tasklist/tasks/{review.id}/").content.decode()
    refused = client.post(f"/tasklist/tasks/{review.id}/subtasks/", {"name": "Sneaky"})
    assert refused.status_code == 403
    assert "needs CREATE on tasks" in refused.content.decode()
    assert not Task.objects.filter(parent_task_id=review.id).exists()


def test_a_subtask_without_a_name_is_not_created(demo, creator):
    review = start_kyc()
    answer = login(creator).post(f"/tasklist/tasks/{review.id}/subtasks/", {"name": " "},
                                 follow=True)
    assert "Give the subtask a name" in notices(answer)
    assert not Task.objects.filter(parent_task_id=review.id).exists()


def test_subtasks_the_user_may_not_see_are_only_counted(demo, creator):
    review = start_kyc()
    create_task(name="Visible", assignee="alice", parent_task_id=review.id)
    create_task(name="Secret", assignee="bob", parent_task_id=review.id)
    page = login(creator).get(f"/tasklist/tasks/{review.id}/").content.decode()
    assert "Visible" in page
    assert "Secret" not in page
    assert "1 more that you may not see." in page


def test_completing_the_parent_on_its_page_ends_its_subtasks(creator):
    client = login(creator)
    client.post("/tasklist/tasks/create/", {"name": "Move house", "assignee": "alice"})
    parent = Task.objects.get(name="Move house")
    client.post(f"/tasklist/tasks/{parent.id}/subtasks/", {"name": "Pack", "assignee": "alice"})
    client.post(f"/tasklist/tasks/{parent.id}/complete/")
    assert not Task.objects.exists()


def test_the_subtask_list_alone_is_served_for_live_updates(demo, creator):
    review = start_kyc()
    create_task(task_id="call", name="Call the bank", assignee="alice", parent_task_id=review.id)
    create_task(name="Secret", assignee="bob", parent_task_id=review.id)
    client = login(creator)
    part = client.get(f"/tasklist/tasks/{review.id}/subtasks/list/")
    body = part.content.decode()
    assert part.status_code == 200
    assert 'href="/tasklist/tasks/call/">Call the bank</a>' in body
    assert "Secret" not in body
    assert "1 more that you may not see." in body
    assert 'data-subtask-ids="call ' in body
    assert "<form" not in body  # the add form stays on the page, whatever is typed in it
    runtime.complete_task("call", user_id="alice")
    assert "No open subtasks that you may see." in client.get(
        f"/tasklist/tasks/{review.id}/subtasks/list/").content.decode()
    assert client.get("/tasklist/tasks/gone/subtasks/list/").status_code == 404


def test_the_subtask_list_of_a_task_the_user_may_not_see_is_refused(demo, creator, mallory):
    review = start_kyc()
    create_task(name="Secret", assignee="alice", parent_task_id=review.id)
    assert login(mallory).get(f"/tasklist/tasks/{review.id}/subtasks/list/").status_code == 403


def test_a_saved_filter_of_a_tasks_subtasks_lists_them(demo, creator):
    review = start_kyc()
    create_task(name="Call the bank", assignee="alice", parent_task_id=review.id)
    create_task(name="Unrelated", assignee="alice")
    rule(GRANT, Resource.FILTER, "*", Permission.CREATE, user="alice")
    saved = create_filter(creator, name="Bank calls",
                          query={"list": "all", "parent_task_id": review.id})
    page = login(creator).get(f"/tasklist/?list=filter-{saved.pk}").content.decode()
    assert "Call the bank" in page
    assert "Unrelated" not in page
    assert f"/tasklist/tasks/{review.id}/" not in page
    with pytest.raises(BadRequestError, match="parent_task_id"):
        create_filter(creator, name="Bad", query={"parent_task_id": ""})
