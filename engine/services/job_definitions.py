"""Job definitions (Camunda's managementService job definition commands): created at
deployment; suspended or activated, given an overriding job priority, or given retries for
all their failed jobs by an operator.

Each command is one transaction with its authorization check on the process definition and
its user operation log entry (entity type JobDefinition), as Camunda's commands check and log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from engine.bpmn.model import Definitions
from engine.errors import BadRequestError, NotFoundError
from engine.models import EntityType, Job, JobDefinition, ProcessDefinition
from engine.runtime.job_definitions import job_definitions
from engine.services import authz
from engine.services.authz import P
from engine.services.jobs import check_retries, dispatch_on_commit, give_retries
from engine.services.oplog import OperationLog
from engine.services.rows import locked_row
from engine.services.scheduled_suspension import (
    job_definition_change,
    key_target,
    schedule_state_change,
)
from engine.services.suspension import of_tenant


def create_job_definitions(
    rows: Sequence[ProcessDefinition], parsed: dict[str, Definitions]
) -> list[JobDefinition]:
    """The job definitions of newly deployed definitions (`parsed`: by resource name)."""
    created = [
        job
        for row in rows
        for job in new_job_definitions(JobDefinition, row, parsed[row.resource_name])
    ]
    return JobDefinition.objects.bulk_create(created)


def new_job_definitions(model: type[Any], definition: Any, parsed: Definitions) -> list[Any]:
    """Unsaved rows of `model` (JobDefinition, or the migration's historical model) for the
    job definitions of one process definition row."""
    process = parsed.process(definition.key)
    return [
        model(
            id=spec.id,
            process_definition_id=definition.id,
            process_definition_key=definition.key,
            activity_id=spec.activity_id,
            job_type=spec.job_type,
            job_configuration=spec.job_configuration,
            tenant_id=definition.tenant_id,
            deployment_id=definition.deployment_id,
        )
        for spec in job_definitions(process, definition.id)
    ]


def _locked(job_definition_id: str) -> JobDefinition:
    # Camunda's wording (JobDefinitionResourceImpl.getJobDefinition).
    message = f"Job Definition with id {job_definition_id} does not exist"
    return locked_row(JobDefinition, job_definition_id, message)


def _log(
    user_id: str | None, operation: str, rows: Sequence[JobDefinition], **properties: object
) -> None:
    log = OperationLog(user_id, operation, EntityType.JOB_DEFINITION)
    for row in rows:
        for name, value in properties.items():
            log.add(name, new_value=value, **_context(row))
    log.save()


def _context(row: JobDefinition) -> dict[str, str]:
    """Where an entry on a job definition points (Camunda's inContextOf(jobDefinition))."""
    return {
        "job_definition_id": row.id,
        "process_definition_id": row.process_definition_id,
        "process_definition_key": row.process_definition_key,
    }


def set_job_definition_suspended(
    job_definition_id: str,
    suspended: bool,
    *,
    include_jobs: bool = False,
    at: datetime | None = None,
    user_id: str | None = None,
) -> None:
    """Suspend or activate one job definition: new jobs of it are created in that state;
    `include_jobs` also suspends or activates its existing jobs; `at`: not now but then."""
    with transaction.atomic():
        row = _locked(job_definition_id)
        rows = JobDefinition.objects.filter(pk=row.id)
        target = {"by": "jobDefinitionId", "jobDefinitionId": row.id}
        change = _Change(suspended, include_jobs, at, target)
        _set_suspended({row.process_definition_key}, rows, change, user_id)


def set_job_definitions_suspended(
    suspended: bool,
    *,
    process_definition_id: str | None = None,
    process_definition_key: str | None = None,
    tenant_id: str | None = None,
    without_tenant: bool = False,
    include_jobs: bool = False,
    at: datetime | None = None,
    user_id: str | None = None,
) -> None:
    """Suspend or activate every job definition of a process definition, or of all versions
    of a key (of `tenant_id`, or of no tenant; Camunda's `PUT /job-definition/suspended`);
    `at`: not now but then."""
    if (process_definition_id is None) == (process_definition_key is None):
        raise BadRequestError(
            "Give either a processDefinitionId or a processDefinitionKey, not both"
        )
    with transaction.atomic():
        if process_definition_id is not None:
            definitions = ProcessDefinition.objects.filter(pk=process_definition_id)
            rows = JobDefinition.objects.filter(process_definition_id=process_definition_id)
            target = {"by": "processDefinitionId", "processDefinitionId": process_definition_id}
        else:
            definitions = of_tenant(
                ProcessDefinition.objects.filter(key=process_definition_key), tenant_id,
                without_tenant,
            )
            rows = JobDefinition.objects.filter(process_definition_id__in=definitions.values("id"))
            target = key_target(process_definition_key, tenant_id, without_tenant)
        keys = set(definitions.values_list("key", flat=True))
        if not keys:
            which = process_definition_id or process_definition_key
            raise NotFoundError(f"No process definition found for '{which}'")
        change = _Change(suspended, include_jobs, at, target)
        _set_suspended(keys, rows.select_for_update(), change, user_id)


@dataclass(frozen=True)
class _Change:
    """A suspension or activation, now (`at` None) or later, of the job definitions that
    `target` names (the scheduled job's handler configuration)."""

    suspended: bool
    include_jobs: bool
    at: datetime | None
    target: dict[str, Any]


def _set_suspended(
    keys: set[str], rows: QuerySet[JobDefinition], change: _Change, user_id: str | None
) -> None:
    suspended = change.suspended
    for key in sorted(keys):
        # Camunda: SUSPEND (or UPDATE) on the definition; with the jobs, SUSPEND_INSTANCE (or
        # UPDATE_INSTANCE) as well.
        authz.require_on_definition(user_id, key, P.SUSPEND, P.UPDATE)
        if change.include_jobs:
            authz.require_on_definition(user_id, key, P.SUSPEND_INSTANCE, P.UPDATE_INSTANCE)
    found = list(rows.order_by("pk"))
    ids = [row.id for row in found]
    if change.at is not None:
        target = {**change.target, "includeJobs": change.include_jobs}
        schedule_state_change(job_definition_change(suspended), change.at, target)
    else:
        _apply_suspension(ids, suspended, change.include_jobs)
    operation = "SuspendJobDefinition" if suspended else "ActivateJobDefinition"
    _log(
        user_id,
        operation,
        found,
        suspensionState="suspended" if suspended else "active",
        includeJobs=str(change.include_jobs).lower(),
    )


def _apply_suspension(ids: Sequence[str], suspended: bool, include_jobs: bool) -> None:
    JobDefinition.objects.filter(pk__in=ids).update(suspended=suspended)
    if include_jobs:
        jobs = Job.objects.filter(job_definition_id__in=ids)
        job_ids = list(jobs.exclude(suspended=suspended).values_list("id", flat=True))
        Job.objects.filter(pk__in=job_ids).update(suspended=suspended)
        if not suspended:
            dispatch_on_commit(job_ids)


def set_job_definition_priority(
    job_definition_id: str,
    priority: int | None,
    *,
    include_jobs: bool = False,
    user_id: str | None = None,
) -> None:
    """Jobs created from now on get `priority` (None: their activity's priority again);
    `include_jobs` also re-prioritises the existing jobs (not with None, as Camunda)."""
    if priority is None and include_jobs:
        raise BadRequestError("Cannot reset priority for job definition and include existing jobs")
    with transaction.atomic():
        row = _locked(job_definition_id)
        authz.require_on_definition(user_id, row.process_definition_key, P.UPDATE)
        if include_jobs:
            authz.require_on_definition(user_id, row.process_definition_key, P.UPDATE_INSTANCE)
        before = row.overriding_job_priority
        JobDefinition.objects.filter(pk=row.id).update(overriding_job_priority=priority)
        if include_jobs:
            Job.objects.filter(job_definition_id=row.id).update(priority=priority)
        log = OperationLog(user_id, "SetPriority", EntityType.JOB_DEFINITION)
        log.add(
            "overridingPriority",
            org_value=before,
            new_value=priority,
            **_context(row),
        ).add("includeJobs", new_value=str(include_jobs).lower(), **_context(row)).save()


def set_job_definition_retries(
    job_definition_id: str, retries: int, *, user_id: str | None = None
) -> int:
    """Give `retries` to every failed job of the definition (none left), resolving their
    `failedJob` incidents as setting one job's retries does; returns how many."""
    check_retries(retries)
    with transaction.atomic():
        row = _locked(job_definition_id)
        authz.require_on_definition(
            user_id, row.process_definition_key, P.RETRY_JOB, P.UPDATE_INSTANCE, P.UPDATE
        )
        failed = Job.objects.select_for_update().filter(job_definition_id=row.id, retries=0)
        job_ids = list(failed.values_list("id", flat=True))
        give_retries(job_ids, retries)
        log = OperationLog(user_id, "SetJobRetries", EntityType.JOB)
        log.add(
            "retries",
            new_value=retries,
            **_context(row),
        ).save()
    return len(job_ids)

