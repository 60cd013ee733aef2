"""Suspend or activate many jobs at once (Camunda's managementService
.updateJobSuspensionState().byJobDefinitionId / byProcessInstanceId / byProcessDefinitionId /
byProcessDefinitionKey): one transaction, one authorization check per definition key or
instance, one user operation log entry (SuspendJob / ActivateJob) naming the selection."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from engine.errors import BadRequestError
from engine.models import EntityType, Job, JobDefinition, ProcessDefinition
from engine.services import authz
from engine.services.authz import P
from engine.services.jobs import dispatch_on_commit
from engine.services.oplog import OperationLog


@dataclass(frozen=True)
class JobSelection:
    """Exactly one of the first four names the jobs; the tenant options narrow a key."""

    job_definition_id: str | None = None
    process_instance_id: str | None = None
    process_definition_id: str | None = None
    process_definition_key: str | None = None
    process_definition_tenant_id: str | None = None
    process_definition_without_tenant_id: bool = False

    def check(self) -> None:
        given = [self.job_definition_id, self.process_instance_id,
                 self.process_definition_id, self.process_definition_key]
        count = sum(value is not None for value in given)
        # Camunda's wording (JobRestServiceImpl / JobSuspensionStateDto).
        if count > 1:
            raise BadRequestError(
                "Only one of jobId, jobDefinitionId, processInstanceId, processDefinitionId or "
                "processDefinitionKey should be set to update the suspension state."
            )
        if count == 0:
            raise BadRequestError(
                "Either jobId, jobDefinitionId, processInstanceId, processDefinitionId or "
                "processDefinitionKey should be set to update the suspension state."
            )


def set_jobs_suspended(
    selection: JobSelection, suspended: bool, *, user_id: str | None = None
) -> int:
    """Suspend (a suspended job is never acquired) or activate the selected jobs; returns how
    many changed. Selecting no job is no error, as in Camunda."""
    selection.check()
    with transaction.atomic():
        rows = _selected(selection)
        _require(selection, rows, user_id)
        job_ids = list(rows.exclude(suspended=suspended).values_list("id", flat=True))
        Job.objects.filter(pk__in=job_ids).update(suspended=suspended)
        if not suspended:
            dispatch_on_commit(job_ids)
        OperationLog(user_id, "SuspendJob" if suspended else "ActivateJob", EntityType.JOB).add(
            "suspensionState",
            new_value="suspended" if suspended else "active",
            job_definition_id=selection.job_definition_id,
            process_instance_id=selection.process_instance_id,
            process_definition_id=selection.process_definition_id,
            process_definition_key=selection.process_definition_key,
        ).save()
    return len(job_ids)


def _selected(selection: JobSelection) -> QuerySet[Job]:
    rows = Job.objects.select_for_update()
    if selection.job_definition_id is not None:
        return rows.filter(job_definition_id=selection.job_definition_id)
    if selection.process_instance_id is not None:
        return rows.filter(process_instance_id=selection.process_instance_id)
    if selection.process_definition_id is not None:
        return rows.filter(process_definition_id=selection.process_definition_id)
    definitions = ProcessDefinition.objects.filter(key=selection.process_definition_key)
    if selection.process_definition_tenant_id is not None:
        definitions = definitions.filter(tenant_id=selection.process_definition_tenant_id)
    elif selection.process_definition_without_tenant_id:
        definitions = definitions.filter(tenant_id__isnull=True)
    return rows.filter(process_definition_id__in=definitions.values("id"))


def _require(selection: JobSelection, rows: QuerySet[Job], user_id: str | None) -> None:
    # Camunda: by instance SUSPEND (or UPDATE) on it, or SUSPEND_INSTANCE (or UPDATE_INSTANCE)
    # on its definition; otherwise the latter on every definition key the selection covers.
    if selection.process_instance_id is not None:
        if rows.exists():
            authz.require_job(user_id, rows.first(), P.SUSPEND, P.SUSPEND_INSTANCE)
        return
    if selection.job_definition_id is not None:
        named = JobDefinition.objects.filter(pk=selection.job_definition_id)
    elif selection.process_definition_id is not None:
        named = ProcessDefinition.objects.filter(pk=selection.process_definition_id)
    else:
        named = ProcessDefinition.objects.filter(key=selection.process_definition_key)
    field = "process_definition_key" if selection.job_definition_id is not None else "key"
    for key in sorted(set(named.values_list(field, flat=True))):
        authz.require_on_definition(user_id, key, P.SUSPEND_INSTANCE, P.UPDATE_INSTANCE)
