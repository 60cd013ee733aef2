"""Suspending and activating instances and definitions (Camunda's suspension state).

A suspended instance keeps its state; its tasks cannot be completed, its jobs are not
acquired and its external tasks are not fetched until it is activated again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from engine.errors import BadRequestError, NotFoundError
from engine.models import (
    EntityType,
    ExternalTask,
    Job,
    JobDefinition,
    ProcessDefinition,
    ProcessInstance,
    Task,
)
from engine.runtime.state import JobKind
from engine.services import authz
from engine.services.authz import P
from engine.services.oplog import OperationLog
from engine.services.scheduled_suspension import (
    definition_change,
    key_target,
    schedule_state_change,
)


def suspend_process_instance(instance_id: str, *, user_id: str | None = None) -> None:
    _set_instance_state([instance_id], True, user_id)


def activate_process_instance(instance_id: str, *, user_id: str | None = None) -> None:
    _set_instance_state([instance_id], False, user_id)


def set_instances_suspended(
    instance_ids: Sequence[str], suspended: bool, *, user_id: str | None = None
) -> None:
    """Suspend or activate these instances at once (all or none: an unknown id changes
    nothing)."""
    _set_instance_state(instance_ids, suspended, user_id)


def set_instances_of_definitions_suspended(
    suspended: bool,
    *,
    definition_id: str | None = None,
    key: str | None = None,
    tenant_id: str | None = None,
    without_tenant: bool = False,
    user_id: str | None = None,
) -> None:
    """Suspend or activate every instance of a definition, or of every version of `key`
    (of `tenant_id`, or of no tenant); the definitions themselves stay as they are."""
    if (definition_id is None) == (key is None):
        raise BadRequestError("Give either a process definition id or a key")
    definitions = of_tenant(ProcessDefinition.objects.filter(
        **({"pk": definition_id} if definition_id is not None else {"key": key})
    ), tenant_id, without_tenant)
    if not definitions.exists():
        raise NotFoundError(f"No process definition found for '{definition_id or key}'")
    instances = ProcessInstance.objects.filter(process_definition__in=definitions)
    _set_instance_state(list(instances.values_list("id", flat=True)), suspended, user_id)


def _set_instance_state(instance_ids: Sequence[str], suspended: bool, user_id: str | None) -> None:
    with transaction.atomic():
        rows = ProcessInstance.objects.filter(pk__in=instance_ids)
        found = list(rows.values_list("id", "process_definition_id"))
        if len(found) != len(set(instance_ids)):
            missing = sorted(set(instance_ids) - {i for i, _ in found})
            raise NotFoundError(f"No process instance found for id '{missing[0]}'")
        for instance_id, _ in found:
            authz.require_instance(user_id, instance_id, P.SUSPEND, P.SUSPEND_INSTANCE)
        _apply(instance_ids, suspended)
        log = OperationLog(user_id, _operation(suspended), EntityType.PROCESS_INSTANCE)
        for instance_id, definition_id in found:
            log.add(
                "suspensionState",
                new_value=_state(suspended),
                process_instance_id=instance_id,
                process_definition_id=definition_id,
            )
        log.save()


def suspend_process_definition(definition_id: str | None = None, **options: Any) -> None:
    """Suspend a definition (or by `key`, ...: the options of `set_definition_state`)."""
    set_definition_state(True, definition_id=definition_id, **options)


def activate_process_definition(definition_id: str | None = None, **options: Any) -> None:
    """Activate a definition (or by `key`, ...: the options of `set_definition_state`)."""
    set_definition_state(False, definition_id=definition_id, **options)


def set_definition_state(
    suspended: bool,
    *,
    definition_id: str | None = None,
    key: str | None = None,
    tenant_id: str | None = None,
    without_tenant: bool = False,
    include_process_instances: bool = False,
    at: datetime | None = None,
    user_id: str | None = None,
) -> None:
    """Suspend or activate a definition, or every version of `key` (of `tenant_id`, or of no
    tenant); `at`: not now but then (a job due at that time makes the change; the user
    operation is logged now)."""
    if (definition_id is None) == (key is None):
        raise BadRequestError("Give either a process definition id or a key")
    with transaction.atomic():
        if definition_id is not None:
            definitions = ProcessDefinition.objects.filter(pk=definition_id)
        else:
            definitions = of_tenant(ProcessDefinition.objects.filter(key=key), tenant_id,
                                    without_tenant)
        ids = list(definitions.values_list("id", flat=True))
        if not ids:
            raise NotFoundError(f"No process definition found for '{definition_id or key}'")
        authz.require_suspend_definition(user_id, definitions)
        if at is None:
            _apply_to_definitions(ids, suspended, include_process_instances)
        else:
            target = (
                {"by": "processDefinitionId", "processDefinitionId": definition_id}
                if definition_id is not None
                else key_target(key, tenant_id, without_tenant)
            )
            target["includeProcessInstances"] = include_process_instances
            schedule_state_change(definition_change(suspended), at, target)
        log = OperationLog(user_id, _operation(suspended), EntityType.PROCESS_DEFINITION)
        for definition in ids:
            log.add(
                "suspensionState",
                new_value=_state(suspended),
                process_definition_id=definition,
                process_definition_key=definition.split(":", 1)[0],
            )
        log.add("includeProcessInstances", new_value=str(include_process_instances).lower())
        log.save()


def activate_later(rows: Sequence[ProcessDefinition], at: datetime) -> None:
    """Newly deployed definitions stay suspended until `at` (a deployment's activation time:
    Camunda suspends them and schedules the activation of each)."""
    _apply_to_definitions([row.id for row in rows], True, False)
    for row in rows:
        row.suspended = True
        target = {"by": "processDefinitionId", "processDefinitionId": row.id,
                  "includeProcessInstances": False}
        schedule_state_change(definition_change(False), at, target)


def _apply_to_definitions(ids: Sequence[str], suspended: bool, include_instances: bool) -> None:
    ProcessDefinition.objects.filter(pk__in=ids).update(suspended=suspended)
    # Camunda suspends and activates a definition's job definitions and its timer start jobs
    # with it (the jobs of its instances only with the instances, below).
    JobDefinition.objects.filter(process_definition_id__in=ids).update(suspended=suspended)
    Job.objects.filter(
        process_definition_id__in=ids, process_instance_id__isnull=True, type=JobKind.TIMER_START
    ).update(suspended=suspended)
    if include_instances:
        instance_ids = list(
            ProcessInstance.objects.filter(process_definition_id__in=ids).values_list(
                "id", flat=True
            )
        )
        _apply(instance_ids, suspended)


def of_tenant(
    definitions: QuerySet[Any], tenant_id: str | None, without_tenant: bool
) -> QuerySet[Any]:
    """The versions of a key that a tenant selector names: of `tenant_id`, of no tenant, or
    (neither) of every tenant."""
    if tenant_id is not None:
        return definitions.filter(tenant_id=tenant_id)
    if without_tenant:
        return definitions.filter(tenant_id__isnull=True)
    return definitions


def _apply(instance_ids: Sequence[str], suspended: bool) -> None:
    ProcessInstance.objects.filter(pk__in=instance_ids).update(suspended=suspended)
    for model in (Task, Job, ExternalTask):
        model.objects.filter(process_instance_id__in=instance_ids).update(suspended=suspended)


def _operation(suspended: bool) -> str:
    return "Suspend" if suspended else "Activate"


def _state(suspended: bool) -> str:
    return "suspended" if suspended else "active"
