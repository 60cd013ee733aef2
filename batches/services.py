"""Managing batches (Camunda's managementService batch methods): read, suspend, delete.

Camunda checks READ / UPDATE / DELETE on the Batch resource, and READ_HISTORY / DELETE_HISTORY
for history. Each change writes Camunda's user operation log entry on the Batch entity.
The creator of a batch may also read, suspend and delete it without an authorization row, as
the cockpit's batch page has always let its creator follow and resume it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from batches.history import calculated_removal_time
from batches.models import Batch, BatchState
from batches.runner import publish_progress, start_batch
from engine.errors import BadRequestError, NotFoundError
from engine.models import EntityType, OperationType
from engine.services.oplog import OperationLog
from engine.services.removal_time import ABSOLUTE, CLEARED, RemovalTime
from identity.authorization import Actor, identity_of, is_authorized, readable_ids, require
from identity.resources import Permission, Resource


def _user_id(actor: Actor) -> str:
    identity = identity_of(actor)
    return identity.user_id if identity is not None else ""


def _log(actor: Actor, operation: str, batch: Batch, prop: str | None, value: object) -> None:
    """Camunda's logBatchOperation: one entry on the Batch entity, with the batch id."""
    log = OperationLog(_user_id(actor) or None, operation, EntityType.BATCH)
    log.add(prop, new_value=value, batch_id=str(batch.id)).save()


def readable_batches(actor: Actor, permission: str = Permission.READ) -> Q:
    """Batches the actor may read (READ; READ_HISTORY for history), or its own."""
    by_permission = readable_ids(actor, Resource.BATCH, permission).q("id")
    user_id = _user_id(actor)
    return by_permission | Q(created_by=user_id) if user_id else by_permission


def require_on_batch(actor: Actor, permission: str, batch: Batch) -> None:
    if batch.created_by and batch.created_by == _user_id(actor):
        return
    require(actor, permission, Resource.BATCH, str(batch.id))


def may_on_batch(actor: Actor, permission: str, batch: Batch) -> bool:
    """`require_on_batch` as a question, for pages that offer only what the user may do."""
    if batch.created_by and batch.created_by == _user_id(actor):
        return True
    return is_authorized(actor, permission, Resource.BATCH, str(batch.id))


def _find(batch_id: str, *, for_update: bool = False) -> Batch:
    rows = Batch.objects.select_for_update() if for_update else Batch.objects.all()
    try:
        batch = rows.filter(pk=batch_id).first()
    except ValidationError:  # not a UUID: no batch has that id
        batch = None
    if batch is None:
        raise NotFoundError(f"Batch for id '{batch_id}' cannot be found")
    return batch


def get_batch(batch_id: str, actor: Actor, permission: str = Permission.READ) -> Batch:
    """Any batch, running or finished; 404 for an unknown id, 403 without `permission`."""
    batch = _find(batch_id)
    require_on_batch(actor, permission, batch)
    return batch


def get_running_batch(batch_id: str, actor: Actor) -> Batch:
    """A batch of the runtime: Camunda removes a batch from it once it completed."""
    batch = get_batch(batch_id, actor)
    if batch.finished:
        raise NotFoundError(f"Batch for id '{batch_id}' cannot be found")
    return batch


def set_batch_suspended(batch_id: str, suspended: bool, actor: Actor) -> Batch:
    """Suspend: the runner stops claiming chunks (the chunk in hand still finishes).
    Activate: a runner starts again after commit, from where the batch stopped."""
    with transaction.atomic():
        batch = _find(batch_id, for_update=True)
        if batch.finished:
            raise NotFoundError(f"Batch for id '{batch_id}' cannot be found")
        require_on_batch(actor, Permission.UPDATE, batch)
        if batch.suspended != suspended:
            batch.suspended = suspended
            batch.save(update_fields=["suspended"])
            if not suspended:
                transaction.on_commit(lambda: start_batch(batch.id))
        # Camunda logs the call even when the batch already was in that state.
        operation = OperationType.SUSPEND_BATCH if suspended else OperationType.ACTIVATE_BATCH
        _log(actor, operation, batch, "suspensionState", "suspended" if suspended else "active")
        transaction.on_commit(lambda: publish_progress(batch))
    return batch


def delete_batch(batch_id: str, cascade: bool, actor: Actor) -> None:
    """Stop a batch for good. Without `cascade` it stays in history with its end time (as
    Camunda keeps the historic batch); with `cascade` the row goes. Targets already handled
    stay handled; a runner in the middle of a chunk finds the batch gone and counts nothing."""
    with transaction.atomic():
        batch = _find(batch_id, for_update=True)
        require_on_batch(actor, Permission.DELETE, batch)
        if batch.finished and not cascade:
            raise NotFoundError(f"Batch for id '{batch_id}' cannot be found")
        _log(actor, OperationType.DELETE, batch, "cascadeDelete", "true" if cascade else "false")
        if cascade:
            batch.delete()
            return
        batch.state, batch.ended = BatchState.DELETED, timezone.now()
        batch.lease_owner, batch.lease_until = "", None
        batch.save()
        transaction.on_commit(lambda: publish_progress(batch))


def _find_historic(batch_id: str) -> Batch:
    try:
        return _find(batch_id, for_update=True)
    except NotFoundError:
        raise NotFoundError(f"Historic batch for id '{batch_id}' cannot be found") from None


def set_historic_batch_removal_time(batch_id: str, removal: RemovalTime, actor: Actor) -> None:
    """When the history cleanup removes a batch (Camunda's setRemovalTimeToHistoricBatches):
    at an absolute time, cleared (its end plus its time to live then decide), or calculated
    now from its end and its type's time to live. READ_HISTORY on the batch, as finding it."""
    with transaction.atomic():
        batch = _find_historic(batch_id)
        require_on_batch(actor, Permission.READ_HISTORY, batch)
        if removal.mode == ABSOLUTE:
            batch.removal_time = removal.time
        elif removal.mode == CLEARED:
            batch.removal_time = None
        else:
            batch.removal_time = calculated_removal_time(batch)
        batch.save(update_fields=["removal_time"])


def delete_historic_batch(batch_id: str, actor: Actor) -> None:
    """Remove a finished batch from history (Camunda's deleteHistoricBatch, DELETE_HISTORY on
    the batch). A running batch is refused: here its history and its runtime are one row, so
    removing the history would stop it; `delete_batch` with cascade does that on purpose."""
    with transaction.atomic():
        batch = _find_historic(batch_id)
        require_on_batch(actor, Permission.DELETE_HISTORY, batch)
        if not batch.finished:
            raise BadRequestError(
                f"Historic batch for id '{batch_id}' is still running: delete the batch itself"
            )
        _log(actor, OperationType.DELETE_HISTORY, batch, None, None)
        batch.delete()
