"""Change how long history of a definition's instances is kept (Camunda's
RepositoryService.updateProcessDefinitionHistoryTimeToLive and
updateDecisionDefinitionHistoryTimeToLive); the history cleanup reads it."""

from __future__ import annotations

from django.db import transaction

from engine.errors import BadRequestError, NotFoundError
from engine.models import DecisionDefinition, EntityType, ProcessDefinition
from engine.services.oplog import OperationLog
from identity.authorization import Permission, require
from identity.resources import Resource

MAX_DAYS = 2_147_483_647  # Camunda's Integer


def set_history_time_to_live(
    definition: ProcessDefinition | DecisionDefinition,
    days: int | None,
    *,
    user_id: str | None = None,
) -> None:
    """Keep the history of `definition`'s instances `days` days after they end (None: for
    ever). Needs UPDATE on the definition; logged with the old and the new value."""
    if days is not None and (isinstance(days, bool) or not isinstance(days, int)):
        raise BadRequestError("historyTimeToLive must be a whole number of days or null")
    if days is not None and not 0 <= days <= MAX_DAYS:
        raise BadRequestError(
            f"historyTimeToLive must be between 0 and {MAX_DAYS} days, but was {days}"
        )
    process = isinstance(definition, ProcessDefinition)
    resource = Resource.PROCESS_DEFINITION if process else Resource.DECISION_DEFINITION
    if user_id is not None:
        require(user_id, Permission.UPDATE, resource, definition.key)
    model = type(definition)
    with transaction.atomic():
        row = model.objects.select_for_update().filter(pk=definition.pk).first()
        if row is None:
            raise NotFoundError(f"No definition found with id '{definition.pk}'")
        before = row.history_time_to_live
        model.objects.filter(pk=row.pk).update(history_time_to_live=days)
        entity = EntityType.PROCESS_DEFINITION if process else EntityType.DECISION_DEFINITION
        target = {"deployment_id": row.deployment_id}
        if process:
            target |= {"process_definition_id": row.pk, "process_definition_key": row.key}
        OperationLog(user_id, "UpdateHistoryTimeToLive", entity).add(
            "historyTimeToLive", org_value=before, new_value=days, **target
        ).save()
