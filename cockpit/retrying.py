"""Work that failed and will be tried again: jobs and external tasks with an error and retries
left. An incident appears only when the retries run out; this is the view before that, where
an operator sees a service going bad while the engine still retries it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from engine.models import ExternalTask, Job

LIMIT = 500  # the most of each kind one page lists, the soonest retries first


@dataclass(frozen=True)
class RetryingWork:
    kind: str  # "job" (with its type) or "external task"
    process_instance_id: str | None
    process_definition_id: str
    activity_id: str
    retries: int
    next_try: datetime | None  # None: as soon as the executor or a worker takes it
    error: str
    held_by: str | None  # lock owner or worker


def failing_jobs(definitions: Q) -> Q:
    """Jobs of readable definitions (`definitions` on `process_definition_key`) that failed
    and have retries left."""
    return definitions & Q(exception_message__isnull=False, retries__gt=0)


def failing_external_tasks(definitions: Q) -> Q:
    return definitions & Q(error_message__isnull=False, retries__gt=0)


def retrying_count(definitions: Q) -> int:
    return (
        Job.objects.filter(failing_jobs(definitions)).count()
        + ExternalTask.objects.filter(failing_external_tasks(definitions)).count()
    )


def retrying_work(definitions: Q) -> tuple[list[RetryingWork], int]:
    """Up to LIMIT of each kind, soonest retry first, and how many there are in all."""
    jobs = Job.objects.filter(failing_jobs(definitions)).order_by("due_date", "id")
    tasks = ExternalTask.objects.filter(failing_external_tasks(definitions)).order_by(
        "lock_expiration_time", "id"
    )
    found = [
        RetryingWork(
            f"{job.type} job",
            job.process_instance_id,
            job.process_definition_id,
            job.activity_id,
            job.retries,
            job.due_date,
            job.exception_message or "",
            job.lock_owner,
        )
        for job in jobs[:LIMIT]
    ]
    found += [
        RetryingWork(
            f"external task ({task.topic_name})",
            task.process_instance_id,
            task.process_definition_id,
            task.activity_id,
            task.retries or 0,
            task.lock_expiration_time,
            task.error_message or "",
            task.worker_id,
        )
        for task in tasks[:LIMIT]
    ]
    found.sort(key=lambda work: (work.next_try is not None, work.next_try or datetime.min))
    return found, jobs.count() + tasks.count()
