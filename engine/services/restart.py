"""Restart finished process instances (Camunda's RuntimeService.restartProcessInstances): a
new instance of the same definition, started at the given elements with the variables the
old one ended with (or started with), its business key unless told otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from engine.errors import BadRequestError
from engine.models import EntityType, HistoricProcessInstance
from engine.queries.history import FINISHED_STATES, initial_variables, last_variables
from engine.runtime.engine import ProcessInstance as StartedInstance
from engine.runtime.modification import Instruction, InvalidModification
from engine.services import authz
from engine.services.authz import P
from engine.services.oplog import OperationLog
from engine.services.runtime import start_process_instance


def restart_process_instances(
    definition_id: str,
    historic_instance_ids: Sequence[str],
    instructions: Sequence[Instruction],
    *,
    initial: bool = False,
    without_business_key: bool = False,
    skip_custom_listeners: bool = False,
    skip_io_mappings: bool = False,
    user_id: str | None = None,
    batch_id: str | None = None,
) -> list[StartedInstance]:
    """Restart each instance, all in one transaction: one refused, none restarted."""
    if not instructions:
        raise BadRequestError("Restart instructions cannot be empty")
    if not historic_instance_ids:
        raise BadRequestError("Process instance ids cannot be empty")
    with transaction.atomic():
        try:
            started = [
                _restart(
                    definition_id,
                    instance_id,
                    instructions,
                    initial=initial,
                    without_business_key=without_business_key,
                    skip_custom_listeners=skip_custom_listeners,
                    skip_io_mappings=skip_io_mappings,
                    user_id=user_id,
                )
                for instance_id in historic_instance_ids
            ]
        except InvalidModification as refused:
            raise BadRequestError(f"Cannot restart process instances: {refused}") from None
        log = OperationLog(user_id, "RestartProcessInstance", EntityType.PROCESS_INSTANCE)
        target = {"process_definition_id": definition_id, "batch_id": batch_id}
        log.add("nrOfInstances", new_value=len(started), **target)
        log.add("async", new_value=str(batch_id is not None).lower(), **target).save()
    return started


def _restart(
    definition_id: str,
    instance_id: str,
    instructions: Sequence[Instruction],
    *,
    initial: bool,
    without_business_key: bool,
    skip_custom_listeners: bool,
    skip_io_mappings: bool,
    user_id: str | None,
) -> StartedInstance:
    old = HistoricProcessInstance.objects.filter(pk=instance_id).first()
    if old is None:
        raise BadRequestError(f"Historic process instance {instance_id} cannot be found")
    if old.state not in FINISHED_STATES:
        raise BadRequestError(f"Historic process instance {instance_id} is still active")
    if old.process_definition_id != definition_id:
        raise BadRequestError(
            f"Its process definition '{old.process_definition_id}' does not match given process "
            f"definition '{definition_id}'"
        )
    authz.require_on_definition(user_id, old.process_definition_key, P.READ_HISTORY)
    variables = (
        initial_variables(instance_id, old.start_time) if initial else last_variables(instance_id)
    )
    started = start_process_instance(
        definition_id=definition_id,
        variables=variables,
        business_key=None if without_business_key else old.business_key,
        user_id=user_id,
        instructions=instructions,
        skip_custom_listeners=skip_custom_listeners,
        skip_io_mappings=skip_io_mappings,
    )
    HistoricProcessInstance.objects.filter(pk=started.id).update(
        restarted_process_instance_id=instance_id
    )
    return started
