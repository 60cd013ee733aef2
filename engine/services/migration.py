"""Process instance migration (Camunda's "Process Instance Migration"): move running instances
of one process definition onto another, e.g. after deploying version 2.

Plans are the core's dataclasses (engine.runtime.migration); what is migrated and what is
refused is described there and in docs/runtime.md. `migrate_process_instances` moves the
instances all at once; `migrate_process_instances_async` (Camunda's executeAsync) checks the
plan and freezes the instances into an `instance-migration` batch, whose runner migrates each
instance on its own through `migrate_process_instances` (batches/kinds.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from batches.models import Batch, BatchType
from batches.runner import create_batch
from engine.errors import BadRequestError
from engine.models import EntityType, ProcessDefinition
from engine.runtime import migration
from engine.runtime.definition import ProcessDefinition as RuntimeDefinition
from engine.runtime.engine import ProcessEngine
from engine.runtime.migrating import MigratingInstancesInvalid
from engine.runtime.migration import (
    InstructionReport,
    InvalidMigrationPlan,
    MigrationPlan,
)
from engine.services import authz
from engine.services.authz import P
from engine.services.oplog import OperationLog
from engine.services.runtime import _command, process_engine
from engine.store.django_store import DjangoStore

OPERATION_TYPE = "Migrate"

__all__ = [
    "MigrationPlanInvalid",
    "ProcessInstancesNotMigratable",
    "generate_migration_plan",
    "migrate_process_instances",
    "migrate_process_instances_async",
    "validate_migration_plan",
]


class MigrationPlanInvalid(BadRequestError):
    """The plan does not fit its definitions (REST: 400); `reports` says why, per
    instruction."""

    camunda_type = "MigrationPlanValidationException"

    def __init__(self, message: str, reports: list[InstructionReport]) -> None:
        super().__init__(message)
        self.reports = reports


class ProcessInstancesNotMigratable(BadRequestError):
    """An instance cannot be migrated by the plan; none was (REST: 400)."""

    camunda_type = "MigratingProcessInstanceValidationException"


def _definition(definition_id: str, role: str) -> ProcessDefinition:
    row = ProcessDefinition.objects.filter(pk=definition_id).first()
    if row is None:
        raise BadRequestError(f"{role} process definition with id '{definition_id}' does not exist")
    return row


def _definitions(
    plan_source: str, plan_target: str, user_id: str | None, *permissions: str
) -> tuple[ProcessDefinition, ProcessDefinition]:
    source = _definition(plan_source, "Source")
    target = _definition(plan_target, "Target")
    for row in (source, target):
        authz.require_on_definition(user_id, row.key, *permissions)
    return source, target


def generate_migration_plan(
    source_definition_id: str,
    target_definition_id: str,
    *,
    update_event_triggers: bool = False,
    variables: Mapping[str, Any] | None = None,
    user_id: str | None = None,
) -> MigrationPlan:
    """A plan mapping the activities with equal ids and kinds (READ on both definitions)."""
    _definitions(source_definition_id, target_definition_id, user_id, P.READ)
    _, store = process_engine(user_id)
    source, target = _runtime(store, source_definition_id, target_definition_id)
    return migration.generate_plan(
        source, target, update_event_triggers=update_event_triggers, variables=variables
    )


def validate_migration_plan(
    plan: MigrationPlan, *, user_id: str | None = None
) -> list[InstructionReport]:
    """The failing instructions of `plan` with their reasons; empty when it is valid."""
    _definitions(plan.source_definition_id, plan.target_definition_id, user_id, P.READ)
    _, store = process_engine(user_id)
    source, target = _runtime(store, plan.source_definition_id, plan.target_definition_id)
    return migration.validate_plan(source, target, plan)


def migrate_process_instances(
    plan: MigrationPlan,
    process_instance_ids: Sequence[str],
    *,
    skip_custom_listeners: bool = False,
    skip_io_mappings: bool = False,
    user_id: str | None = None,
    batch_id: str | None = None,
) -> None:
    """Migrate every given instance by `plan` in one transaction: all of them or none.

    Needs MIGRATE_INSTANCE on the source and the target definition (Camunda's check). An
    invalid plan raises MigrationPlanInvalid, an instance the plan cannot migrate (an active
    activity without instruction, an unsupported state, another definition, gone)
    ProcessInstancesNotMigratable naming each instance and activity; nothing changes then.
    `skip_custom_listeners` and `skip_io_mappings` skip the start listeners and input
    mappings of the sub-processes migration adds, and the end listeners and output mappings
    of those it removes (Camunda's options).
    `batch_id`: the batch this call works for; its log rows name it, and the batch's own
    entry (written when it was created) already holds the count and `async`.
    """
    ids = list(dict.fromkeys(process_instance_ids))
    if not ids:
        raise BadRequestError("Process instance ids is empty")
    source_row, target_row = _definitions(
        plan.source_definition_id, plan.target_definition_id, user_id, P.MIGRATE_INSTANCE
    )

    def work(engine: ProcessEngine, store: DjangoStore) -> None:
        try:
            engine.migrate_process_instances(
                plan,
                ids,
                skip_custom_listeners=skip_custom_listeners,
                skip_io_mappings=skip_io_mappings,
            )
        except InvalidMigrationPlan as error:
            raise MigrationPlanInvalid(str(error), error.reports) from error
        except MigratingInstancesInvalid as error:
            raise ProcessInstancesNotMigratable(str(error)) from error
        log = OperationLog(user_id, OPERATION_TYPE, EntityType.PROCESS_INSTANCE)
        source = {
            "process_definition_id": source_row.id,
            "process_definition_key": source_row.key,
        }
        if batch_id is None:
            log.add("nrOfInstances", new_value=len(ids), **source)
            log.add("async", new_value="false", **source)
        for instance_id in ids:
            # one row per instance, so each instance's audit trail shows its move
            log.add(
                "processDefinitionId",
                org_value=source_row.id,
                new_value=target_row.id,
                process_instance_id=instance_id,
                batch_id=batch_id,
                **source,
            )
        log.save()

    _command(user_id, work)


def migrate_process_instances_async(
    plan: MigrationPlan,
    process_instance_ids: Sequence[str],
    *,
    skip_custom_listeners: bool = False,
    skip_io_mappings: bool = False,
    user_id: str | None = None,
) -> Batch:
    """Camunda's executeAsync: a batch that migrates each instance by `plan` on its own.

    Checked before anything is made, as Camunda does: the instance list (not empty), CREATE on
    the Batch resource, MIGRATE_INSTANCE on both definitions, and the plan itself
    (MigrationPlanInvalid). The instances are not checked here: one the plan cannot migrate,
    or that ended meanwhile, is a failure recorded on the batch, and the others go on.
    """
    # Camunda's check and message (MigrateProcessInstanceBatchCmd, EnsureUtil.ensureNotEmpty).
    ids = list(dict.fromkeys(process_instance_ids))
    if not ids:
        raise BadRequestError("Process instance ids cannot empty: process instance ids is empty")
    source_row, target_row = _definitions(
        plan.source_definition_id, plan.target_definition_id, user_id, P.MIGRATE_INSTANCE
    )
    _, store = process_engine(user_id)
    source, target = _runtime(store, plan.source_definition_id, plan.target_definition_id)
    try:
        migration.require_valid(source, target, plan)
    except InvalidMigrationPlan as error:
        raise MigrationPlanInvalid(str(error), error.reports) from error
    # Kept in Camunda's JSON form, read back by the reader of /migration/execute, as the
    # variables batch keeps its variables.
    from engine.rest.migration import plan_dto

    options = {
        "migrationPlan": plan_dto(plan),
        "skipCustomListeners": skip_custom_listeners,
        "skipIoMappings": skip_io_mappings,
    }
    with transaction.atomic():
        batch = create_batch(
            BatchType.INSTANCE_MIGRATION,
            ids,
            user_id,
            description=f"Migrate {len(ids)} process instance{'' if len(ids) == 1 else 's'} "
            f"from {source_row.key}:{source_row.version} to {target_row.key}:"
            f"{target_row.version}",
            options=options,
        )
        # The runner passes only the options to each target: they carry the batch id for the
        # log rows of each migration. Camunda's batch takes the source definition's tenant.
        batch.options["batchId"] = str(batch.id)
        batch.tenant_id = source_row.tenant_id
        batch.save(update_fields=["options", "tenant_id"])
        # Camunda's entry for the batch (AbstractMigrationCmd.writeUserOperationLog, async).
        log = OperationLog(user_id, OPERATION_TYPE, EntityType.PROCESS_INSTANCE)
        source_target = {
            "process_definition_id": source_row.id,
            "process_definition_key": source_row.key,
            "batch_id": str(batch.id),
        }
        log.add(
            "processDefinitionId",
            org_value=source_row.id,
            new_value=target_row.id,
            **source_target,
        )
        log.add("nrOfInstances", new_value=len(ids), **source_target)
        if plan.variables:
            log.add("nrOfSetVariables", new_value=len(plan.variables), **source_target)
        log.add("async", new_value="true", **source_target)
        log.save()
    return batch


def _runtime(
    store: DjangoStore, source_id: str, target_id: str
) -> tuple[RuntimeDefinition, RuntimeDefinition]:
    source = store.get_definition(source_id)
    target = store.get_definition(target_id)
    if source is None or target is None:  # rows exist (checked above): a broken deployment
        raise BadRequestError(f"Process definition '{source_id}' or '{target_id}' cannot be read")
    return source, target
