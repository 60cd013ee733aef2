"""GET and POST /task with Camunda's `...Expression` parameters (`${currentUser()}`,
`${currentUserGroups()}`, `${dateTime().plusDays(2).toDate()}`), and the filters on what
Legato does not have (subtasks, CMMN), which match no task instead of being ignored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from engine.models import Task, TaskCandidate
from identity.resources import Permission, Resource
from tests.identity.factories import make_user
from tests.rest.batch_helpers import start_instances
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import basic_client, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks(demo_user) -> dict[str, str]:
    """Three tasks: kermit's (due tomorrow), piggy's (due next month), one offered to sales."""
    make_user("kermit", "sales")
    ids = [Task.objects.get(process_instance_id=i).id for i in start_instances(3)]
    now = timezone.now()
    Task.objects.filter(pk=ids[0]).update(assignee="kermit", due_date=now + timedelta(days=1))
    Task.objects.filter(pk=ids[1]).update(assignee="piggy", due_date=now + timedelta(days=30))
    TaskCandidate.objects.create(task_id=ids[2], group_id="sales")
    grant("kermit", Resource.TASK, "*", Permission.READ)
    return {"kermit": ids[0], "piggy": ids[1], "sales": ids[2]}


def ids(response):
    assert response.status_code == 200, response.content
    return sorted(t["id"] for t in response.json())


def test_current_user_and_groups_are_the_caller(tasks):
    kermit = basic_client("kermit")
    assert ids(kermit.get(f"{BASE}/task", {"assigneeExpression": "${currentUser()}"})) \
        == [tasks["kermit"]]
    offered = kermit.get(f"{BASE}/task", {"candidateGroupsExpression": "${currentUserGroups()}"})
    assert ids(offered) == [tasks["sales"]]
    posted = kermit.post(f"{BASE}/task", {"assigneeExpression": "${currentUser()}"},
                         content_type="application/json")
    assert ids(posted) == [tasks["kermit"]]


def test_date_expressions_are_evaluated_now(api, tasks):
    soon = api.get(f"{BASE}/task", {"dueBeforeExpression": "${dateTime().plusDays(2).toDate()}"})
    assert ids(soon) == [tasks["kermit"]]
    later = api.get(f"{BASE}/task", {"dueAfterExpression": "${now()}"})
    assert ids(later) == sorted([tasks["kermit"], tasks["piggy"]])


@pytest.mark.parametrize(
    ("params", "words"),
    [({"assigneeExpression": "${nobody()}"}, "Unable to resolve expression"),
     ({"assigneeExpression": "${5}"}, "must give a text"),
     ({"dueBeforeExpression": "${currentUser()}"}, "must give a date"),
     ({"candidateGroupsExpression": "${currentUser()}"}, "must give a list of texts")],
)
def test_an_expression_that_fails_or_gives_the_wrong_kind_is_a_400(api, tasks, params, words):
    response = api.get(f"{BASE}/task", params)
    assert response.status_code == 400
    assert words in response.json()["message"]


def test_filters_on_subtasks_and_cases_match_nothing(api, tasks):
    assert ids(api.get(f"{BASE}/task", {"parentTaskId": tasks["kermit"]})) == []
    assert ids(api.get(f"{BASE}/task", {"caseInstanceId": "c-1"})) == []
    assert api.get(f"{BASE}/task/count", {"caseDefinitionKey": "x"}).json() == {"count": 0}


def test_candidate_group_like(api, tasks):
    assert ids(api.get(f"{BASE}/task", {"candidateGroupLike": "sal%"})) == [tasks["sales"]]
    assert ids(api.get(f"{BASE}/task", {"candidateGroupLike": "acc%"})) == []
