"""Operator commands on jobs (Camunda's managementService): retries, execute now, due date,
suspension. Each is one transaction with its authorization check and user operation log entry
(RETRY_JOB / UPDATE / SUSPEND on the instance, or their *_INSTANCE counterparts on the
definition, as Camunda's command checks)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from engine.errors import BadRequestError
from engine.jobs.failures import resolve_incidents_of_job
from engine.models import EntityType, Job
from engine.services import authz
from engine.services.authz import P
from engine.services.oplog import OperationLog, job_context
from engine.services.rows import locked_row


def _job_for_update(job_id: str) -> Job:
    return locked_row(Job, job_id, f"No job found with id '{job_id}'")


def _log(
    user_id: str | None, operation: str, job: Job, prop: str, before: object, after: object
) -> None:
    OperationLog(user_id, operation, EntityType.JOB).add(
        prop,
        org_value=before,
        new_value=after,
        **job_context(job),
    ).save()


def dispatch_on_commit(job_ids: Sequence[str]) -> None:
    """Hand the jobs to the executor once the caller's transaction commits."""
    from engine.jobs.dispatch import dispatch_jobs

    ids = list(job_ids)
    transaction.on_commit(lambda: dispatch_jobs(ids))


def _dispatch_on_commit(job_id: str) -> None:
    dispatch_on_commit([job_id])


def check_retries(retries: int) -> None:
    if retries < 0:
        raise BadRequestError("The number of job retries must be a non-negative Integer")


def give_retries(job_ids: Sequence[str], retries: int) -> None:
    """Set the jobs' retries (locked by the caller); > 0 resolves their `failedJob`
    incidents and they run again."""
    Job.objects.filter(pk__in=job_ids).update(retries=retries)
    if retries > 0:
        now = timezone.now()
        for job_id in job_ids:
            resolve_incidents_of_job(job_id, now)
        dispatch_on_commit(job_ids)


def set_job_retries(
    job_id: str, retries: int, *, user_id: str | None = None, due: datetime | None = None
) -> None:
    """Set the retries; > 0 resolves the `failedJob` incident and the job runs again (when
    due). A `due` date moves the job's due date in the same command (Camunda's
    SetJobRetriesBuilder.dueDate); None keeps it."""
    check_retries(retries)
    with transaction.atomic():
        job = _job_for_update(job_id)
        authz.require_job(user_id, job, P.RETRY_JOB, P.RETRY_JOB)
        if due is not None:
            Job.objects.filter(pk=job_id).update(due_date=due)
        give_retries([job_id], retries)
        # One entry with a property change each, as Camunda's SetJobRetriesCmd logs it.
        log = OperationLog(user_id, "SetJobRetries", EntityType.JOB)
        target = job_context(job)
        log.add("retries", org_value=job.retries, new_value=retries, **target)
        if due is not None:
            log.add("dueDate", org_value=job.due_date, new_value=due, **target)
        log.save()


def execute_job_now(job_id: str, *, user_id: str | None = None) -> None:
    """Run the job at once in this call (Camunda's managementService.executeJob): a failure
    is recorded as any failure of the executor would be, and raised to the caller."""
    from engine.jobs.executor import JobOutcome, default_owner, lock_time_setting, run_job

    owner = f"execute-now:{default_owner()}"
    with transaction.atomic():
        job = _job_for_update(job_id)
        authz.require_job(user_id, job, P.UPDATE, P.UPDATE_INSTANCE)
        if job.suspended:
            raise BadRequestError(f"Job {job_id} is suspended")
        # Locked like any claim: if this process dies mid-job, the lock expires.
        Job.objects.filter(pk=job_id).update(
            lock_owner=owner, lock_expiration_time=timezone.now() + lock_time_setting()
        )
        _log(user_id, "Execute", job, "executeJob", None, None)
    if run_job(job_id, owner) is JobOutcome.FAILED:
        message = Job.objects.filter(pk=job_id).values_list("exception_message", flat=True).first()
        raise BadRequestError(f"Job {job_id} failed: {message}")


def set_job_due_date(
    job_id: str, due: datetime | None, *, cascade: bool = False, user_id: str | None = None
) -> None:
    """Move a job's due date (None: due now); with `cascade`, a timer's later firings move
    by as much (job_changes.move_timer_due_date)."""
    if cascade and due is not None:
        from engine.services.job_changes import move_timer_due_date

        if move_timer_due_date(job_id, due, user_id=user_id):
            return
    with transaction.atomic():
        job = _job_for_update(job_id)
        authz.require_job(user_id, job, P.UPDATE, P.UPDATE_INSTANCE)
        before = job.due_date
        Job.objects.filter(pk=job_id).update(due_date=due or timezone.now())
        _log(user_id, "SetDueDate", job, "duedate", before, due)
        _dispatch_on_commit(job_id)


def set_job_priority(job_id: str, priority: int, *, user_id: str | None = None) -> None:
    """A job of higher priority is acquired first (Camunda's managementService
    .setJobPriority)."""
    with transaction.atomic():
        job = _job_for_update(job_id)
        authz.require_job(user_id, job, P.UPDATE, P.UPDATE_INSTANCE)
        before = job.priority
        Job.objects.filter(pk=job_id).update(priority=priority)
        _log(user_id, "SetPriority", job, "priority", before, priority)


def set_job_suspended(job_id: str, suspended: bool, *, user_id: str | None = None) -> None:
    """A suspended job is never acquired until it is activated again."""
    with transaction.atomic():
        job = _job_for_update(job_id)
        authz.require_job(user_id, job, P.SUSPEND, P.SUSPEND_INSTANCE)
        if job.suspended == suspended:
            return
        Job.objects.filter(pk=job_id).update(suspended=suspended)
        _log(
            user_id,
            "Suspend" if suspended else "Activate",
            job,
            "suspensionState",
            None,
            "suspended" if suspended else "active",
        )
        if not suspended:
            _dispatch_on_commit(job_id)
