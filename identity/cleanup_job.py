"""The history cleanup as a job, as Camunda's history cleanup job: the job executor runs it in
the cleanup window without anyone scheduling a cron entry, and operators can run it now.

There is one such job, with a fixed id. Whoever runs jobs (the in-process executor of the
embedded default, `run_job_acquisition` in production) makes sure it exists when it starts,
unless LEGATO_HISTORY_CLEANUP_AUTO is off. One run removes at most `BATCHES_PER_RUN` batches
and then gives the executor back: with more left it is due again at once, otherwise at the
next window (or in an hour, while the window lasts, for instances whose time has just come).

The job's `repeat` column says how it was scheduled: `window` (by the engine: only inside the
window) or `now` (by an operator: once, whatever the time, then back to the window).
"""

from __future__ import annotations

import logging
import traceback
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from engine.jobs.executor import HISTORY_CLEANUP_JOB_ID
from engine.models import Job
from identity.cleanup import cleanup_history, in_window, parse_window

log = logging.getLogger("legato.history_cleanup")

JOB_TYPE = "history-cleanup"
IN_WINDOW = "window"
NOW = "now"
BATCHES_PER_RUN = 10
RETRIES = 3
AGAIN_WHILE_OPEN = timedelta(hours=1)
AFTER_FAILURE = timedelta(minutes=5)


def window() -> tuple[datetime, datetime] | None:
    """The cleanup window in effect now or next, as times (None: any time)."""
    return window_at(timezone.now())


def window_at(now: datetime) -> tuple[datetime, datetime] | None:
    times = parse_window(settings.LEGATO_HISTORY_CLEANUP_WINDOW)
    if times is None:
        return None
    start_time, end_time = times
    local = timezone.localtime(now)
    start = local.replace(
        hour=start_time.hour, minute=start_time.minute, second=0, microsecond=0
    )
    if in_window(now, times) and start > local:
        start -= timedelta(days=1)  # opened yesterday, spans midnight
    elif not in_window(now, times) and start <= local:
        start += timedelta(days=1)  # today's has closed
    end = start.replace(hour=end_time.hour, minute=end_time.minute)
    if end <= start:
        end += timedelta(days=1)
    return start, end


def next_run(now: datetime) -> datetime:
    """When the engine's own schedule runs the cleanup next, after a run that found nothing
    more to remove (or was stopped by the window closing)."""
    current = window_at(now)
    if current is None or current[0] <= now:  # any time, or the window is open
        return now + AGAIN_WHILE_OPEN
    return current[0]


def first_due(now: datetime) -> datetime:
    current = window_at(now)
    return now if current is None or current[0] <= now else current[0]


def ensure_history_cleanup_job() -> None:
    """Create the job at its first due time unless it exists (called by job executors when
    they start; several at once are fine: the id is fixed)."""
    if not settings.LEGATO_HISTORY_CLEANUP_AUTO:
        return
    if Job.objects.filter(pk=HISTORY_CLEANUP_JOB_ID).exists():
        return
    now = timezone.now()
    try:
        with transaction.atomic():
            Job.objects.create(**_new_job(first_due(now), IN_WINDOW, now))
    except IntegrityError:
        pass  # another executor created it meanwhile


def schedule_history_cleanup(*, immediately: bool) -> Job:
    """POST /history/cleanup: run now (whatever the window), or at the next window; the job's
    retries and last failure are reset."""
    now = timezone.now()
    due, mode = (now, NOW) if immediately else (first_due(now), IN_WINDOW)
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=HISTORY_CLEANUP_JOB_ID).first()
        if job is None:
            job = Job.objects.create(**_new_job(due, mode, now))
        else:
            job.due_date, job.repeat, job.retries = due, mode, RETRIES
            job.exception_message = job.exception_stacktrace = None
            job.save(
                update_fields=[
                    "due_date", "repeat", "retries", "exception_message", "exception_stacktrace"
                ]
            )
    return job


def history_cleanup_jobs() -> list[Job]:
    return list(Job.objects.filter(pk=HISTORY_CLEANUP_JOB_ID))


def run_history_cleanup(owner: str) -> bool | None:
    """Run the job `owner` has locked: True when it ran, None when it is gone or another
    owner holds it. A failure leaves it for a later try (fewer retries), as any job's."""
    job = Job.objects.filter(pk=HISTORY_CLEANUP_JOB_ID, lock_owner=owner).first()
    if job is None:
        return None
    manual = job.repeat == NOW
    try:
        run = cleanup_history(max_batches=BATCHES_PER_RUN, ignore_window=manual)
    except Exception as error:  # recorded on the job, as a failed job's
        log.warning("history cleanup failed: %s", error)
        _failed(owner, error)
        return False
    now = timezone.now()
    more = run is not None and run.batches >= BATCHES_PER_RUN
    with transaction.atomic():
        job = (
            Job.objects.select_for_update()
            .filter(pk=HISTORY_CLEANUP_JOB_ID, lock_owner=owner)
            .first()
        )
        if job is None:
            return None
        if not more and not settings.LEGATO_HISTORY_CLEANUP_AUTO:
            job.delete()  # run on demand only: done
            return True
        job.due_date = now if more else next_run(now)
        job.repeat = job.repeat if more else IN_WINDOW
        job.lock_owner = job.lock_expiration_time = None
        job.exception_message = job.exception_stacktrace = None
        job.retries = RETRIES
        job.save()
    return True


def _failed(owner: str, error: BaseException) -> None:
    now = timezone.now()
    with transaction.atomic():
        job = (
            Job.objects.select_for_update()
            .filter(pk=HISTORY_CLEANUP_JOB_ID, lock_owner=owner)
            .first()
        )
        if job is None:
            return
        job.retries = max(0, job.retries - 1)
        job.due_date = now + AFTER_FAILURE
        job.lock_owner = job.lock_expiration_time = None
        job.exception_message = (str(error) or type(error).__name__)[:4000]
        job.exception_stacktrace = "".join(traceback.format_exception(error))
        job.save()


def _new_job(due: datetime, mode: str, now: datetime) -> dict[str, object]:
    # Not a process's job: no instance, definition or activity (Camunda's shows nulls there).
    return {
        "id": HISTORY_CLEANUP_JOB_ID,
        "type": JOB_TYPE,
        "process_definition_id": "",
        "process_definition_key": "",
        "activity_id": "",
        "due_date": due,
        "retries": RETRIES,
        "exclusive": False,
        "repeat": mode,
        "created": now,
    }
