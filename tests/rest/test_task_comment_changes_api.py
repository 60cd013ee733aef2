"""Changing a task's comments afterwards (Camunda 7.21): PUT /task/{id}/comment (and
Legato's older PUT /task/comment), DELETE
/task/{id}/comment/{commentId}, DELETE /task/{id}/comment; and deleting one's own comment
on the tasklist's task page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from engine.models import Task, UserOperationLog
from tasklist.models import TaskComment
from tests.identity.factories import make_user
from tests.rest.batch_helpers import start_instances
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import basic_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(demo_user) -> Task:
    [instance_id] = start_instances(1)
    return Task.objects.get(process_instance_id=instance_id)


def comment(api, task, message):
    return api.post(f"{BASE}/task/{task.id}/comment/create", {"message": message},
                    content_type="application/json").json()["id"]


def test_a_comment_is_changed_and_deleted_and_each_change_logged(api, task):
    first, second = comment(api, task, "Call the supplier"), comment(api, task, "Done")
    put = api.put(f"{BASE}/task/comment", {"id": first, "taskId": task.id,
                                          "message": "Call the supplier again"},
                  content_type="application/json")
    assert put.status_code == 204
    assert api.get(f"{BASE}/task/{task.id}/comment/{first}").json()["message"] \
        == "Call the supplier again"
    assert api.delete(f"{BASE}/task/{task.id}/comment/{second}").status_code == 204
    assert [c["id"] for c in api.get(f"{BASE}/task/{task.id}/comment").json()] == [first]
    assert api.delete(f"{BASE}/task/{task.id}/comment").status_code == 204
    assert not TaskComment.objects.exists()
    logged = UserOperationLog.objects.filter(entity_type="Comment").order_by("id")
    assert [(e.operation_type, e.org_value, e.new_value) for e in logged] == [
        ("UpdateComment", "Call the supplier", "Call the supplier again"),
        ("DeleteComment", "Done", None),
        ("DeleteComment", "Call the supplier again", None),
    ]


def test_bad_changes_are_400_or_404_and_others_need_work_on_the_task(api, task):
    first = comment(api, task, "Hello")
    url = f"{BASE}/task/comment"
    empty = api.put(url, {"id": first, "taskId": task.id, "message": " "},
                    content_type="application/json")
    assert empty.status_code == 400
    missing = api.put(url, {"id": "999", "taskId": task.id, "message": "x"},
                      content_type="application/json")
    assert missing.status_code == 400  # Camunda's NullValueException
    assert api.put(url, {"message": "x"}, content_type="application/json").status_code == 400
    make_user("mallory")
    mallory = basic_client("mallory")
    assert mallory.delete(f"{BASE}/task/{task.id}/comment/{first}").status_code == 403
    assert TaskComment.objects.get().message == "Hello"


def test_the_tasklist_deletes_ones_own_comment(client, task, demo_user):
    from engine.services.runtime import claim_task

    claim_task(task.id, "demo")
    client.force_login(demo_user)
    client.post(reverse("tasklist:comments", args=[task.id]), {"message": "typo"})
    row = TaskComment.objects.get()
    delete = reverse("tasklist:comment-delete", args=[task.id, row.pk])
    assert delete in client.get(reverse("tasklist:task", args=[task.id])).content.decode()
    body = client.post(delete, follow=True).content.decode()
    assert "Comment deleted." in body
    assert not TaskComment.objects.exists()


def test_an_instances_comments_are_listed_also_once_it_ended(api, task):
    from engine.services.runtime import complete_task

    comment(api, task, "Approved by phone")
    url = f"{BASE}/process-instance/{task.process_instance_id}/comment"
    assert [c["message"] for c in api.get(url).json()] == ["Approved by phone"]
    complete_task(task.id)
    assert [c["taskId"] for c in api.get(url).json()] == [task.id]
    assert api.get(f"{BASE}/process-instance/nope/comment").status_code == 404
    make_user("mallory")
    assert basic_client("mallory").get(url).status_code == 403


def test_put_on_the_tasks_comment_changes_message_author_and_time(api, task):
    first = comment(api, task, "Call the supplier")
    before = api.get(f"{BASE}/task/{task.id}/comment/{first}").json()
    put = api.put(f"{BASE}/task/{task.id}/comment",
                  {"id": first, "message": "Called", "userId": "ignored"},
                  content_type="application/json")
    assert put.status_code == 204
    after = api.get(f"{BASE}/task/{task.id}/comment/{first}").json()
    assert (after["message"], after["userId"]) == ("Called", "demo")
    assert after["time"] >= before["time"]
    entry = UserOperationLog.objects.get(operation_type="UpdateComment")
    assert (entry.task_id, entry.org_value, entry.new_value, entry.category) == (
        task.id, "Call the supplier", "Called", "TaskWorker")


def test_put_on_the_tasks_comment_refuses_bad_input_and_changes_nothing(api, task):
    first = comment(api, task, "Hello")
    url = f"{BASE}/task/{task.id}/comment"
    unknown = api.put(url, {"id": "999", "message": "x"}, content_type="application/json")
    assert unknown.status_code == 400
    assert unknown.json() == {
        "type": "InvalidRequestException",
        "message": f"No comment exists with commentId: 999 and taskId: {task.id}: comment is null",
        "code": None,
    }
    assert api.put(url, {"message": "x"}, content_type="application/json").status_code == 400
    assert api.put(url, {"id": first}, content_type="application/json").status_code == 400
    assert api.put(f"{BASE}/task/nope/comment", {"id": first, "message": "x"},
                   content_type="application/json").status_code == 404
    make_user("mallory")
    forbidden = basic_client("mallory").put(url, {"id": first, "message": "x"},
                                            content_type="application/json")
    assert forbidden.status_code == 403
    assert TaskComment.objects.get().message == "Hello"
    assert not UserOperationLog.objects.filter(entity_type="Comment").exists()
