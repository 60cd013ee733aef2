"""Claiming due jobs from the database, as several executors would at once."""

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from engine.jobs.acquisition import acquire_due_jobs, acquire_job, next_due_time
from engine.models import Job

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def make_job(**fields) -> Job:
    values = dict(
        id=str(uuid.uuid4()),
        type="async-before",
        process_definition_id="p:1:x",
        process_definition_key="p",
        activity_id="Task_1",
        created=NOW,
        due_date=NOW,
    )
    values.update(fields)
    return Job.objects.create(**values)


def test_only_due_unlocked_jobs_with_retries_are_claimed_highest_priority_first():
    low = make_job(priority=1)
    high = make_job(priority=9)
    make_job(due_date=NOW + timedelta(hours=1))
    make_job(retries=0)
    make_job(suspended=True)
    make_job(lock_owner="other", lock_expiration_time=NOW + timedelta(minutes=1))
    assert acquire_due_jobs("me", NOW, limit=10) == [high.id, low.id]
    assert Job.objects.get(pk=high.id).lock_owner == "me"


def test_a_job_whose_lock_expired_is_claimed_again():
    job = make_job(lock_owner="dead-worker", lock_expiration_time=NOW - timedelta(seconds=1))
    assert acquire_due_jobs("me", NOW) == [job.id]


def test_a_named_job_is_claimed_once():
    job = make_job()
    assert acquire_job(job.id, "a", NOW)
    assert not acquire_job(job.id, "b", NOW)


def test_the_executor_knows_when_the_next_timer_is_due():
    make_job(due_date=NOW + timedelta(minutes=3))
    make_job(due_date=NOW + timedelta(minutes=1))
    assert next_due_time(NOW) == NOW + timedelta(minutes=1)


@pytest.mark.django_db(transaction=True)
def test_concurrent_acquirers_never_claim_the_same_job():
    jobs = {make_job().id for _ in range(40)}
    claimed: dict[str, list[str]] = {}
    barrier = threading.Barrier(4)

    def acquirer(name: str) -> None:
        barrier.wait()
        mine: list[str] = []
        while batch := acquire_due_jobs(name, NOW, limit=3):
            mine += batch
        claimed[name] = mine
        connection.close()

    threads = [threading.Thread(target=acquirer, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    all_claims = [job for batch in claimed.values() for job in batch]
    assert sorted(all_claims) == sorted(jobs)
