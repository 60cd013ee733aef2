"""Deleting the history of finished process instances on request (Camunda's
`historyService.deleteHistoricProcessInstance(s)`): every history table of the instance, as
the history cleanup removes it, at once. A running instance's history is refused."""

from __future__ import annotations

from django.db import transaction

from engine.errors import BadRequestError, NotFoundError
from engine.models import EntityType, HistoricProcessInstance, OperationType, ProcessInstance
from engine.services.oplog import OperationLog
from identity.authorization import Permission, require
from identity.resources import Resource


def delete_historic_process_instance(
    instance_id: str,
    *,
    user_id: str | None = None,
    fail_if_not_exists: bool = True,
    log: bool = True,
) -> bool:
    """Delete one finished instance's history; False when there was none and that is fine
    (`fail_if_not_exists=False`). Needs DELETE_HISTORY on its definition. `log=False`: the
    caller logs the whole request once (a batch)."""
    from identity.cleanup import remove_instance_history

    with transaction.atomic():
        instance = HistoricProcessInstance.objects.select_for_update().filter(
            pk=instance_id
        ).first()
        if instance is None:
            if not fail_if_not_exists:
                return False
            # Camunda's wording (DeleteHistoricProcessInstancesCmd).
            raise NotFoundError(f"No historic process instance found with id: {instance_id}")
        if instance.end_time is None or ProcessInstance.objects.filter(pk=instance_id).exists():
            raise BadRequestError(
                f"Process instance is still running, cannot delete historic process instance: "
                f"{instance_id}"
            )
        if user_id is not None:
            require(user_id, Permission.DELETE_HISTORY, Resource.PROCESS_DEFINITION,
                    instance.process_definition_key)
        remove_instance_history([instance_id])
        if log:
            log_history_deletion(user_id, 1, asynchronous=False,
                                 process_definition_key=instance.process_definition_key)
    return True


def log_history_deletion(
    user_id: str | None, count: int, *, asynchronous: bool, **target: str | None
) -> None:
    OperationLog(user_id, OperationType.DELETE_HISTORY, EntityType.PROCESS_INSTANCE).add(
        "nrOfInstances", new_value=count, **target
    ).add("async", new_value=str(asynchronous).lower(), **target).save()
