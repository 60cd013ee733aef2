"""Retrying an incident: give its failed job or external task one more try (retries = 1).

Cockpit's "retry" is Camunda's `setJobRetries(jobId, 1)` / `setRetries(externalTaskId, 1)`;
the engine services resolve the incident, write the operation log and hand the job on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from batches.models import Batch, BatchType
from batches.runner import create_batch, require_batch_create
from cockpit.permissions import require_instance
from engine.errors import BadRequestError, NotFoundError
from engine.incidents import FAILED_EXTERNAL_TASK, FAILED_JOB
from engine.models import Incident
from engine.services.jobs import set_job_retries
from identity.authorization import Actor, identity_of

RETRIES = 1


@dataclass(frozen=True)
class RetryTarget:
    """What a retry needs of an incident, frozen when a batch is created."""

    incident_id: str
    incident_type: str
    configuration: str
    process_instance_id: str
    process_definition_key: str

    def to_json(self) -> dict[str, str]:
        return {
            "incident": self.incident_id,
            "type": self.incident_type,
            "configuration": self.configuration,
            "instance": self.process_instance_id,
            "key": self.process_definition_key,
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> RetryTarget:
        return RetryTarget(
            data["incident"], data["type"], data["configuration"], data["instance"], data["key"]
        )

    @staticmethod
    def of(incident: Incident) -> RetryTarget:
        return RetryTarget(
            incident.id,
            incident.incident_type,
            incident.configuration or "",
            incident.process_instance_id or "",
            (incident.process_definition_id or "").split(":", 1)[0],
        )


def retry(target: RetryTarget, actor: Actor) -> None:
    """Authorize, then set retries to 1 through the engine's service for the incident's type.

    Raises EngineError (AuthorizationError, NotFoundError, ...) with a sentence for the page.
    """
    require_instance(actor, "retry", target.process_instance_id, target.process_definition_key)
    identity = identity_of(actor)
    user_id = identity.user_id if identity is not None else None
    if not target.configuration:
        raise BadRequestError(f"Incident {target.incident_id} names no job to retry.")
    if target.incident_type == FAILED_JOB:
        set_job_retries(target.configuration, RETRIES, user_id=user_id)
    elif target.incident_type == FAILED_EXTERNAL_TASK:
        from engine.services.external_tasks import set_retries

        set_retries(target.configuration, RETRIES, user_id=user_id)
    else:
        raise BadRequestError(
            f"Incidents of type '{target.incident_type}' are not resolved by a retry."
        )


def retry_incident(incident_id: str, actor: Actor) -> None:
    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None:
        raise NotFoundError(
            f"Incident {incident_id} is not open any more: it was resolved or its instance ended."
        )
    retry(RetryTarget.of(incident), actor)


def create_retry_batch(incidents: Iterable[Incident], actor: Actor, description: str) -> Batch:
    """Freeze the incidents as targets of a retry batch; it starts after commit."""
    require_batch_create(actor)
    targets = [RetryTarget.of(incident).to_json() for incident in incidents]
    if not targets:
        raise BadRequestError("No open incident matches: there is nothing to retry.")
    return create_batch(BatchType.RETRY_INCIDENTS, targets, actor, description=description)
