"""Changing the comments of a process instance (Camunda 7.21): PUT and DELETE
/process-instance/{id}/comment, DELETE /process-instance/{id}/comment/{commentId}."""

from __future__ import annotations

import pytest

from engine.models import Task, UserOperationLog
from identity.resources import Permission, Resource
from tasklist.models import TaskComment
from tests.identity.factories import make_user
from tests.rest.batch_helpers import start_instances
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import basic_client, grant

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def task(demo_user) -> Task:
    [instance_id] = start_instances(1)
    return Task.objects.get(process_instance_id=instance_id)


def comment(api, task, message):
    return api.post(f"{BASE}/task/{task.id}/comment/create", {"message": message},
                    content_type=JSON).json()["id"]


def url(task, *rest):
    return "/".join([f"{BASE}/process-instance/{task.process_instance_id}/comment", *rest])


def test_a_comment_of_the_instance_is_changed_and_logged(api, task):
    first = comment(api, task, "Call the supplier")
    put = api.put(url(task), {"id": first, "message": "Called"}, content_type=JSON)
    assert put.status_code == 204
    assert [c["message"] for c in api.get(url(task)).json()] == ["Called"]
    entry = UserOperationLog.objects.get(operation_type="UpdateComment")
    assert (entry.entity_type, entry.category, entry.user_id) == ("Comment", "TaskWorker", "demo")
    assert (entry.process_instance_id, entry.process_definition_key) == (
        task.process_instance_id, "invoice")
    assert (entry.org_value, entry.new_value) == ("Call the supplier", "Called")


def test_one_comment_and_then_all_are_deleted_each_logged(api, task):
    first, second, third = (comment(api, task, m) for m in ("a", "b", "c"))
    assert api.delete(url(task, second)).status_code == 204
    assert [c["id"] for c in api.get(url(task)).json()] == [first, third]
    assert api.delete(url(task)).status_code == 204
    assert not TaskComment.objects.exists()
    logged = UserOperationLog.objects.filter(operation_type="DeleteComment").order_by("id")
    assert [(e.org_value, e.new_value) for e in logged] == [("b", None), ("a", None),
                                                            ("c", None)]


def test_an_unknown_comment_id_deletes_nothing_as_camunda(api, task):
    comment(api, task, "keep")
    assert api.delete(url(task, "999")).status_code == 204
    assert api.delete(url(task, "not-a-number")).status_code == 204
    assert TaskComment.objects.get().message == "keep"
    assert not UserOperationLog.objects.filter(operation_type="DeleteComment").exists()


def test_bad_changes_are_refused_in_camundas_words_and_change_nothing(api, task):
    first = comment(api, task, "Hello")
    unknown = api.put(url(task), {"id": "999", "message": "x"}, content_type=JSON)
    assert unknown.status_code == 400
    assert unknown.json() == {
        "type": "InvalidRequestException",
        "message": "No comment exists with commentId: 999 and processInstanceId: "
                   f"{task.process_instance_id}: comment is null",
                   "code": None,
    }
    assert api.put(url(task), {"id": first, "message": ""},
                   content_type=JSON).status_code == 400
    assert api.put(url(task), {"message": "x"}, content_type=JSON).status_code == 400
    missing = api.delete(f"{BASE}/process-instance/nope/comment")
    assert missing.status_code == 404
    assert missing.json() == {"type": "InvalidRequestException",
                              "message": "No process instance found for id nope", "code": None}
    assert api.put(f"{BASE}/process-instance/nope/comment", {"id": first, "message": "x"},
                   content_type=JSON).status_code == 404
    assert TaskComment.objects.get().message == "Hello"
    assert not UserOperationLog.objects.filter(entity_type="Comment").exists()


def test_a_finished_instances_comments_stay_as_they_are(api, task):
    from engine.services.runtime import complete_task

    first = comment(api, task, "Approved")
    complete_task(task.id)
    put = api.put(url(task), {"id": first, "message": "x"}, content_type=JSON)
    assert put.status_code == 400
    assert "No processInstance exists" in put.json()["message"]
    assert api.delete(url(task)).status_code == 400
    assert TaskComment.objects.get().message == "Approved"


def test_changing_needs_update_on_the_instance(api, task):
    first = comment(api, task, "Hello")
    make_user("mallory")
    mallory = basic_client("mallory")
    assert mallory.delete(url(task)).status_code == 403
    assert mallory.put(url(task), {"id": first, "message": "x"},
                       content_type=JSON).status_code == 403
    assert TaskComment.objects.get().message == "Hello"
    grant("mallory", Resource.PROCESS_INSTANCE, task.process_instance_id, Permission.UPDATE)
    assert mallory.delete(url(task, first)).status_code == 204
    assert not TaskComment.objects.exists()
