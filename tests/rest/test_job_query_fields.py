"""The job query's `dueDates`, `createTimes`, `acquired` and tenant filters (the list, the count
and the `jobQuery` of POST /job/retries), and the `dueDate` of PUT /job/{id}/retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from engine.models import Job, UserOperationLog
from engine.services import ResourceInput, deploy
from engine.services.runtime import start_process_instance
from engine.services.scheduled_suspension import (
    SUSPEND_DEFINITION,
    key_target,
    schedule_state_change,
)
from identity.cleanup_job import schedule_history_cleanup
from tests.rest.batch_helpers import TIMER
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db
URL = f"{BASE}/job"


def at(month: int, year: int = 2030) -> datetime:
    return datetime(year, month, 1, tzinfo=UTC)


def stamp(month: int, year: int = 2030) -> str:
    return f"{year}-{month:02d}-01T00:00:00.000+0000"


@pytest.fixture
def jobs(demo_user):
    """Three timers of no tenant (a, b, c), one of tenant acme (t), the history cleanup job
    and a scheduled suspension: both of the last belong to no definition."""
    deploy([ResourceInput("waiter.bpmn", TIMER)])
    acme = deploy([ResourceInput("waiter.bpmn", TIMER)], tenant_id="acme")
    ids = {name: start_process_instance("waiter").id for name in "abc"}
    ids["t"] = start_process_instance(definition_id=acme.process_definitions[0].id).id
    labels = {Job.objects.get(process_instance_id=pk).id: name for name, pk in ids.items()}
    labels[schedule_history_cleanup(immediately=True).id] = "cleanup"
    suspension = schedule_state_change(SUSPEND_DEFINITION, at(5), key_target("waiter", None, False))
    labels[suspension.id] = "suspension"
    # due: a Jan, b Feb, t Feb 15, c Mar, cleanup Apr, suspension May (2030);
    # created: the same months of 2020, t with b.
    months = {"a": 1, "b": 2, "t": 2, "c": 3, "cleanup": 4, "suspension": 5}
    for job_id, name in labels.items():
        due = at(months[name]) + (timedelta(days=14) if name == "t" else timedelta())
        Job.objects.filter(pk=job_id).update(due_date=due, created=at(months[name], 2020))
    return labels


def found(api, jobs, **params):
    response = api.get(URL, params)
    assert response.status_code == 200, response.content
    return {jobs[row["id"]] for row in response.json()}


def posted(api, jobs, body):
    response = api.post(URL, body, content_type="application/json")
    assert response.status_code == 200, response.content
    return {jobs[row["id"]] for row in response.json()}


def test_due_dates_bound_the_due_date_from_both_sides(api, jobs):
    assert found(api, jobs, dueDates=f"gt_{stamp(2)},lt_{stamp(3)}") == {"t"}
    assert found(api, jobs, dueDates=f"gt_{stamp(4)}") == {"suspension"}
    body = {"dueDates": [{"operator": "lt", "value": stamp(3)}]}
    assert posted(api, jobs, body) == {"a", "b", "t"}
    count = api.post(f"{URL}/count", body, content_type="application/json").json()
    assert count == {"count": 3}


def test_of_repeated_operators_the_last_one_counts_as_in_camunda(api, jobs):
    # JobQueryImpl keeps one duedateHigherThan: gt_March then gt_January means after January.
    later = found(api, jobs, dueDates=f"gt_{stamp(3)},gt_{stamp(1)}")
    assert later == {"b", "t", "c", "cleanup", "suspension"}


def test_create_times_before_includes_the_bound_and_after_excludes_it(api, jobs):
    assert found(api, jobs, createTimes=f"lt_{stamp(2, 2020)}") == {"a", "b", "t"}
    assert found(api, jobs, createTimes=f"gt_{stamp(2, 2020)}") == {"c", "cleanup", "suspension"}
    assert api.get(f"{URL}/count", {"createTimes": f"gt_{stamp(4, 2020)}"}).json() == {"count": 1}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (f"eq_{stamp(1)}", "Invalid due date comparator specified: eq"),
        ("gt", "condition query parameter has to have format OPERATOR_VALUE."),
        ("gt_tomorrow", None),
    ],
)
def test_malformed_due_date_conditions_are_a_400(api, jobs, value, message):
    response = api.get(URL, {"dueDates": value})
    assert response.status_code == 400
    assert response.json()["type"] == "InvalidRequestException"
    if message is not None:
        assert response.json()["message"] == message


def test_a_post_condition_list_that_is_no_list_is_a_400(api, jobs):
    body = {"createTimes": {"operator": "gt", "value": stamp(1)}}
    response = api.post(URL, body, content_type="application/json")
    assert response.status_code == 400


def test_acquired_keeps_only_jobs_locked_into_the_future(api, jobs):
    by_name = {name: pk for pk, name in jobs.items()}
    now = timezone.now()
    Job.objects.filter(pk=by_name["a"]).update(lock_expiration_time=now + timedelta(minutes=5))
    Job.objects.filter(pk=by_name["b"]).update(lock_expiration_time=now - timedelta(minutes=5))
    assert found(api, jobs, acquired="true") == {"a"}
    assert posted(api, jobs, {"acquired": True}) == {"a"}


def test_tenant_filters_count_jobs_of_no_definition_as_jobs_of_no_tenant(api, jobs):
    assert found(api, jobs, tenantIdIn="acme") == {"t"}
    widened = found(api, jobs, tenantIdIn="acme", includeJobsWithoutTenantId="true")
    assert widened == {"a", "b", "c", "t", "cleanup", "suspension"}
    assert found(api, jobs, withoutTenantId="true") == {"a", "b", "c", "cleanup", "suspension"}


def test_a_retries_batch_takes_only_the_jobs_its_query_selects(api, jobs):
    query = {"dueDates": [{"operator": "lt", "value": stamp(2)}], "tenantIdIn": ["acme"],
             "includeJobsWithoutTenantId": True}
    response = api.post(f"{URL}/retries", {"jobQuery": query, "retries": 4},
                        content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["totalJobs"] == 1


def test_put_retries_with_a_due_date_moves_the_due_date_in_the_same_operation(api, jobs):
    job_id = next(pk for pk, name in jobs.items() if name == "a")
    body = {"retries": 2, "dueDate": stamp(9)}
    response = api.put(f"{URL}/{job_id}/retries", body, content_type="application/json")
    assert response.status_code == 204, response.content
    job = Job.objects.get(pk=job_id)
    assert (job.retries, job.due_date) == (2, at(9))
    entries = UserOperationLog.objects.filter(job_id=job_id, operation_type="SetJobRetries")
    assert {entry.property for entry in entries} == {"retries", "dueDate"}
    assert len({entry.operation_id for entry in entries}) == 1


def test_put_retries_without_a_due_date_keeps_it_and_null_makes_the_job_due_now(api, jobs):
    job_id = next(pk for pk, name in jobs.items() if name == "b")
    url = f"{URL}/{job_id}/retries"
    api.put(url, {"retries": 1}, content_type="application/json")
    assert Job.objects.get(pk=job_id).due_date == at(2)
    api.put(url, {"retries": 1, "dueDate": None}, content_type="application/json")
    assert Job.objects.get(pk=job_id).due_date <= timezone.now()


def test_put_retries_with_an_unreadable_due_date_is_a_400_and_changes_nothing(api, jobs):
    job_id = next(pk for pk, name in jobs.items() if name == "c")
    body = {"retries": 5, "dueDate": "next week"}
    response = api.put(f"{URL}/{job_id}/retries", body, content_type="application/json")
    assert response.status_code == 400
    assert Job.objects.get(pk=job_id).retries != 5


def test_a_scheduled_suspension_is_a_timer_and_the_cleanup_job_neither_kind(api, jobs):
    # Camunda keeps suspensions at a date as timer jobs; its history cleanup job is an
    # ever-living job, neither a timer nor a message.
    assert found(api, jobs, timers="true") == {"a", "b", "c", "t", "suspension"}
    assert found(api, jobs, messages="true") == set()


def test_a_job_that_never_failed_has_a_stacktrace_of_no_content(api, jobs):
    # Camunda's JobResourceImpl returns the job's null stacktrace: a 204 (it was a 404)
    job_id = next(pk for pk, name in jobs.items() if name == "a")
    answer = api.get(f"{URL}/{job_id}/stacktrace")
    assert (answer.status_code, answer.content, answer.get("Content-Type")) == (204, b"", None)
    assert api.get(f"{URL}/unknown/stacktrace").status_code == 404
