"""GET /task/report/candidate-group-count: open, unassigned tasks per candidate group, as JSON
and as Camunda's CSV; READ on all tasks needed."""

from __future__ import annotations

import pytest

from engine.models import Task
from engine.services import runtime as rt
from engine.services.identity_links import IdentityLink, add_identity_link
from engine.services.standalone_tasks import create_task
from identity.resources import Permission, Resource
from tests.identity.factories import make_user
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import assert_forbidden, basic_client, grant

pytestmark = pytest.mark.django_db

REPORT = f"{BASE}/task/report/candidate-group-count"


@pytest.fixture
def tasks(demo_user):
    """Five open tasks: two for sales (one also for finance), one for finance only, one for
    nobody's group, and one for sales that someone holds (not counted)."""
    groups = [("sales",), ("sales", "finance"), ("finance",), (), ("sales",)]
    ids = []
    for number, offered_to in enumerate(groups):
        task_id = create_task(task_id=f"t{number}", name=f"Task {number}")
        for group in offered_to:
            add_identity_link(task_id, IdentityLink("candidate", group_id=group))
        ids.append(task_id)
    rt.claim_task(ids[-1], "demo")
    return ids


def test_counts_unassigned_tasks_per_group_the_group_less_row_first(api, tasks):
    assert api.get(REPORT).json() == [
        {"groupName": None, "taskCount": 1},
        {"groupName": "finance", "taskCount": 2},
        {"groupName": "sales", "taskCount": 2},
    ]
    rt.claim_task("t3", "demo")
    assert api.get(REPORT).json()[0] == {"groupName": "finance", "taskCount": 2}


def test_the_csv_variant_is_camundas(api, tasks):
    for media_type in ("text/csv", "application/csv"):
        response = api.get(REPORT, HTTP_ACCEPT=media_type)
        assert response.status_code == 200
        assert response["Content-Type"].startswith(media_type)
        assert "task-count-by-candidate-group.csv" in response["Content-Disposition"]
        assert response.content.decode() == (
            "CANDIDATE_GROUP_NAME,TASK_COUNT\nnull,1\nfinance,2\nsales,2"
        )


def test_no_open_task_is_an_empty_report(api):
    assert api.get(REPORT).json() == []
    assert not Task.objects.exists()


def test_the_report_needs_read_on_all_tasks(tasks):
    make_user("mallory")
    mallory = basic_client("mallory")
    assert_forbidden(mallory.get(REPORT), "mallory")
    grant("mallory", Resource.TASK, "*", Permission.READ)
    assert len(mallory.get(REPORT).json()) == 3
