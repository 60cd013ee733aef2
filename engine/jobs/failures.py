"""What happens when a job fails: fewer retries, a later due date, and at zero an incident."""

from __future__ import annotations

import traceback
import uuid
from datetime import datetime

from django.db import transaction

from engine import definitions
from engine.events import event, instance_groups, publish_on_commit
from engine.jobs.retries import after_failure
from engine.models import HistoricIncident, Incident, Job

FAILED_JOB = "failedJob"
MAX_MESSAGE = 4000


def retry_cycle_of(job: Job) -> str | None:
    """`camunda:failedJobRetryTimeCycle` of the job's activity (or its multi-instance body)."""
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
        if job.retries == 0:
            raise_incident(job, now)
    return job


def raise_incident(job: Job, now: datetime) -> Incident:
    """A `failedJob` incident on the job's activity (Camunda: when retries reach 0)."""
    incident_id = str(uuid.uuid4())
    fields = dict(
        incident_type=FAILED_JOB,
        incident_message=job.exception_message,
        process_instance_id=job.process_instance_id,
        execution_id=job.execution_id,
        activity_id=job.activity_id,
        process_definition_id=job.process_definition_id,
        cause_incident_id=incident_id,
        root_cause_incident_id=incident_id,
        configuration=job.id,
    )
    incident = Incident.objects.create(
        id=incident_id, timestamp=now, failed_activity_id=job.activity_id, **fields
    )
    HistoricIncident.objects.create(id=incident_id, create_time=now, **fields)
    # Open diagrams redraw their incident badges once this commits.
    publish_on_commit(
        instance_groups(job.process_definition_key),
        event(
            "incident.raised",
            incidentId=incident_id,
            incidentType=FAILED_JOB,
            processInstanceId=job.process_instance_id or "",
            processDefinitionId=job.process_definition_id,
            activityId=job.activity_id,
        ),
    )
    return incident


def resolve_incidents_of_job(job_id: str, now: datetime) -> int:
    """Setting retries > 0 resolves the job's incident (it stays in history as resolved)."""
    rows = list(
        Incident.objects.filter(configuration=job_id, incident_type=FAILED_JOB).values_list(
            "id", "process_instance_id", "process_definition_id", "activity_id"
        )
    )
    ids = [row[0] for row in rows]
    if ids:
        Incident.objects.filter(pk__in=ids).delete()
        HistoricIncident.objects.filter(pk__in=ids).update(end_time=now, state="resolved")
    for incident_id, instance_id, definition_id, activity_id in rows:
        key = definitions.runtime_definition(definition_id).key if definition_id else None
        publish_on_commit(
            instance_groups(key),
            event(
                "incident.resolved",
                incidentId=incident_id,
                incidentType=FAILED_JOB,
                processInstanceId=instance_id or "",
                processDefinitionId=definition_id or "",
                activityId=activity_id or "",
            ),
        )
    return len(ids)
