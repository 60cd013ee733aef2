"""What happens when a job fails: fewer retries, a later due date, and at zero an incident."""

from __future__ import annotations

import traceback
from datetime import datetime

from django.db import transaction

from engine import definitions, incidents
from engine.incidents import FAILED_JOB
from engine.jobs.retries import after_failure
from engine.models import Incident, Job, LogState
from engine.queries.executions import shown_execution_id
from engine.store.logs import job_log

MAX_MESSAGE = 4000


def retry_cycle_of(job: Job) -> str | None:
    """`camunda:failedJobRetryTimeCycle` of the job's activity (or its multi-instance body);
    a job of no process (a scheduled suspension) has none."""
    if not job.process_definition_id:
        return None
    node = definitions.process_model(job.process_definition_id).find_node(job.activity_id)
    if node is None:
        return None
    if node.multi_instance is not None and node.multi_instance.failed_job_retry_time_cycle:
        return node.multi_instance.failed_job_retry_time_cycle
    return node.failed_job_retry_time_cycle


def record_failure(job_id: str, owner: str, error: BaseException, now: datetime) -> Job | None:
    """Store the failure of one execution; returns the job, or None if another owner has it."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.lock_owner not in (owner, None):
            return None
        first_failure = job.exception_message is None
        decision = after_failure(retry_cycle_of(job), job.retries, first_failure, now)
        job.retries = decision.retries
        job.due_date = decision.due or now
        job.lock_owner = None
        job.lock_expiration_time = None
        job.exception_message = (str(error) or type(error).__name__)[:MAX_MESSAGE]
        job.exception_stacktrace = "".join(
            traceback.format_exception(type(error), error, error.__traceback__)
        )
        job.save(
            update_fields=[
                "retries",
                "due_date",
                "lock_owner",
                "lock_expiration_time",
                "exception_message",
                "exception_stacktrace",
            ]
        )
        job_log(job, LogState.FAILED, now, shown_execution_id(job.execution_id)).save()
        if job.retries == 0:
            raise_incident(job, now)
    return job


def raise_incident(job: Job, now: datetime) -> Incident:
    """A `failedJob` incident on the job's activity (Camunda: when retries reach 0)."""
    return incidents.raise_incident(
        FAILED_JOB,
        job.exception_message,
        configuration=job.id,
        process_instance_id=job.process_instance_id,
        execution_id=job.execution_id,
        activity_id=job.activity_id,
        process_definition_id=job.process_definition_id,
        job_definition_id=job.job_definition_id,
        now=now,
    )


def resolve_incidents_of_job(job_id: str, now: datetime) -> int:
    """Setting retries > 0 resolves the job's incident (it stays in history as resolved)."""
    return incidents.resolve_incidents(job_id, FAILED_JOB, now)
