"""POST /task/{id}/identity-links and /identity-links/delete: candidates added and taken off,
assignee and owner set by link, on process tasks and standalone tasks (Camunda's
TaskService.addCandidateGroup and friends)."""

from __future__ import annotations

import pytest

from engine.models import Task, TaskCandidate, UserOperationLog
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import one_task_bpmn
from tests.identity.factories import make_user
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import assert_forbidden, basic_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(demo_user) -> Task:
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))])
    started = rt.start_process_instance("invoice")
    return Task.objects.get(process_instance_id=started.id)


def add(client, task_id, **link):
    return client.post(f"{BASE}/task/{task_id}/identity-links", link,
                       content_type="application/json")


def delete(client, task_id, **link):
    return client.post(f"{BASE}/task/{task_id}/identity-links/delete", link,
                       content_type="application/json")


def links(api, task_id, **query):
    return api.get(f"{BASE}/task/{task_id}/identity-links", query).json()


def test_a_candidate_group_added_sees_the_task_and_loses_it_when_deleted(api, task):
    make_user("carol", "accounting")
    carol = basic_client("carol")
    assert carol.get(f"{BASE}/task").json() == []

    assert add(api, task.id, groupId="accounting", type="candidate").status_code == 204
    assert links(api, task.id, type="candidate") == [
        {"userId": None, "groupId": "accounting", "type": "candidate"}
    ]
    assert [t["id"] for t in carol.get(f"{BASE}/task", {"candidateGroup": "accounting"}).json()] \
        == [task.id]
    assert carol.post(f"{BASE}/task/{task.id}/claim", {"userId": "carol"},
                      content_type="application/json").status_code == 204

    rt.unclaim_task(task.id)
    assert delete(api, task.id, groupId="accounting", type="candidate").status_code == 204
    assert not TaskCandidate.objects.filter(task_id=task.id).exists()
    assert carol.get(f"{BASE}/task").json() == []

    logged = list(
        UserOperationLog.objects.filter(entity_type="IdentityLink", task_id=task.id)
        .order_by("timestamp")
        .values_list("operation_type", "property", "org_value", "new_value")
    )
    assert logged == [
        ("AddGroupLink", "candidate", None, "accounting"),
        ("DeleteGroupLink", "candidate", "accounting", None),
    ]


def test_candidate_users_keep_their_order_and_a_repeat_changes_nothing(api, task):
    for user in ("anna", "ben", "anna"):
        assert add(api, task.id, userId=user, type="candidate").status_code == 204
    assert [link["userId"] for link in links(api, task.id, type="candidate")] == ["anna", "ben"]
    assert UserOperationLog.objects.filter(operation_type="AddUserLink").count() == 2
    assert delete(api, task.id, userId="nobody", type="candidate").status_code == 204
    assert delete(api, task.id, userId="anna", type="candidate").status_code == 204
    assert [link["userId"] for link in links(api, task.id, type="candidate")] == ["ben"]


def test_assignee_and_owner_links_set_those_fields(api, task):
    assert add(api, task.id, userId="dora", type="assignee").status_code == 204
    assert add(api, task.id, userId="demo", type="owner").status_code == 204
    found = Task.objects.get(pk=task.id)
    assert (found.assignee, found.owner) == ("dora", "demo")
    assert delete(api, task.id, userId="dora", type="assignee").status_code == 204
    assert Task.objects.get(pk=task.id).assignee is None


def test_links_work_on_a_standalone_task(api):
    api.post(f"{BASE}/task/create", {"id": "s1", "name": "Sort the mail"},
             content_type="application/json")
    assert add(api, "s1", groupId="office", type="candidate").status_code == 204
    assert list(TaskCandidate.objects.filter(task_id="s1").values_list("group_id", flat=True)) \
        == ["office"]


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ({"type": "candidate"}, "either a userId or a groupId"),
        ({"userId": "a", "groupId": "b", "type": "candidate"}, "either a userId or a groupId"),
        ({"groupId": "b", "type": "assignee"}, "cannot use type 'assignee' together"),
        ({"userId": "a", "type": "watcher"}, "'watcher' is not supported"),
        ({"userId": "a"}, "'type' is required"),
        ({"userId": 5, "type": "candidate"}, "'userId' must be a non-empty string"),
        ({"userId": "u" * 151, "type": "candidate"}, "userId is too long: 151 characters"),
        ({"groupId": "g" * 151, "type": "candidate"}, "groupId is too long: 151 characters"),
    ],
)
def test_bad_links_are_400_and_change_nothing(api, task, link, message):
    response = add(api, task.id, **link)
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert not TaskCandidate.objects.filter(task_id=task.id).exists()
    assert Task.objects.get(pk=task.id).assignee is None


def test_changing_links_needs_the_assign_permission_and_an_unknown_task_is_404(api, task):
    make_user("mallory")
    refused = add(basic_client("mallory"), task.id, groupId="sales", type="candidate")
    assert_forbidden(refused, "mallory")
    assert not TaskCandidate.objects.filter(task_id=task.id).exists()
    assert add(api, "no-such-task", groupId="x", type="candidate").status_code == 404
