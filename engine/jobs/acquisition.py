"""Claiming due jobs: the database is the truth, Celery and threads only carry job ids.

A job is acquirable when it is due, has retries left, is not suspended, and is unlocked or
its lock expired (the worker that held it died). Claiming sets `lock_owner` and
`lock_expiration_time` in the same transaction that selected the rows; on PostgreSQL the
select skips rows another acquirer holds (`FOR UPDATE SKIP LOCKED`), so two acquirers never
claim one job. SQLite serialises writers, so a plain select in an IMMEDIATE transaction is
correct there.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q, QuerySet

from engine.metrics import names
from engine.metrics.collect import count
from engine.models import Job

DEFAULT_LOCK_TIME = timedelta(minutes=5)


def acquirable(now: datetime) -> QuerySet[Job]:
    return Job.objects.filter(
        Q(due_date__isnull=True) | Q(due_date__lte=now),
        Q(lock_owner__isnull=True) | Q(lock_expiration_time__lt=now),
        retries__gt=0,
        suspended=False,
    )


def acquire_due_jobs(
    owner: str,
    now: datetime,
    *,
    limit: int = 10,
    lock_time: timedelta = DEFAULT_LOCK_TIME,
    dispatch_grace: timedelta | None = None,
) -> list[str]:
    """Lock up to `limit` due jobs for `owner`, highest priority and oldest due first.

    `dispatch_grace`: leave new async continuations (no due date) alone for this long; the
    post-commit dispatch already carries them, and claiming them too would send each twice.
    Only those whose message was lost (or is stuck behind a long queue) are claimed.
    """
    with transaction.atomic():
        due = acquirable(now)
        if dispatch_grace is not None:
            due = due.filter(Q(due_date__isnull=False) | Q(created__lte=now - dispatch_grace))
        due = due.order_by("-priority", "due_date")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:limit])
        if ids:
            Job.objects.filter(pk__in=ids).update(
                lock_owner=owner, lock_expiration_time=now + lock_time
            )
    count(names.JOB_ACQUISITION_ATTEMPT)
    count(names.JOB_ACQUIRED_SUCCESS, len(ids))
    return ids


def acquire_job(
    job_id: str, owner: str, now: datetime, *, lock_time: timedelta = DEFAULT_LOCK_TIME
) -> bool:
    """Lock one named job if it is acquirable (a dispatched message for an async job)."""
    claimed = (
        acquirable(now)
        .filter(pk=job_id)
        .update(lock_owner=owner, lock_expiration_time=now + lock_time)
    )
    # Camunda's job-acquired-failure: a job another executor locked first.
    count(names.JOB_ACQUIRED_SUCCESS if claimed == 1 else names.JOB_ACQUIRED_FAILURE)
    return claimed == 1


def next_due_time(now: datetime) -> datetime | None:
    """When the earliest job not yet due becomes due (the executor sleeps until then)."""
    return (
        Job.objects.filter(retries__gt=0, suspended=False, due_date__gt=now)
        .order_by("due_date")
        .values_list("due_date", flat=True)
        .first()
    )


def outstanding_claims(prefix: str, now: datetime) -> int:
    """Jobs claimed by owners starting with `prefix` whose claim has not expired: sent to the
    queue and not finished yet (a finished job's row is gone)."""
    return Job.objects.filter(lock_owner__startswith=prefix, lock_expiration_time__gt=now).count()
