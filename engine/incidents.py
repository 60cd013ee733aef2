"""Incidents: raised when a job or an external task runs out of retries, resolved when an
operator gives it retries again; custom ones raised and resolved by an operator. Runtime
row, history row and live event, in the caller's transaction; the event goes out after
commit."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import Q

from engine import definitions
from engine.events import COCKPIT_GROUP, event, instance_groups, publish_on_commit
from engine.models import Execution, HistoricIncident, Incident, ProcessInstance
from engine.queries.executions import shown_execution_id

FAILED_JOB = "failedJob"
FAILED_EXTERNAL_TASK = "failedExternalTask"


def raise_incident(
    incident_type: str,
    message: str | None,
    *,
    configuration: str | None,
    process_instance_id: str | None,
    execution_id: str | None,
    activity_id: str,
    process_definition_id: str,
    now: datetime,
    job_definition_id: str | None = None,
) -> Incident:
    """An incident on an activity; `configuration` names the job or external task behind it
    (for a custom incident, whatever its creator put there).

    As in Camunda, every calling instance up the call chain gets an incident of its own on its
    call activity, caused by the one below and with this one as root cause.
    """
    incident_id = str(uuid.uuid4())
    fields = dict(
        incident_type=incident_type,
        incident_message=message,
        process_instance_id=process_instance_id,
        execution_id=execution_id,
        activity_id=activity_id,
        process_definition_id=process_definition_id,
        cause_incident_id=incident_id,
        root_cause_incident_id=incident_id,
        configuration=configuration,
        job_definition_id=job_definition_id,
    )
    incident = Incident.objects.create(
        id=incident_id, timestamp=now, failed_activity_id=activity_id, **fields
    )
    # History names the execution Camunda shows the token as; the runtime row keeps the token.
    fields["execution_id"] = shown_execution_id(execution_id)
    HistoricIncident.objects.create(id=incident_id, create_time=now, **fields)
    # Open diagrams redraw their incident badges once this commits.
    _publish("incident.raised", incident_id, incident_type, process_instance_id,
             process_definition_id, activity_id)
    _raise_in_callers(incident, now)
    return incident


def _raise_in_callers(cause: Incident, now: datetime) -> None:
    child = ProcessInstance.objects.filter(pk=cause.process_instance_id).values_list(
        "super_process_instance_id", "super_execution_id"
    ).first()
    while child is not None and child[0]:
        parent_id, call_execution = child
        parent = ProcessInstance.objects.filter(pk=parent_id).values_list(
            "process_definition_id", "super_process_instance_id", "super_execution_id"
        ).first()
        if parent is None:
            return
        call_activity, shown_as = Execution.objects.filter(pk=call_execution).values_list(
            "activity_id", "public_id"
        ).first() or (None, None)
        incident_id = str(uuid.uuid4())
        fields = dict(
            incident_type=cause.incident_type,
            incident_message=cause.incident_message,
            process_instance_id=parent_id,
            execution_id=call_execution,
            activity_id=call_activity,
            process_definition_id=parent[0],
            cause_incident_id=cause.id,
            root_cause_incident_id=cause.root_cause_incident_id,
            configuration=None,
        )
        cause = Incident.objects.create(
            id=incident_id, timestamp=now, failed_activity_id=call_activity, **fields
        )
        fields["execution_id"] = shown_as or call_execution
        HistoricIncident.objects.create(id=incident_id, create_time=now, **fields)
        _publish("incident.raised", incident_id, cause.incident_type, parent_id, parent[0],
                 call_activity)
        child = parent[1:]


def resolve_incidents(configuration: str, incident_type: str, now: datetime) -> int:
    """Close the open incidents of one job or external task; history keeps them as resolved."""
    ids = list(
        Incident.objects.filter(configuration=configuration, incident_type=incident_type)
        .values_list("id", flat=True)
    )
    return _close(ids, now)


def resolve_incident(incident: Incident, now: datetime) -> int:
    """Close one incident (a custom one, resolved by hand) and those it caused in callers."""
    return _close([incident.id], now)


def _close(ids: list[str], now: datetime) -> int:
    # Incidents the callers got for these go with them (their root cause is one of these).
    rows = list(
        Incident.objects.filter(Q(pk__in=ids) | Q(root_cause_incident_id__in=ids)).values_list(
            "id", "incident_type", "process_instance_id", "process_definition_id", "activity_id"
        )
    )
    closed = [row[0] for row in rows]
    if closed:
        Incident.objects.filter(pk__in=closed).delete()
        HistoricIncident.objects.filter(pk__in=closed).update(end_time=now, state="resolved")
    for incident_id, incident_type, instance_id, definition_id, activity_id in rows:
        _publish("incident.resolved", incident_id, incident_type, instance_id, definition_id,
                 activity_id)
    return len(closed)


def _publish(
    kind: str,
    incident_id: str,
    incident_type: str,
    instance_id: str | None,
    definition_id: str | None,
    activity_id: str | None,
) -> None:
    definition = definitions.runtime_definition(definition_id) if definition_id else None
    publish_on_commit(
        instance_groups(definition.key, definition.tenant_id) if definition else [COCKPIT_GROUP],
        event(
            kind,  # type: ignore[arg-type]
            incidentId=incident_id,
            incidentType=incident_type,
            processInstanceId=instance_id or "",
            processDefinitionId=definition_id or "",
            activityId=activity_id or "",
        ),
    )
