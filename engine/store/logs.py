"""Job and external-task logs (Camunda's history at level full): one row per event in the
life of a job or an external task, written with the command that caused it."""

from __future__ import annotations

import socket
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from django.utils import timezone

from engine.models import ExternalTask, HistoricExternalTaskLog, HistoricJobLog, Job, LogState

HOSTNAME = socket.gethostname()


def job_log(
    job: Job, state: str, now: datetime | None = None, shown_as: str | None = None
) -> HistoricJobLog:
    """`shown_as`: the execution Camunda shows the job's token as, which the log names."""
    return HistoricJobLog(
        timestamp=now or timezone.now(),
        state=state,
        job_id=job.id,
        job_type=job.type,
        job_due_date=job.due_date,
        job_retries=job.retries,
        job_priority=job.priority,
        job_exception_message=job.exception_message if state == LogState.FAILED else None,
        job_exception_stacktrace=(
            job.exception_stacktrace if state == LogState.FAILED else None
        ),
        activity_id=job.activity_id,
        execution_id=shown_as or job.execution_id,
        process_instance_id=job.process_instance_id,
        process_definition_id=job.process_definition_id,
        process_definition_key=job.process_definition_key,
        hostname=HOSTNAME,
        job_definition_id=job.job_definition_id,
    )


def external_task_log(
    task: ExternalTask, state: str, now: datetime | None = None
) -> HistoricExternalTaskLog:
    return HistoricExternalTaskLog(
        timestamp=now or timezone.now(),
        state=state,
        external_task_id=task.id,
        topic_name=task.topic_name,
        worker_id=task.worker_id,
        priority=task.priority,
        retries=task.retries,
        error_message=task.error_message if state == LogState.FAILED else None,
        error_details=task.error_details if state == LogState.FAILED else None,
        activity_id=task.activity_id,
        activity_instance_id=task.activity_instance_id,
        execution_id=task.execution_id,
        process_instance_id=task.process_instance_id,
        process_definition_id=task.process_definition_id,
        process_definition_key=task.process_definition_key,
    )


def _ended(row_id: str, succeeded: Iterable[str]) -> str:
    return LogState.SUCCESSFUL if row_id in succeeded else LogState.DELETED


def log_jobs(
    created: Sequence[Job],
    removed: Sequence[Job],
    succeeded: frozenset[str],
    shown_as: Mapping[str, str | None],
) -> None:
    """Created jobs, and removed ones: successful when this command ran them, else deleted.
    `shown_as`: by job id, the execution Camunda shows its token as."""
    entries = [job_log(job, LogState.CREATED, shown_as=shown_as.get(job.id)) for job in created]
    entries += [
        job_log(job, _ended(job.id, succeeded), shown_as=shown_as.get(job.id)) for job in removed
    ]
    if entries:
        HistoricJobLog.objects.bulk_create(entries)


def log_external_tasks(
    created: Sequence[ExternalTask], removed: Sequence[ExternalTask], succeeded: frozenset[str]
) -> None:
    entries = [external_task_log(task, LogState.CREATED) for task in created]
    entries += [external_task_log(task, _ended(task.id, succeeded)) for task in removed]
    if entries:
        HistoricExternalTaskLog.objects.bulk_create(entries)
