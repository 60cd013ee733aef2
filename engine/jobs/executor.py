"""Running jobs: one job, one transaction; a failure is recorded in a transaction of its own.

`run_job` is what every carrier calls: the in-process executor thread of the embedded
default, and the Celery task in production.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta
from enum import StrEnum

from django.db import close_old_connections, connection
from django.utils import timezone

from engine.jobs.acquisition import DEFAULT_LOCK_TIME, acquire_due_jobs, next_due_time
from engine.jobs.failures import record_failure
from engine.metrics import names
from engine.metrics.collect import count

log = logging.getLogger("legato.jobs")
HISTORY_CLEANUP_JOB_ID = "history-cleanup"  # identity.cleanup_job's one job


class JobOutcome(StrEnum):
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"  # gone, or now locked by another owner: someone else runs it


class JobLockLost(Exception):  # noqa: N818 - a condition, not a failure of the job
    """The job no longer exists or belongs to another owner; nothing was done."""


def lock_time_setting() -> timedelta:
    """How long a claimed job stays locked: a worker that dies holding a job delays it by
    this much (settings.LEGATO_JOB_LOCK_SECONDS, Camunda's lockTimeInMillis)."""
    from django.conf import settings

    seconds = getattr(settings, "LEGATO_JOB_LOCK_SECONDS", None)
    return timedelta(seconds=seconds) if seconds else DEFAULT_LOCK_TIME


def default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def run_job(job_id: str, owner: str) -> JobOutcome:
    """Execute one job that `owner` has locked."""
    from engine.services.runtime import execute_job

    if job_id == HISTORY_CLEANUP_JOB_ID:  # not a process's job: no engine command
        from identity.cleanup_job import run_history_cleanup

        ran = run_history_cleanup(owner)
        if ran is None:
            return JobOutcome.SKIPPED
        count(names.JOB_SUCCESSFUL if ran else names.JOB_FAILED)
        return JobOutcome.DONE if ran else JobOutcome.FAILED
    try:
        execute_job(job_id, lock_owner=owner)
    except JobLockLost:
        return JobOutcome.SKIPPED
    except Exception as error:  # every failure of a job is recorded, none escapes the executor
        log.info("job %s failed: %s", job_id, error)
        recorded = record_failure(job_id, owner, error, timezone.now())
        if recorded is None:
            return JobOutcome.SKIPPED
        count(names.JOB_FAILED)  # "Every failed attempt to execute a job is counted."
        return JobOutcome.FAILED
    count(names.JOB_SUCCESSFUL)
    return JobOutcome.DONE


class JobExecutorThread(threading.Thread):
    """The embedded default's executor: one thread in the web process.

    It sleeps until the next timer is due, at most `idle_wait`, and wakes at once when a
    command commits a new async job (`wake`).
    """

    def __init__(
        self,
        *,
        batch_size: int = 10,
        idle_wait: float = 1.0,
        lock_time: timedelta | None = None,
    ) -> None:
        super().__init__(name="legato-job-executor", daemon=True)
        self.owner = default_owner()
        self.batch_size = batch_size
        self.idle_wait = idle_wait
        self.lock_time = lock_time or lock_time_setting()
        self._wake = threading.Event()
        # Not `_stop`: that name is threading.Thread's own method, and join() calls it.
        self._stopping = threading.Event()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    def run(self) -> None:
        ensure_history_cleanup_job()
        while not self._stopping.is_set():
            sleep = self.idle_wait
            try:
                # Worked: look again at once; idle: sleep until the next timer is due.
                sleep = 0.0 if self.run_once() else self._sleep_seconds()
            except Exception:  # the loop must survive a broken database connection
                log.exception("job acquisition failed")
            finally:
                close_old_connections()
            if sleep > 0:
                self._wake.wait(sleep)
                self._wake.clear()
        connection.close()

    def run_once(self) -> bool:
        ids = acquire_due_jobs(
            self.owner, timezone.now(), limit=self.batch_size, lock_time=self.lock_time
        )
        for job_id in ids:
            run_job(job_id, self.owner)
        return bool(ids)

    def _sleep_seconds(self) -> float:
        due = next_due_time(timezone.now())
        if due is None:
            return self.idle_wait
        return max(0.0, min(self.idle_wait, (due - timezone.now()).total_seconds()))


def ensure_history_cleanup_job() -> None:
    """Schedule the history cleanup job if it is not (every job executor, when it starts)."""
    from identity import cleanup_job

    try:
        cleanup_job.ensure_history_cleanup_job()
    except Exception:  # a database not migrated yet must not stop the executor
        log.exception("the history cleanup job could not be scheduled")


_embedded: JobExecutorThread | None = None
_embedded_lock = threading.Lock()


def start_embedded_executor() -> JobExecutorThread:
    """Start the in-process executor once per process (embedded default, `make run`)."""
    global _embedded
    with _embedded_lock:
        if _embedded is None or not _embedded.is_alive():
            _embedded = JobExecutorThread()
            _embedded.start()
        return _embedded


def embedded_executor() -> JobExecutorThread | None:
    return _embedded
