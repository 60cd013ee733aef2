"""After a commit, new due jobs are handed to whoever runs them, so continuations start at once.

A lost hand-over loses nothing: the acquisition loop finds every due job in the database.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings

from engine.jobs.executor import embedded_executor

log = logging.getLogger("legato.jobs")

# A broker that is down must not hold up the command that already committed: one quick try.
SEND_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1}


def send_job(job_id: str, owner: str | None = None) -> None:
    """Put one job id on the job queue (raises when the broker cannot be reached)."""
    from engine.tasks import execute_job

    execute_job.apply_async(
        (job_id, owner),
        queue=settings.LEGATO_JOB_QUEUE,
        retry=True,
        retry_policy=SEND_RETRY_POLICY,
    )


def dispatch_jobs(job_ids: Iterable[str]) -> None:
    ids = list(job_ids)
    if not ids:
        return
    if settings.REDIS_URL and not settings.LEGATO_JOB_EXECUTOR_IN_PROCESS:
        for job_id in ids:
            try:
                send_job(job_id)
            except Exception as error:  # noqa: BLE001 - the command has committed already
                # Nothing is lost: the job row is due and unlocked, acquisition finds it.
                log.warning("job %s not dispatched (%s); acquisition will run it", job_id, error)
                return
        return
    executor = embedded_executor()
    if executor is not None:
        executor.wake()


def timers_scheduled() -> None:
    """A job due later was committed: the in-process executor, which sleeps until the next
    due time it knows of, looks again (so a timer due sooner than that fires on time). The
    acquisition command does the same by polling."""
    if settings.LEGATO_JOB_EXECUTOR_IN_PROCESS:
        executor = embedded_executor()
        if executor is not None:
            executor.wake()
