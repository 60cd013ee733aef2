"""GET /history/process-instance/report and /history/task/report (Camunda's duration and
task reports), and the cockpit's duration report page built on them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from engine.models import HistoricProcessInstance, HistoricTaskInstance
from identity.resources import Permission, Resource
from tests.identity.factories import make_user
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import basic_client, grant

pytestmark = pytest.mark.django_db

REPORT = f"{BASE}/history/process-instance/report"
TASK_REPORT = f"{BASE}/history/task/report"


def ended(pid: str, key: str, start: datetime, minutes: int | None) -> None:
    """An instance of `key` that started at `start` and took `minutes` (None: running)."""
    end = start + timedelta(minutes=minutes) if minutes is not None else None
    HistoricProcessInstance.objects.create(
        id=pid, process_definition_id=f"{key}:1:x", process_definition_key=key,
        process_definition_version=1, start_time=start, end_time=end,
        duration_ms=minutes * 60_000 if minutes is not None else None,
        state="COMPLETED" if end else "ACTIVE",
    )


def task(tid: str, name: str, key: str, end: datetime | None, minutes: int = 1) -> None:
    HistoricTaskInstance.objects.create(
        id=tid, name=name, task_definition_key=name.lower(), start_time=end or datetime.now(UTC),
        end_time=end, duration_ms=minutes * 60_000 if end else None,
        process_definition_id=f"{key}:1:x", process_instance_id=f"pi-{tid}",
        delete_reason="completed" if end else None,
    )


@pytest.fixture
def history():
    jan, feb, may = (datetime(2026, m, 10, tzinfo=UTC) for m in (1, 2, 5))
    ended("a", "invoice", jan, 10)
    ended("b", "invoice", jan, 30)
    ended("c", "invoice", feb, 60)
    ended("d", "invoice", may, 120)
    ended("e", "invoice", may, None)  # running: not in a duration report
    ended("f", "payroll", jan, 1000)
    ended("g", "invoice", datetime(2025, 1, 3, tzinfo=UTC), 50)  # January of another year
    task("t1", "Approve", "invoice", jan, 5)
    task("t2", "Approve", "invoice", feb, 15)
    task("t3", "Check", "invoice", feb, 1)
    task("t4", "Approve", "payroll", feb, 1)
    task("t5", "Approve", "invoice", None)  # open


def test_durations_of_completed_instances_per_month_they_started_in(api, history):
    rows = api.get(REPORT, {"reportType": "duration", "periodUnit": "month",
                            "processDefinitionKeyIn": "invoice"}).json()
    minutes = 60_000
    assert rows == [
        # a, b and g: January of 2026 and of 2025 are one period, as in Camunda
        {"period": 1, "periodUnit": "MONTH", "minimum": 10 * minutes, "maximum": 50 * minutes,
         "average": 30 * minutes},
        {"period": 2, "periodUnit": "MONTH", "minimum": 60 * minutes, "maximum": 60 * minutes,
         "average": 60 * minutes},
        {"period": 5, "periodUnit": "MONTH", "minimum": 120 * minutes,
         "maximum": 120 * minutes, "average": 120 * minutes},
    ]
    quarters = api.get(REPORT, {
        "reportType": "duration", "periodUnit": "quarter", "processDefinitionKeyIn": "invoice",
        "startedAfter": "2026-01-01T00:00:00.000+0000",
    }).json()
    assert [(q["period"], q["periodUnit"], q["maximum"]) for q in quarters] == [
        (1, "QUARTER", 60 * minutes), (2, "QUARTER", 120 * minutes)
    ]
    by_id = api.get(REPORT, {"reportType": "duration", "periodUnit": "month",
                             "processDefinitionIdIn": "payroll:1:x"}).json()
    assert [(r["period"], r["average"]) for r in by_id] == [(1, 1000 * minutes)]


def test_the_duration_report_is_camundas_csv_when_asked_for(api, history):
    response = api.get(REPORT, {"reportType": "duration", "periodUnit": "quarter",
                                "processDefinitionKeyIn": "payroll"}, HTTP_ACCEPT="text/csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines() == [
        "PERIOD,PERIOD_UNIT,MINIMUM,MAXIMUM,AVERAGE", "1,QUARTER,60000000,60000000,60000000"
    ]


@pytest.mark.parametrize(
    ("params", "words"),
    [({}, "Unknown report type None"), ({"reportType": "count", "periodUnit": "month"},
                                        "Unknown report type count"),
     ({"reportType": "duration"}, "'periodUnit'"),
     ({"reportType": "duration", "periodUnit": "week"}, "'periodUnit' to value 'week'"),
     ({"reportType": "duration", "periodUnit": "month", "startedAfter": "May"}, "startedAfter")],
)
def test_bad_report_parameters_are_400_in_words(api, params, words):
    response = api.get(REPORT, params)
    assert response.status_code == 400
    assert response.json()["type"] == "InvalidRequestException"
    assert words in response.json()["message"]


def test_completed_tasks_are_counted_by_name_or_definition(api, history):
    by_name = api.get(TASK_REPORT, {"reportType": "count", "groupBy": "taskName"}).json()
    assert [(r["taskName"], r["processDefinitionKey"], r["count"]) for r in by_name] == [
        ("Approve", "invoice", 2), ("Approve", "payroll", 1), ("Check", "invoice", 1)
    ]
    by_definition = api.get(TASK_REPORT, {
        "reportType": "count", "groupBy": "processDefinition",
        "completedAfter": "2026-02-01T00:00:00.000+0000",
    }).json()
    assert [(r["processDefinitionId"], r["taskName"], r["count"]) for r in by_definition] == [
        ("invoice:1:x", None, 2), ("payroll:1:x", None, 1)
    ]
    durations = api.get(TASK_REPORT, {"reportType": "duration", "periodUnit": "month"}).json()
    assert [(r["period"], r["minimum"], r["maximum"]) for r in durations] == [
        (1, 5 * 60_000, 5 * 60_000), (2, 60_000, 15 * 60_000)
    ]
    assert api.get(TASK_REPORT, {"reportType": "count"}).status_code == 400
    assert api.get(TASK_REPORT, {"reportType": "duration"}).status_code == 400


def test_reports_need_read_history_on_every_definition(history):
    make_user("mallory")
    mallory = basic_client("mallory")
    grant("mallory", Resource.PROCESS_DEFINITION, "invoice", Permission.READ_HISTORY)
    params = {"reportType": "duration", "periodUnit": "month"}
    assert mallory.get(REPORT, params).status_code == 403
    assert mallory.get(TASK_REPORT, {"reportType": "count", "groupBy": "taskName"}) \
        .status_code == 403
    grant("mallory", Resource.PROCESS_DEFINITION, "*", Permission.READ_HISTORY)
    assert mallory.get(REPORT, params).status_code == 200


def test_the_cockpit_shows_the_durations_of_a_process_by_year(client, demo_user, history):
    from tests.cockpit.conftest import deploy_key

    deployed = deploy_key("invoice")
    client.force_login(demo_user)
    url = reverse("cockpit:duration-report", args=["invoice"])
    response = client.get(url, {"year": 2026})
    assert response.status_code == 200
    periods = response.context["periods"]
    assert [(p["label"], p["count"], p["average"], p["maximum"]) for p in periods] == [
        ("Jan", 2, "20 min", "30 min"), ("Feb", 1, "1 h", "1 h"), ("May", 1, "2 h", "2 h"),
    ]
    assert [p["average_share"] for p in periods] == [17, 50, 100]
    body = response.content.decode()
    assert "Approve" in body
    assert "Check" in body
    quarters = client.get(url, {"year": 2025, "unit": "quarter"}).context["periods"]
    assert [(p["label"], p["count"]) for p in quarters] == [("Q1", 1)]
    definition_page = client.get(reverse("cockpit:definition", args=[deployed.id]))
    assert url in definition_page.content.decode()
    assert client.get(reverse("cockpit:duration-report", args=["nope"])).status_code == 404


@pytest.mark.parametrize(
    ("ms", "text"),
    [(250, "250 ms"), (1_500, "1.5 s"), (90_000, "1 min 30 s"), (3_600_000, "1 h"),
     (5_400_000, "1 h 30 min"), (3 * 86_400_000, "3 d"), (50 * 3_600_000, "2 d 2 h")],
)
def test_durations_read_at_a_glance(ms, text):
    from cockpit.views.reports import human_duration

    assert human_duration(ms) == text
