"""Deleting history on request: the history of finished process instances (Camunda's
`historyService.deleteHistoricProcessInstance(s)`), every table of it as the history cleanup
removes it, a running instance's refused; and historic variables with their updates
(`deleteHistoricVariableInstance`, `deleteHistoricVariableInstancesByProcessInstanceId`),
for data that must go while the rest stays."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from engine.errors import BadRequestError, NotFoundError
from engine.models import (
    DetailType,
    EntityType,
    HistoricDecisionInstance,
    HistoricDetail,
    HistoricProcessInstance,
    HistoricVariableInstance,
    OperationType,
    ProcessInstance,
)
from engine.services.oplog import OperationLog
from identity.authorization import Permission, require
from identity.resources import ANY, Resource


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
    user_id: str | None,
    count: int,
    *,
    asynchronous: bool,
    entity: str = EntityType.PROCESS_INSTANCE,
    **target: str | None,
) -> None:
    OperationLog(user_id, OperationType.DELETE_HISTORY, entity).add(
        "nrOfInstances", new_value=count, **target
    ).add("async", new_value=str(asynchronous).lower(), **target).save()


def delete_historic_variable(variable_id: str, *, user_id: str | None = None) -> None:
    """One historic variable and every recorded update of it. DELETE_HISTORY on the
    definition of its instance (a standalone task's: on every definition)."""
    with transaction.atomic():
        row = HistoricVariableInstance.objects.filter(pk=variable_id).first()
        if row is None:
            # Camunda's wording (HistoricVariableInstanceResourceImpl).
            raise NotFoundError(
                f"Historic variable instance with Id '{variable_id}' does not exist"
            )
        key = _require_delete_history(user_id, row.process_instance_id)
        _delete_variables([row])
        OperationLog(user_id, OperationType.DELETE_HISTORY, EntityType.VARIABLE).add(
            "name", new_value=row.name, process_instance_id=row.process_instance_id,
            process_definition_key=key, execution_id=row.execution_id or None,
            task_id=row.task_id,
        ).save()


def delete_historic_variables_of_instance(
    instance_id: str, *, user_id: str | None = None
) -> int:
    """Every historic variable of an instance, running or finished, with their updates."""
    with transaction.atomic():
        if not HistoricProcessInstance.objects.filter(pk=instance_id).exists():
            raise NotFoundError(f"Historic process instance with id {instance_id} does not exist")
        key = _require_delete_history(user_id, instance_id)
        rows = list(HistoricVariableInstance.objects.filter(process_instance_id=instance_id))
        _delete_variables(rows)
        # Camunda removes every detail of the instance here, submitted form fields included
        # (DeleteHistoricVariableInstancesByProcessInstanceIdCmd).
        HistoricDetail.objects.filter(process_instance_id=instance_id).delete()
        OperationLog(user_id, OperationType.DELETE_HISTORY, EntityType.VARIABLE).add(
            "nrOfVariableInstances", new_value=len(rows), process_instance_id=instance_id,
            process_definition_key=key, execution_id=instance_id,
        ).save()
        return len(rows)


def _require_delete_history(user_id: str | None, instance_id: str | None) -> str | None:
    key = (
        HistoricProcessInstance.objects.filter(pk=instance_id)
        .values_list("process_definition_key", flat=True)
        .first()
        if instance_id
        else None
    )
    if user_id is not None:
        require(user_id, Permission.DELETE_HISTORY, Resource.PROCESS_DEFINITION, key or ANY)
    return key


def _delete_variables(rows: list[HistoricVariableInstance]) -> None:
    for row in rows:
        # Details name their variable by execution and name (engine/store/projection.py); a
        # form field of the same name stays, as Camunda deletes by variable instance id.
        HistoricDetail.objects.filter(
            execution_id=row.execution_id, name=row.name, detail_type=DetailType.VARIABLE_UPDATE
        ).delete()
    HistoricVariableInstance.objects.filter(pk__in=[row.pk for row in rows]).delete()


def delete_historic_decision_instance(
    decision_instance_id: str, *, user_id: str | None = None
) -> None:
    """One historic decision instance with its inputs and outputs, and the instances of the
    decisions it required (for a root). DELETE_HISTORY on the decision definition."""
    with transaction.atomic():
        instance = historic_decision(decision_instance_id, user_id, Permission.DELETE_HISTORY)
        HistoricDecisionInstance.objects.filter(
            Q(pk=instance.pk) | Q(root_decision_instance_id=instance.pk)
        ).delete()


def historic_decision(
    decision_instance_id: str, user_id: str | None, permission: str
) -> HistoricDecisionInstance:
    """The historic decision instance, if `user_id` holds `permission` on its definition."""
    instance = HistoricDecisionInstance.objects.filter(pk=decision_instance_id).first()
    if instance is None:
        raise NotFoundError(
            f"Historic decision instance with id '{decision_instance_id}' does not exist"
        )
    if user_id is not None:
        require(user_id, permission, Resource.DECISION_DEFINITION, instance.decision_definition_key)
    return instance
