"""Process instance modification: the operator moves tokens (Camunda's "Modify Process Instance
Execution State"), and previews what a modification would change before applying it.

Instructions are the core's dataclasses (engine.runtime.modification): StartBefore,
StartAfter, StartTransition, CancelActivity, CancelActivityInstance, CancelTransitionInstance.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.errors import BadRequestError, EngineError, NotFoundError
from engine.models import EntityType, ProcessInstance
from engine.runtime import modification
from engine.runtime.engine import ProcessEngine
from engine.runtime.modification import Instruction, InvalidModification, ModificationPreview
from engine.services import authz
from engine.services.oplog import OperationLog
from engine.services.runtime import _command, clock, environment, process_engine
from engine.store.django_store import DjangoStore

OPERATION_TYPE = "ModifyProcessInstance"

__all__ = [
    "ModificationPreview",
    "modify_process_instance",
    "preview_modification",
]


def _instance(instance_id: str) -> ProcessInstance:
    row = (
        ProcessInstance.objects.select_related("process_definition").filter(pk=instance_id).first()
    )
    if row is None:
        raise NotFoundError(f"Process instance with id {instance_id} does not exist")
    if row.suspended:
        # Camunda refuses to execute activities of a suspended instance, so we refuse early.
        raise EngineError(f"ProcessInstance {instance_id} is suspended")
    return row


def _instructions(instructions: Sequence[Instruction]) -> tuple[Instruction, ...]:
    given = tuple(instructions)
    if not given:
        raise BadRequestError("A process instance modification needs at least one instruction")
    return given


def modify_process_instance(
    instance_id: str,
    instructions: Sequence[Instruction],
    *,
    skip_custom_listeners: bool = False,
    skip_io_mappings: bool = False,
    annotation: str | None = None,
    user_id: str | None = None,
    process_definition_id: str | None = None,
) -> None:
    """Apply `instructions` in order, in one transaction: all of them or none.

    `process_definition_id`: the definition the caller modifies instances of (Camunda's
    modification of a set of instances); an instance of another is refused.

    A refused instruction (unknown activity or flow, ambiguous scope, missing instance)
    raises BadRequestError naming it; the instance is unchanged then. When the instructions
    leave no activity running, the instance ends EXTERNALLY_TERMINATED. The cancelled
    activities run their output mappings unless `skip_io_mappings`, which also skips the
    input mappings of what starts.
    """
    given = _instructions(instructions)

    def work(engine: ProcessEngine, store: DjangoStore) -> None:
        row = _instance(instance_id)
        if process_definition_id is not None and row.process_definition_id != process_definition_id:
            raise BadRequestError(
                f"Process instance '{instance_id}' cannot be modified. The process instance "
                f"does not belong to the process definition '{process_definition_id}'."
            )
        authz.require_update_instance(user_id, instance_id)
        try:
            engine.modify_process_instance(
                instance_id,
                given,
                skip_custom_listeners=skip_custom_listeners,
                skip_io_mappings=skip_io_mappings,
            )
        except InvalidModification as error:
            # raised inside the transaction: it rolls back whatever earlier instructions did
            raise BadRequestError(str(error)) from error
        # One row per instruction, so the audit trail says what was moved (Camunda writes a
        # single row without a property; the annotation is the operator's reason).
        log = OperationLog(user_id, OPERATION_TYPE, EntityType.PROCESS_INSTANCE)
        for instruction in given:
            log.add(
                "instruction",
                new_value=modification.describe(instruction),
                process_instance_id=instance_id,
                process_definition_id=row.process_definition_id,
                process_definition_key=row.process_definition.key,
                annotation=annotation,
            )
        log.save()

    _command(user_id, work)


def preview_modification(
    instance_id: str, instructions: Sequence[Instruction], *, user_id: str | None = None
) -> ModificationPreview:
    """What `instructions` would cancel and start and whether the instance would end,
    computed on a copy of its state; nothing is saved and no listener, delegate or script
    runs. Needs the same permission as the modification itself (it is its first step).
    Raises BadRequestError for an instruction the modification would refuse."""
    given = _instructions(instructions)
    _instance(instance_id)
    authz.require_update_instance(user_id, instance_id)
    _, store = process_engine(user_id)
    state = store.load(instance_id)
    if state is None or state.is_ended:
        raise NotFoundError(f"Process instance with id {instance_id} does not exist")
    definition = store.get_definition(state.process_definition_id)
    if definition is None:
        raise NotFoundError(f"Process definition {state.process_definition_id} does not exist")
    try:
        return modification.preview(definition, state, given, clock(), environment())
    except InvalidModification as error:
        raise BadRequestError(str(error)) from error
