"""Operator commands on incidents: custom incidents raised and resolved by hand
(runtimeService.createIncident / resolveIncident) and annotations
(runtimeService.setAnnotationForIncidentById).

Retrying is setting retries on the job or external task behind the incident
(engine.services.jobs, engine.services.external_tasks); those incidents are not resolved by
hand, as in Camunda.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from engine import incidents
from engine.errors import BadRequestError, NotFoundError
from engine.models import EntityType, Execution, Incident, ProcessInstance
from engine.services import authz
from engine.services.oplog import OperationLog

# Raised and resolved by the engine with the job or external task behind them.
ENGINE_TYPES = (incidents.FAILED_JOB, incidents.FAILED_EXTERNAL_TASK)


def create_incident(
    execution_id: str,
    incident_type: str,
    *,
    message: str | None = None,
    configuration: str | None = None,
    user_id: str | None = None,
) -> Incident:
    """A custom incident on the activity an execution is at; it stays until it is resolved
    (resolve_incident) or its instance ends. Calling instances get one on their call
    activity, as for the engine's own incidents."""
    if not incident_type:
        raise BadRequestError("Cannot create an incident: incidentType is null")
    if incident_type in ENGINE_TYPES:
        raise BadRequestError(
            f"Cannot create an incident of type {incident_type}: the engine raises those "
            "when a job or an external task runs out of retries"
        )
    with transaction.atomic():
        execution = _execution_at_activity(execution_id)
        instance = ProcessInstance.objects.filter(pk=execution.process_instance_id).values_list(
            "process_definition_id", "process_definition__key"
        ).first()
        if instance is None:
            raise BadRequestError(f"Cannot find an execution with id '{execution_id}'")
        definition_id, key = instance
        authz.require_incident_update(user_id, execution.process_instance_id, key)
        OperationLog(user_id, "CreateIncident", EntityType.PROCESS_INSTANCE).add(
            "incidentType",
            new_value=incident_type,
            process_instance_id=execution.process_instance_id,
            process_definition_id=definition_id,
        ).add(
            "configuration",
            new_value=configuration,
            process_instance_id=execution.process_instance_id,
            process_definition_id=definition_id,
        ).save()
        return incidents.raise_incident(
            incident_type,
            message,
            configuration=configuration,
            process_instance_id=execution.process_instance_id,
            execution_id=execution.id,
            activity_id=execution.activity_id or "",
            process_definition_id=definition_id,
            now=timezone.now(),
        )


def _execution_at_activity(execution_id: str) -> Execution:
    """The execution, or the token Camunda runs in it (a lone token is its scope's execution
    there, engine.queries.executions), so clients pass the id Camunda shows."""
    execution = Execution.objects.filter(pk=execution_id).first()
    if execution is None:
        raise BadRequestError(f"Cannot find an execution with id '{execution_id}'")
    inner = (
        Execution.objects.filter(
            process_instance_id=execution.process_instance_id, public_id=execution.id
        )
        .exclude(pk=execution.id)
        .first()
    )
    if inner is not None:
        return inner
    if execution.activity_id:
        return execution
    tokens = list(
        Execution.objects.filter(process_instance_id=execution.process_instance_id)
        .exclude(activity_id=None)
        .exclude(activity_id="")[:2]
    )
    if execution.parent_id is None and len(tokens) == 1:  # rows written before public ids
        return tokens[0]
    raise BadRequestError(
        f"Cannot create an incident on execution '{execution_id}': it is not at an activity"
    )


def resolve_incident(incident_id: str, *, user_id: str | None = None) -> None:
    """Resolve a custom incident (and those it caused in calling instances); history keeps it
    as resolved. Incidents of failed jobs and external tasks are resolved by giving those
    retries again."""
    with transaction.atomic():
        incident = Incident.objects.select_for_update().filter(pk=incident_id).first()
        if incident is None:
            raise NotFoundError(f"Cannot find an incident with id '{incident_id}'")
        if incident.incident_type in ENGINE_TYPES:
            raise BadRequestError(
                f"Cannot resolve an incident of type {incident.incident_type}: set the "
                "retries of its job or external task instead"
            )
        if incident.cause_incident_id != incident.id:
            raise BadRequestError(
                f"Cannot resolve incident '{incident_id}': it was caused by incident "
                f"'{incident.root_cause_incident_id}' in a called instance; resolve that one"
            )
        key = (incident.process_definition_id or "").split(":", 1)[0]
        authz.require_incident_update(user_id, incident.process_instance_id, key)
        OperationLog(user_id, "Resolve", EntityType.PROCESS_INSTANCE).add(
            "incidentId",
            new_value=incident_id,
            process_instance_id=incident.process_instance_id,
            process_definition_id=incident.process_definition_id,
        ).save()
        incidents.resolve_incident(incident, timezone.now())


def set_incident_annotation(
    incident_id: str, annotation: str | None, *, user_id: str | None = None
) -> None:
    """Annotate an incident for the next operator (None clears it)."""
    with transaction.atomic():
        incident = Incident.objects.select_for_update().filter(pk=incident_id).first()
        if incident is None:
            raise NotFoundError(f"Cannot find an incident with id '{incident_id}'")
        key = (incident.process_definition_id or "").split(":", 1)[0]
        authz.require_incident_update(user_id, incident.process_instance_id, key)
        incident.annotation = annotation
        incident.save(update_fields=["annotation"])
        operation = "SetAnnotation" if annotation else "ClearAnnotation"
        OperationLog(user_id, operation, EntityType.INCIDENT).add(
            "annotation",
            new_value=annotation,
            process_instance_id=incident.process_instance_id,
            process_definition_id=incident.process_definition_id,
        ).save()
