"""`/engine-rest/metrics`: Camunda's metrics resource over counts from real commands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.metrics import names, reporter
from engine.metrics.meters import meters
from engine.models import MeterLog, Task, TaskMeterLog
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from identity.resources import Permission, Resource
from tests.factories import one_task_bpmn
from tests.identity.factories import GRANT, make_user, rule
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import assert_forbidden, basic_client

pytestmark = pytest.mark.django_db
JAN = datetime(2026, 1, 5, 10, 3, tzinfo=UTC)
JANUARY = {"startDate": "2026-01-01T00:00:00.000+0000", "endDate": "2026-02-01T00:00:00.000+0000"}


@pytest.fixture(autouse=True)
def no_counts():
    meters.reset()
    yield
    meters.reset()


@pytest.fixture
def instances(demo_user, django_capture_on_commit_callbacks, settings):
    """Two invoice instances started and assigned through the services, counts flushed in
    January; a third started and flushed in February."""
    settings.LEGATO_JOB_EXECUTOR_IN_PROCESS = True
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn())])
    for assignee, flushed in (("kermit", JAN), ("gonzo", JAN), ("kermit", JAN + timedelta(31))):
        with django_capture_on_commit_callbacks(execute=True):
            started = rt.start_process_instance("invoice", user_id="demo")
        task = Task.objects.get(process_instance_id=started.id)
        with django_capture_on_commit_callbacks(execute=True):
            rt.set_assignee(task.id, assignee, user_id="demo")
        reporter.flush(flushed)
    # The assignments were stamped when they happened (now): move them to the flush dates.
    for row, when in zip(TaskMeterLog.objects.order_by("id"), (JAN, JAN, JAN + timedelta(31)),
                         strict=True):
        row.timestamp = when
        row.save()


def test_sum_of_a_metric_between_dates(api, instances):
    url = f"{BASE}/metrics/{names.ROOT_PROCESS_INSTANCE_START}/sum"
    assert api.get(url).json() == {"result": 3}
    january = JANUARY
    assert api.get(url, january).json() == {"result": 2}
    # start event and user task started per instance
    assert api.get(f"{BASE}/metrics/flow-node-instances/sum", january).json() == {"result": 4}
    assert api.get(f"{BASE}/metrics/activity-instance-end/sum", january).json() == {"result": 2}


def test_task_users_are_distinct_assignees(api, instances):
    assert api.get(f"{BASE}/metrics/task-users/sum").json() == {"result": 2}
    january = JANUARY
    assert api.get(f"{BASE}/metrics/unique-task-workers/sum", january).json() == {"result": 2}
    feb = {"startDate": "2026-02-01T00:00:00.000+0000"}
    assert api.get(f"{BASE}/metrics/task-users/sum", feb).json() == {"result": 1}


def test_an_unknown_metric_sums_to_zero_as_in_camunda(api, instances):
    assert api.get(f"{BASE}/metrics/no-such-metric/sum").json() == {"result": 0}


def test_intervals_are_buckets_newest_first(api, instances):
    response = api.get(f"{BASE}/metrics", {"name": "root-process-instance-start",
                                           "interval": "86400"})
    assert response.status_code == 200
    assert response.json() == [
        {"timestamp": "2026-02-05T00:00:00.000+0000", "name": "root-process-instance-start",
         "reporter": reporter.reporter_id(), "value": 1},
        {"timestamp": "2026-01-05T00:00:00.000+0000", "name": "root-process-instance-start",
         "reporter": reporter.reporter_id(), "value": 2},
    ]
    default = api.get(f"{BASE}/metrics", {"name": "flow-node-instances",
                                          "aggregateByReporter": "true",
                                          "maxResults": "1"}).json()
    # 900-second buckets by default; the newest first; aggregated: no reporter
    assert default == [{"timestamp": "2026-02-05T10:00:00.000+0000",
                        "name": "flow-node-instances", "reporter": None, "value": 2}]


def test_all_metrics_of_an_interval_without_a_name(api, instances):
    body = api.get(f"{BASE}/metrics", {"startDate": "2026-01-01T00:00:00.000+0000",
                                       "endDate": "2026-02-01T00:00:00.000+0000"}).json()
    assert {item["name"]: item["value"] for item in body} == {
        names.ACTIVITY_INSTANCE_END: 2,
        names.ACTIVITY_INSTANCE_START: 4,
        names.ROOT_PROCESS_INSTANCE_START: 2,
    }


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        ("metrics/activity-instance-start/sum", {"startDate": "yesterday"},
         'Cannot convert value "yesterday" to java type java.util.Date'),
        ("metrics", {"endDate": "2026-13-45"},
         'Cannot convert value "2026-13-45" to java type java.util.Date'),
        ("metrics", {"interval": "soon"}, "Cannot convert value soon to java type java.lang.Long"),
        ("metrics", {"maxResults": "x"},
         "Cannot convert value x to java type java.lang.Integer"),
        ("metrics", {"maxResults": "201"},
         "Metrics interval query row limit can't be set larger than 200."),
        ("metrics", {"interval": "0"}, "Cannot set query parameter 'interval' to value '0'"),
    ],
)
def test_bad_parameters_are_camunda_shaped_400s(api, path, params, message):
    response = api.get(f"{BASE}/{path}", params)
    assert response.status_code == 400
    assert response.json()["message"] == message
    assert response.json()["type"] in ("InvalidRequestException", "ProcessEngineException")


def test_deleting_task_metrics_up_to_a_date(api, instances):
    response = api.delete(f"{BASE}/metrics/task-worker?date=2026-01-31T00:00:00.000%2B0000")
    assert response.status_code == 204
    assert api.get(f"{BASE}/metrics/task-users/sum").json() == {"result": 1}
    assert api.delete(f"{BASE}/metrics/task-worker").status_code == 204
    assert not TaskMeterLog.objects.exists()


def test_reading_needs_read_on_system_and_deleting_delete(db):
    make_user("outsider")
    client = basic_client("outsider")
    assert_forbidden(client.get(f"{BASE}/metrics/task-users/sum"), "outsider")
    assert_forbidden(client.get(f"{BASE}/metrics"), "outsider")
    rule(GRANT, Resource.SYSTEM, "*", Permission.READ, user="outsider")
    assert client.get(f"{BASE}/metrics").json() == []
    assert_forbidden(client.delete(f"{BASE}/metrics/task-worker"), "outsider")
    assert MeterLog.objects.count() == 0


def test_a_business_rule_task_and_a_job_read_through_rest(
    api, settings, django_capture_on_commit_callbacks
):
    from engine.jobs.executor import JobExecutorThread
    from tests.engine.test_metrics import ASYNC, DINNER, DISH, DISH_ELEMENTS

    settings.LEGATO_JOB_EXECUTOR_IN_PROCESS = True
    deploy([ResourceInput("dinner.bpmn", DINNER), ResourceInput("dish.dmn", DISH),
            ResourceInput("later.bpmn", ASYNC)])
    with django_capture_on_commit_callbacks(execute=True):
        rt.start_process_instance("dinner", variables={"season": "Fall", "guestCount": 2})
        rt.start_process_instance("later", variables={"ok": 1})
    with django_capture_on_commit_callbacks(execute=True):
        JobExecutorThread().run_once()
    reporter.flush()

    def total(name: str) -> int:
        return api.get(f"{BASE}/metrics/{name}/sum").json()["result"]

    assert total("decision-instances") == 1
    assert total("executed-decision-elements") == DISH_ELEMENTS
    assert total("job-successful") == 1
    assert total("root-process-instance-start") == 2
    assert total("flow-node-instances") == 3 + 3  # start, rule task, end; start, task, end
