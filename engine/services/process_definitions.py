"""Delete process definitions one by one or by key (Camunda's DeleteProcessDefinitionsCmd).

The deployment and its resources stay; only the definition rows go. When the newest version
of a key is deleted, the version before it becomes the newest again and takes back the
message and signal start events, as Camunda restores them.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from engine import definitions
from engine.errors import DeletionFailedError, NotFoundError
from engine.models import EntityType, EventSubscription, OperationType, ProcessDefinition
from engine.services import authz
from engine.services.instances import delete_instances_of_definitions, running_instance_count
from engine.services.oplog import OperationLog
from engine.services.start_events import restore_start_events


def delete_process_definition(
    definition_id: str,
    *,
    cascade: bool = False,
    user_id: str | None = None,
    skip_custom_listeners: bool = False,
    skip_io_mappings: bool = False,
) -> None:
    """Delete one version; refused while its instances run, unless cascade deletes them."""
    with transaction.atomic():
        rows = list(ProcessDefinition.objects.select_for_update().filter(pk=definition_id))
        if not rows:
            raise NotFoundError(f"No process definition found with id '{definition_id}'")
        delete_definitions(
            rows,
            cascade=cascade,
            user_id=user_id,
            skip_custom_listeners=skip_custom_listeners,
            skip_io_mappings=skip_io_mappings,
        )


def delete_process_definitions_by_key(
    key: str,
    *,
    tenant_id: str | None = None,
    cascade: bool = False,
    user_id: str | None = None,
    skip_custom_listeners: bool = False,
    skip_io_mappings: bool = False,
) -> None:
    """Delete every version of a key (of one tenant, or of no tenant when tenant_id is None)."""
    with transaction.atomic():
        rows = list(
            ProcessDefinition.objects.select_for_update()
            .filter(key=key, tenant_id=tenant_id)
            .order_by("version")
        )
        if not rows:
            raise NotFoundError(f"No process definition found with key '{key}'")
        delete_definitions(
            rows,
            cascade=cascade,
            user_id=user_id,
            skip_custom_listeners=skip_custom_listeners,
            skip_io_mappings=skip_io_mappings,
        )


def delete_definitions(
    rows: Sequence[ProcessDefinition],
    *,
    cascade: bool,
    user_id: str | None,
    skip_custom_listeners: bool = False,
    skip_io_mappings: bool = False,
) -> None:
    """Delete these versions (locked by the caller), their start events and, with cascade,
    their running instances (their end listeners and output mappings run unless skipped)."""
    for key in {row.key for row in rows}:
        authz.require_delete_definition(user_id, key)
    ids = [row.id for row in rows]
    running = running_instance_count(ids)
    if running and not cascade:
        # Camunda: DeletionFailedException (ENGINE-03041), a ProcessEngineException (500).
        raise DeletionFailedError(
            "Deletion of process definition without cascading failed. Process definition with "
            f"id: {', '.join(ids)} can't be deleted, since there exists {running} dependening "
            "process instances."
        )
    if running:
        delete_instances_of_definitions(
            ids,
            reason="Process definition deleted",
            user_id=user_id,
            skip_custom_listeners=skip_custom_listeners,
            skip_io_mappings=skip_io_mappings,
        )
    log = OperationLog(user_id, OperationType.DELETE, EntityType.PROCESS_DEFINITION)
    for row in rows:
        log.add(
            "cascade",
            new_value=str(cascade).lower(),
            deployment_id=row.deployment_id,
            process_definition_id=row.id,
            process_definition_key=row.key,
        )
    log.save()
    EventSubscription.objects.filter(
        process_instance_id__isnull=True, process_definition_id__in=ids
    ).delete()
    ProcessDefinition.objects.filter(pk__in=ids).delete()
    deleted_newest: dict[tuple[str, str | None], int] = {}
    for row in rows:
        group = (row.key, row.tenant_id)
        deleted_newest[group] = max(deleted_newest.get(group, 0), row.version)
    for (key, tenant_id), version in deleted_newest.items():
        restore_start_events(key, tenant_id, deleted_version=version)
    transaction.on_commit(lambda: definitions.forget(ids))
