"""After a commit, new due jobs are handed to whoever runs them, so continuations start at once.

A lost hand-over loses nothing: the acquisition loop finds every due job in the database.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from engine.jobs.executor import embedded_executor


def dispatch_jobs(job_ids: Iterable[str]) -> None:
    ids = list(job_ids)
    if not ids:
        return
    if settings.REDIS_URL and not settings.LEGATO_JOB_EXECUTOR_IN_PROCESS:
        from engine.tasks import execute_job

        for job_id in ids:
            execute_job.delay(job_id)
        return
    executor = embedded_executor()
    if executor is not None:
        executor.wake()
