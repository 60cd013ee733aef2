"""The history cleanup as a job: scheduled by the job executors themselves in the window, run
by the job executor, and scheduled, found and explained through /history/cleanup."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from engine.jobs.executor import JobExecutorThread, ensure_history_cleanup_job
from engine.models import HistoricProcessInstance, Job, UserOperationLog
from engine.rest.dates import format_date
from identity import cleanup_job
from identity.models import HistoryCleanupRun
from tests.identity.history_rows import T0, instance
from tests.identity.test_cleanup import definition

pytestmark = pytest.mark.django_db

BASE = "/engine-rest/history/cleanup"


def expired(count: int) -> None:
    short = definition("short", 1)
    for n in range(count):
        instance(f"old-{n}", "short", end=T0, definition_id=short)


def run_jobs() -> None:
    executor = JobExecutorThread()
    while executor.run_once():
        pass


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_the_window_in_effect_or_next(settings):
    settings.LEGATO_HISTORY_CLEANUP_WINDOW = "22:00-06:00"
    assert cleanup_job.window_at(at("2026-03-02T12:00:00+00:00")) == (
        at("2026-03-02T22:00:00+00:00"),
        at("2026-03-03T06:00:00+00:00"),
    )
    # inside the window, after midnight: the one that opened yesterday
    assert cleanup_job.window_at(at("2026-03-02T01:00:00+00:00")) == (
        at("2026-03-01T22:00:00+00:00"),
        at("2026-03-02T06:00:00+00:00"),
    )
    settings.LEGATO_HISTORY_CLEANUP_WINDOW = "09:00-17:00"
    assert cleanup_job.window_at(at("2026-03-02T18:00:00+00:00"))[0] == at(
        "2026-03-03T09:00:00+00:00"
    )
    settings.LEGATO_HISTORY_CLEANUP_WINDOW = ""
    assert cleanup_job.window_at(at("2026-03-02T18:00:00+00:00")) is None


def test_an_executor_schedules_the_cleanup_once_at_the_next_window(settings):
    settings.LEGATO_HISTORY_CLEANUP_AUTO = True
    settings.LEGATO_HISTORY_CLEANUP_WINDOW = "22:00-06:00"
    ensure_history_cleanup_job()
    ensure_history_cleanup_job()  # a second executor starting: still one job
    (job,) = Job.objects.filter(type="history-cleanup")
    # now if the window is open (it is from 22:00 to 06:00), else when it opens next
    assert job.due_date == cleanup_job.first_due(job.created)
    assert job.created <= job.due_date <= job.created + timedelta(days=1)


def test_no_job_when_the_engine_does_not_schedule_the_cleanup(settings):
    settings.LEGATO_HISTORY_CLEANUP_AUTO = False
    ensure_history_cleanup_job()
    assert not Job.objects.exists()


def test_the_job_removes_expired_history_in_the_window_and_waits_for_the_next(settings):
    settings.LEGATO_HISTORY_CLEANUP_AUTO = True
    settings.LEGATO_HISTORY_CLEANUP_WINDOW = ""  # any time: due at once
    expired(3)
    ensure_history_cleanup_job()
    run_jobs()
    assert not HistoricProcessInstance.objects.exists()
    assert HistoryCleanupRun.objects.get().instances_removed == 3
    job = Job.objects.get(pk="history-cleanup")  # kept for the next run, an hour later
    assert job.lock_owner is None
    assert job.due_date > timezone.now() + timedelta(minutes=59)


def test_a_long_cleanup_gives_the_executor_back_between_runs(settings, monkeypatch):
    settings.LEGATO_HISTORY_CLEANUP_AUTO = True
    settings.LEGATO_HISTORY_CLEANUP_WINDOW = ""
    settings.LEGATO_HISTORY_CLEANUP_BATCH_SIZE = 1
    monkeypatch.setattr(cleanup_job, "BATCHES_PER_RUN", 2)
    expired(5)
    ensure_history_cleanup_job()
    executor = JobExecutorThread()
    assert executor.run_once()
    assert HistoricProcessInstance.objects.count() == 3  # two batches of one, then due again
    assert Job.objects.get().due_date <= timezone.now()
    run_jobs()
    assert not HistoricProcessInstance.objects.exists()


def test_a_failing_cleanup_is_retried_later_with_fewer_retries(settings, monkeypatch):
    settings.LEGATO_HISTORY_CLEANUP_AUTO = True
    settings.LEGATO_HISTORY_CLEANUP_WINDOW = ""
    ensure_history_cleanup_job()

    def broken(**_: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(cleanup_job, "cleanup_history", broken)
    run_jobs()
    job = Job.objects.get()
    assert (job.retries, job.exception_message, job.lock_owner) == (2, "disk full", None)
    assert job.due_date > timezone.now() + timedelta(minutes=4)


# -- REST ---------------------------------------------------------------------------------------


def basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def closed_window() -> str:
    """A window that opens in two hours: closed whenever the test runs."""
    now = timezone.localtime(timezone.now())
    start, end = now + timedelta(hours=2), now + timedelta(hours=3)
    return f"{start:%H}:00-{end:%H}:00"


@pytest.fixture
def api(client, demo_user):
    client.defaults.update(basic("demo", "demo"))  # demo is in camunda-admin
    return client


def test_an_admin_runs_the_cleanup_now_outside_the_window(api, settings):
    settings.LEGATO_HISTORY_CLEANUP_AUTO = True
    settings.LEGATO_HISTORY_CLEANUP_WINDOW = closed_window()
    expired(2)
    response = api.post(BASE)
    assert response.status_code == 200, response.content
    dto = response.json()
    assert dto["id"] == "history-cleanup"
    assert (dto["processInstanceId"], dto["processDefinitionId"], dto["tenantId"]) == (
        None, None, None
    )
    assert dto["retries"] == 3
    run_jobs()  # in production the dispatch after commit or the acquisition carries it
    assert not HistoricProcessInstance.objects.exists()
    # then back on the engine's schedule: the next window
    job = Job.objects.get()
    assert job.repeat == "window"
    assert job.due_date == cleanup_job.window_at(timezone.now())[0]
    logged = UserOperationLog.objects.get(operation_type="CreateHistoryCleanupJobs")
    assert (logged.user_id, logged.property, logged.new_value) == ("demo", "immediatelyDue", "true")


def test_immediately_due_false_schedules_it_at_the_next_window(api, settings):
    settings.LEGATO_HISTORY_CLEANUP_WINDOW = "22:00-06:00"
    response = api.post(f"{BASE}?immediatelyDue=false")
    assert response.status_code == 200
    job = Job.objects.get()
    assert (job.due_date, job.repeat) == (cleanup_job.first_due(job.created), "window")
    assert response.json()["dueDate"] == format_date(job.due_date)


def test_a_bad_flag_is_refused_and_schedules_nothing(api):
    response = api.post(f"{BASE}?immediatelyDue=soon")
    assert response.status_code == 400
    assert response.json() == {
        "type": "InvalidRequestException",
        "message": "Cannot set query parameter 'immediatelyDue' to value 'soon'",
        "code": None,
    }
    assert not Job.objects.exists()


def test_only_admins_schedule_the_cleanup(client, db):
    User.objects.create_user("mallory", password="pw")
    response = client.post(BASE, **basic("mallory", "pw"))
    assert response.status_code == 403
    # no permission would do (Camunda's requiredCamundaAdmin): nothing listed as missing
    assert response.json() == {
        "type": "AuthorizationException",
        "message": "Required admin authenticated group or user.",
        "code": 0,
        "userId": "mallory",
        "resourceName": None,
        "resourceId": None,
        "permissionName": None,
        "missingAuthorizations": [],
    }
    assert not Job.objects.exists()


def test_the_jobs_are_found_and_missing_ones_are_404(api, settings):
    for path in ("/job", "/jobs"):
        missing = api.get(BASE + path)
        assert missing.status_code == 404
        assert missing.json()["type"] == "InvalidRequestException"
    settings.LEGATO_HISTORY_CLEANUP_AUTO = True
    ensure_history_cleanup_job()
    assert api.get(f"{BASE}/job").json()["id"] == "history-cleanup"
    assert [j["id"] for j in api.get(f"{BASE}/jobs").json()] == ["history-cleanup"]
    # it is a job like the others for /job too
    assert "history-cleanup" in [j["id"] for j in api.get("/engine-rest/job").json()]


def test_the_configuration_names_the_window(api, settings):
    settings.LEGATO_HISTORY_CLEANUP_AUTO = True
    settings.LEGATO_HISTORY_CLEANUP_WINDOW = "22:00-06:00"
    body = api.get(f"{BASE}/configuration").json()
    start, end = cleanup_job.window()
    assert body["batchWindowStartTime"].startswith(start.astimezone(UTC).strftime(
        "%Y-%m-%dT%H:%M"
    ))
    assert body["enabled"] is True
    assert (end - start) == timedelta(hours=8)
    settings.LEGATO_HISTORY_CLEANUP_WINDOW = ""
    settings.LEGATO_HISTORY_CLEANUP_AUTO = False
    body = api.get(f"{BASE}/configuration").json()
    assert (body["batchWindowStartTime"], body["batchWindowEndTime"]) == (None, None)
    assert body["enabled"] is False


def test_the_command_still_runs_the_cleanup_by_hand(settings, capsys):
    settings.LEGATO_HISTORY_CLEANUP_WINDOW = ""
    expired(1)
    call_command("history_cleanup")
    assert not HistoricProcessInstance.objects.exists()


def test_executing_the_cleanup_job_over_rest_runs_the_cleanup(api, settings):
    settings.LEGATO_HISTORY_CLEANUP_AUTO = True
    settings.LEGATO_HISTORY_CLEANUP_WINDOW = ""
    expired(1)
    ensure_history_cleanup_job()
    response = api.post("/engine-rest/job/history-cleanup/execute")
    assert response.status_code == 204, response.content
    assert not HistoricProcessInstance.objects.exists()
    assert Job.objects.get().lock_owner is None
