"""Celery tasks: thin wrappers that take ids and primitives and call one service."""

from __future__ import annotations

import socket

from celery import shared_task
from django.db import connection


@shared_task(name="legato.health_check")
def health_check() -> dict[str, object]:
    """Proves a worker is alive and reaches the database; answered by the worker that ran it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (db_ok,) = cursor.fetchone()
    return {"worker": socket.gethostname(), "database": db_ok == 1, "vendor": connection.vendor}


@shared_task(name="legato.execute_job", acks_late=True)
def execute_job(job_id: str, owner: str | None = None) -> str:
    """Run one job. Dispatched jobs come unlocked and are claimed here; jobs the acquisition
    loop claimed come with its owner. A lost or duplicated message runs nothing twice: the
    job row is locked while it runs and deleted in the transaction that completes it."""
    from django.utils import timezone

    from engine.jobs.acquisition import acquire_job
    from engine.jobs.executor import JobOutcome, default_owner, lock_time_setting, run_job

    if owner is None:
        owner = default_owner()
        if not acquire_job(job_id, owner, timezone.now(), lock_time=lock_time_setting()):
            return JobOutcome.SKIPPED.value
    return run_job(job_id, owner).value
