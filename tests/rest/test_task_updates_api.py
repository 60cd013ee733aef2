"""A task's last update over REST (Camunda 7.20+): `lastUpdated` and `taskState` in TaskDto,
`taskState` in HistoricTaskInstanceDto, the task query's `updatedAfter(Expression)` (a task
never updated counts from its creation) and `sortBy=lastUpdated`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.models import Task
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import one_task_bpmn
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db
JSON = "application/json"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def tasks(monkeypatch, demo_user) -> dict[str, str]:
    """Three tasks created at T0, T0+1h and T0+2h: `early` updated at T0+3h, `middle` and
    `late` never updated."""
    now = [T0]
    monkeypatch.setattr(rt, "clock", lambda: now[0])
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn())])
    found = {}
    for hours, name in enumerate(("early", "middle", "late")):
        now[0] = T0 + timedelta(hours=hours)
        started = rt.start_process_instance("invoice")
        found[name] = Task.objects.get(process_instance_id=started.id).id
    now[0] = T0 + timedelta(hours=3)
    rt.update_task(found["early"], priority=70)
    return found


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [task["id"] for task in response.json()]


def test_the_task_shows_its_last_update_and_state(api, tasks):
    early = api.get(f"{BASE}/task/{tasks['early']}").json()
    late = api.get(f"{BASE}/task/{tasks['late']}").json()
    assert (early["lastUpdated"], early["taskState"]) == ("2026-03-02T12:00:00.000+0000", "Updated")
    assert (late["lastUpdated"], late["taskState"]) == (None, "Created")
    assert list(early)[-1] == "taskState"  # Camunda's key order


def test_updated_after_takes_the_creation_of_a_task_never_updated(api, tasks):
    after = "2026-03-02T10:30:00.000+0000"  # after early's and middle's creation
    assert set(ids(api.get(f"{BASE}/task", {"updatedAfter": after}))) \
        == {tasks["early"], tasks["late"]}
    assert api.get(f"{BASE}/task/count", {"updatedAfter": after}).json() == {"count": 2}
    body = {"updatedAfter": "2026-03-02T11:30:00.000+0000"}
    assert ids(api.post(f"{BASE}/task", body, content_type=JSON)) == [tasks["early"]]
    either = {"orQueries": [{"updatedAfter": "2026-03-02T11:30:00.000+0000",
                             "taskId": tasks["middle"]}]}
    assert set(ids(api.post(f"{BASE}/task", either, content_type=JSON))) \
        == {tasks["early"], tasks["middle"]}


def test_updated_after_expression_is_evaluated(api, tasks):
    # ${now()} is long after every task's creation and update in 2026-03
    assert ids(api.get(f"{BASE}/task", {"updatedAfterExpression": "${now()}"})) == []
    past = "${dateTime().minusYears(100).toDate()}"
    assert len(ids(api.get(f"{BASE}/task", {"updatedAfterExpression": past}))) == 3


def test_tasks_sort_by_last_update(api, tasks, monkeypatch):
    monkeypatch.setattr(rt, "clock", lambda: T0 + timedelta(hours=4))
    rt.claim_task(tasks["late"], "demo")
    updated = {tasks["early"], tasks["late"]}
    found = ids(api.get(f"{BASE}/task", {"sortBy": "lastUpdated", "sortOrder": "desc"}))
    # the never updated task sorts first or last, as the database puts NULLs
    assert [i for i in found if i in updated] == [tasks["late"], tasks["early"]]
    sorting = {"sorting": [{"sortBy": "lastUpdated", "sortOrder": "asc"}]}
    found = ids(api.post(f"{BASE}/task", sorting, content_type=JSON))
    assert [i for i in found if i in updated] == [tasks["early"], tasks["late"]]


def test_historic_tasks_show_their_state(api, tasks):
    rt.complete_task(tasks["middle"])
    states = {
        row["id"]: row["taskState"] for row in api.get(f"{BASE}/history/task").json()
    }
    assert states == {tasks["early"]: "Updated", tasks["middle"]: "Completed",
                      tasks["late"]: "Created"}
