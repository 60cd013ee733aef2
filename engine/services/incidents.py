"""Operator commands on incidents: annotations (runtimeService.setAnnotationForIncidentById).

Retrying is setting retries on the job or external task behind the incident
(engine.services.jobs, engine.services.external_tasks).
"""

from __future__ import annotations

from django.db import transaction

from engine.errors import NotFoundError
from engine.models import EntityType, Incident
from engine.services import authz
from engine.services.oplog import OperationLog


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
