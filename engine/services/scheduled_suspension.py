"""Suspension and activation at a later time (Camunda's `executionDate`).

A change asked for a date becomes a job due then, as Camunda's timer jobs of the types
`suspend-processdefinition`, `activate-processdefinition`, `suspend-job-definition` and
`activate-job-definition`. The job belongs to no process (its definition columns stay empty,
as Camunda's); its handler configuration names the target. The caller's authorization is
checked and its user operation is logged when the change is asked for; the job carries it
out later as the engine itself, with no user and so no second log entry.

A target that is gone when the job is due (its deployment deleted) leaves nothing to change:
the job ends without doing anything.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from engine.errors import NotFoundError
from engine.models import Job, LogState
from engine.runtime.env import unique_id
from engine.store.logs import job_log

log = logging.getLogger("legato.jobs")

SUSPEND_DEFINITION = "suspend-processdefinition"
ACTIVATE_DEFINITION = "activate-processdefinition"
SUSPEND_JOB_DEFINITION = "suspend-job-definition"
ACTIVATE_JOB_DEFINITION = "activate-job-definition"
STATE_CHANGES = frozenset(
    {SUSPEND_DEFINITION, ACTIVATE_DEFINITION, SUSPEND_JOB_DEFINITION, ACTIVATE_JOB_DEFINITION}
)


def definition_change(suspended: bool) -> str:
    return SUSPEND_DEFINITION if suspended else ACTIVATE_DEFINITION


def job_definition_change(suspended: bool) -> str:
    return SUSPEND_JOB_DEFINITION if suspended else ACTIVATE_JOB_DEFINITION


def key_target(key: str | None, tenant_id: str | None, without_tenant: bool) -> dict[str, Any]:
    """A scheduled change's target by key, with its tenant selector."""
    target: dict[str, Any] = {"by": "processDefinitionKey", "processDefinitionKey": key}
    if tenant_id is not None:
        target["processDefinitionTenantId"] = tenant_id
    elif without_tenant:
        target["processDefinitionWithoutTenantId"] = True
    return target


def schedule_state_change(job_type: str, at: datetime, target: dict[str, Any]) -> Job:
    """A job of `job_type` due `at` that changes `target`'s state (in the caller's
    transaction; the in-process executor looks again once it commits)."""
    from engine.jobs.dispatch import timers_scheduled

    job = Job.objects.create(
        id=unique_id(),
        type=job_type,
        process_definition_id="",
        process_definition_key="",
        activity_id="",
        due_date=at,
        created=timezone.now(),
        handler_configuration=json.dumps(target, sort_keys=True),
    )
    log_job(job, LogState.CREATED)
    transaction.on_commit(timers_scheduled)
    return job


def log_job(job: Job, state: str) -> None:
    """The job's entry in the job log, as any job's (Camunda's history at level full)."""
    if settings.LEGATO_HISTORY_LEVEL == "full":
        job_log(job, state).save()


def run_state_change(job: Job) -> None:
    """Carry out a due state change and end its job (in the job's transaction)."""
    from engine.services.job_definitions import (
        set_job_definition_suspended,
        set_job_definitions_suspended,
    )
    from engine.services.suspension import set_definition_state

    target = json.loads(job.handler_configuration or "{}")
    suspended = job.type in (SUSPEND_DEFINITION, SUSPEND_JOB_DEFINITION)
    tenant = {
        "tenant_id": target.get("processDefinitionTenantId"),
        "without_tenant": bool(target.get("processDefinitionWithoutTenantId")),
    }
    try:
        if job.type in (SUSPEND_DEFINITION, ACTIVATE_DEFINITION):
            set_definition_state(
                suspended,
                definition_id=target.get("processDefinitionId"),
                key=target.get("processDefinitionKey"),
                include_process_instances=bool(target.get("includeProcessInstances")),
                **tenant,
            )
        elif "jobDefinitionId" in target:
            set_job_definition_suspended(
                target["jobDefinitionId"], suspended, include_jobs=bool(target.get("includeJobs"))
            )
        else:
            set_job_definitions_suspended(
                suspended,
                process_definition_id=target.get("processDefinitionId"),
                process_definition_key=target.get("processDefinitionKey"),
                include_jobs=bool(target.get("includeJobs")),
                **tenant,
            )
    except NotFoundError as gone:
        log.info("scheduled %s %s: nothing to change (%s)", job.type, job.id, gone)
    log_job(job, LogState.SUCCESSFUL)
    job.delete()


def scheduled_changes(*, definition_id: str, key: str) -> list[Job]:
    """The state changes still to come for a process definition, or for its key, or for its
    job definitions, soonest first (the cockpit's definition page lists them)."""
    jobs = Job.objects.filter(type__in=STATE_CHANGES).order_by("due_date", "created")
    return [
        job
        for job in jobs
        if _names(json.loads(job.handler_configuration or "{}"), definition_id, key)
    ]


def _names(target: dict[str, Any], definition_id: str, key: str) -> bool:
    if target.get("processDefinitionId") == definition_id:
        return True
    if target.get("processDefinitionKey") == key:
        return True
    job_definition = target.get("jobDefinitionId")
    return job_definition is not None and _job_definition_of(job_definition) == definition_id


def _job_definition_of(job_definition_id: str) -> str | None:
    from engine.models import JobDefinition

    return (
        JobDefinition.objects.filter(pk=job_definition_id)
        .values_list("process_definition_id", flat=True)
        .first()
    )
