"""Job and incident operations the REST `/job` and `/incident` resources need and no service
offered yet: set retries, due date and suspension of a job; annotate an incident.

Each is one transaction with its operation-log entry and an authorization check (Camunda's
command checks: RETRY_JOB / UPDATE / SUSPEND on the instance or their *_INSTANCE counterparts
on the definition). When `engine.services.jobs` lands, its functions replace these.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from engine.errors import BadRequestError, NotFoundError
from engine.jobs.dispatch import dispatch_jobs
from engine.jobs.failures import resolve_incidents_of_job
from engine.models import Incident, Job
from engine.models.oplog import EntityType
from engine.services.oplog import OperationLog
from identity.authorization import ANY, Check, Permission, Resource, require_any

P = Permission


def _require_on_job(user_id: str | None, job: Job, on_instance: str, on_definition: str) -> None:
    if user_id is None:
        return
    checks = [Check(on_definition, Resource.PROCESS_DEFINITION, job.process_definition_key)]
    checks.append(Check(on_instance, Resource.PROCESS_INSTANCE, job.process_instance_id or ANY))
    checks.append(Check(P.UPDATE, Resource.PROCESS_INSTANCE, job.process_instance_id or ANY))
    checks.append(Check(P.UPDATE_INSTANCE, Resource.PROCESS_DEFINITION, job.process_definition_key))
    require_any(user_id, checks)


def _locked_job(job_id: str) -> Job:
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None:
        raise NotFoundError(f"No job found with id '{job_id}'")
    return job


def _log(user_id: str | None, operation: str, job: Job, prop: str, old: object,
         new: object) -> None:
    OperationLog(user_id, operation, EntityType.JOB).add(
        prop,
        org_value=old,
        new_value=new,
        job_id=job.id,
        process_instance_id=job.process_instance_id,
        process_definition_id=job.process_definition_id,
        process_definition_key=job.process_definition_key,
    ).save()


def set_job_retries(job_id: str, retries: int, *, user_id: str | None = None) -> None:
    """managementService.setJobRetries: retries > 0 resolve the job's failedJob incident and
    make it acquirable again."""
    if retries < 0:
        raise BadRequestError("The number of job retries must be a non-negative Integer")
    with transaction.atomic():
        job = _locked_job(job_id)
        _require_on_job(user_id, job, P.RETRY_JOB, P.RETRY_JOB)
        old = job.retries
        job.retries = retries
        job.save(update_fields=["retries"])
        if retries > 0:
            resolve_incidents_of_job(job.id, timezone.now())
        _log(user_id, "SetJobRetries", job, "retries", old, retries)
        if retries > 0:
            transaction.on_commit(lambda: dispatch_jobs([job_id]))


def set_job_due_date(
    job_id: str, due_date: datetime | None, *, user_id: str | None = None
) -> None:
    """managementService.setJobDuedate (null: due now)."""
    with transaction.atomic():
        job = _locked_job(job_id)
        _require_on_job(user_id, job, P.UPDATE, P.UPDATE_INSTANCE)
        old = job.due_date
        job.due_date = due_date
        job.save(update_fields=["due_date"])
        _log(user_id, "SetDueDate", job, "duedate", old, due_date)
        transaction.on_commit(lambda: dispatch_jobs([job_id]))


def set_job_suspended(job_id: str, suspended: bool, *, user_id: str | None = None) -> None:
    """managementService.suspendJobById / activateJobById."""
    with transaction.atomic():
        job = _locked_job(job_id)
        _require_on_job(user_id, job, P.SUSPEND, P.SUSPEND_INSTANCE)
        if job.suspended == suspended:
            return
        job.suspended = suspended
        job.save(update_fields=["suspended"])
        _log(user_id, "Suspend" if suspended else "Activate", job, "suspensionState",
             None, "suspended" if suspended else "active")
        if not suspended:
            transaction.on_commit(lambda: dispatch_jobs([job_id]))


def set_incident_annotation(
    incident_id: str, annotation: str | None, *, user_id: str | None = None
) -> None:
    """runtimeService.setAnnotationForIncidentById (None clears it)."""
    with transaction.atomic():
        incident = Incident.objects.select_for_update().filter(pk=incident_id).first()
        if incident is None:
            raise NotFoundError(f"Cannot find an incident with id '{incident_id}'")
        key = (incident.process_definition_id or "").split(":", 1)[0]
        if user_id is not None:
            require_any(
                user_id,
                [
                    Check(P.UPDATE, Resource.PROCESS_INSTANCE, incident.process_instance_id or ANY),
                    Check(P.UPDATE_INSTANCE, Resource.PROCESS_DEFINITION, key),
                ],
            )
        incident.annotation = annotation
        incident.save(update_fields=["annotation"])
        OperationLog(user_id, "SetAnnotation" if annotation else "ClearAnnotation",
                     EntityType.INCIDENT).add(
            "annotation",
            new_value=annotation,
            process_instance_id=incident.process_instance_id,
            process_definition_id=incident.process_definition_id,
        ).save()
