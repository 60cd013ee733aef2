"""When the history of a finished process instance is removed (Camunda's
`historyService.setRemovalTimeToHistoricProcessInstances()`): at a given time, at the time its
definition's history time to live gives (end + TTL days), or cleared.

The history cleanup (identity/cleanup.py) removes an ended instance once its removal time has
passed; without one it falls back to end + TTL, so a cleared removal time puts an instance
back under its definition's time to live.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction

from engine.errors import NotFoundError
from engine.models import (
    DecisionDefinition,
    HistoricDecisionInstance,
    HistoricProcessInstance,
    ProcessDefinition,
)
from identity.authorization import Permission, require
from identity.resources import Resource

ABSOLUTE, CLEARED, CALCULATED = "absolute", "cleared", "calculated"


@dataclass(frozen=True)
class RemovalTime:
    """How a removal time is set: `mode` absolute (at `time`), cleared or calculated."""

    mode: str
    time: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {"mode": self.mode, "time": self.time.isoformat() if self.time else None}

    @staticmethod
    def from_json(data: dict[str, Any]) -> RemovalTime:
        time = data.get("time")
        return RemovalTime(data["mode"], datetime.fromisoformat(time) if time else None)


def set_removal_time(
    instance_id: str,
    removal: RemovalTime,
    *,
    hierarchical: bool = False,
    user_id: str | None = None,
) -> datetime | None:
    """Set the removal time of one historic instance (and, `hierarchical`, of every instance
    of its call hierarchy, from its root); its decision instances get the same. Needs
    READ_HISTORY on the definition, as finding the instance did. Returns the time set."""
    with transaction.atomic():
        instance = HistoricProcessInstance.objects.filter(pk=instance_id).first()
        if instance is None:
            raise NotFoundError(f"Historic process instance {instance_id} does not exist")
        if user_id is not None:
            require(user_id, Permission.READ_HISTORY, Resource.PROCESS_DEFINITION,
                    instance.process_definition_key)
        ids = [instance_id]
        if hierarchical:
            instance = _root(instance)
            ids = _hierarchy(instance.id)
        when = _removal_time(removal, instance)
        HistoricProcessInstance.objects.filter(pk__in=ids).update(removal_time=when)
        HistoricDecisionInstance.objects.filter(process_instance_id__in=ids).update(
            removal_time=when
        )
        return when


def _removal_time(removal: RemovalTime, instance: HistoricProcessInstance) -> datetime | None:
    if removal.mode == ABSOLUTE:
        return removal.time
    if removal.mode == CLEARED or instance.end_time is None:
        return None
    ttl = (
        ProcessDefinition.objects.filter(pk=instance.process_definition_id)
        .values_list("history_time_to_live", flat=True)
        .first()
    )
    return None if ttl is None else instance.end_time + timedelta(days=ttl)


def _root(instance: HistoricProcessInstance) -> HistoricProcessInstance:
    seen = {instance.id}
    while instance.super_process_instance_id:
        parent = HistoricProcessInstance.objects.filter(
            pk=instance.super_process_instance_id
        ).first()
        if parent is None or parent.id in seen:
            break
        seen.add(parent.id)
        instance = parent
    return instance


def _hierarchy(root_id: str) -> list[str]:
    """The root and every instance it called, at any depth."""
    ids, level = [root_id], [root_id]
    while level:
        level = list(
            HistoricProcessInstance.objects.filter(super_process_instance_id__in=level)
            .exclude(pk__in=ids)
            .values_list("id", flat=True)
        )
        ids += level
    return ids


def set_decision_removal_time(
    decision_instance_id: str,
    removal: RemovalTime,
    *,
    hierarchical: bool = False,
    user_id: str | None = None,
) -> datetime | None:
    """The same for a historic decision instance (and, `hierarchical`, for its root and every
    decision the root required); calculated is evaluation + the decision definition's time to
    live. Needs READ_HISTORY on the decision definition."""
    from engine.services.history_deletion import historic_decision

    with transaction.atomic():
        instance = historic_decision(decision_instance_id, user_id, Permission.READ_HISTORY)
        rows = HistoricDecisionInstance.objects.filter(pk=instance.pk)
        if hierarchical:
            root_id = instance.root_decision_instance_id or instance.id
            root = HistoricDecisionInstance.objects.filter(pk=root_id).first() or instance
            instance = root
            rows = HistoricDecisionInstance.objects.filter(
                models.Q(pk=root_id) | models.Q(root_decision_instance_id=root_id)
            )
        when = _decision_removal_time(removal, instance)
        rows.update(removal_time=when)
        return when


def _decision_removal_time(
    removal: RemovalTime, instance: HistoricDecisionInstance
) -> datetime | None:
    if removal.mode == ABSOLUTE:
        return removal.time
    if removal.mode == CLEARED:
        return None
    ttl = (
        DecisionDefinition.objects.filter(pk=instance.decision_definition_id)
        .values_list("history_time_to_live", flat=True)
        .first()
    )
    return None if ttl is None else instance.evaluation_time + timedelta(days=ttl)
