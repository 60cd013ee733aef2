"""What each batch type does with one target, through the engine's service API.

Every handler acts as the batch's creator: the service checks the creator's authorization on
that target as the synchronous endpoint does, and a refusal (or a target that went away) is one
recorded failure, never the end of the batch. Camunda would leave a failed batch job with an
incident instead; Legato records the target and the message on the batch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from batches.models import BatchType
from engine.errors import NotFoundError
from identity.authorization import Actor, identity_of

Handler = Callable[[Any, Mapping[str, Any], Actor], None]


@dataclass(frozen=True)
class Kind:
    """A batch type: how one target is handled, named on the page, and counted."""

    handle: Handler
    noun: str  # what a target is, for the list of failures
    done_word: str  # "3 deleted"
    target_id: Callable[[Any], str] = str


def _user_id(actor: Actor) -> str | None:
    identity = identity_of(actor)
    return identity.user_id if identity is not None else None


def _retry_incident(target: Any, options: Mapping[str, Any], actor: Actor) -> None:
    # The cockpit's own batch type: its retry (and its permission check) stay in the cockpit.
    from cockpit import retry

    retry.retry(retry.RetryTarget.from_json(target), actor)


def _delete_instance(instance_id: Any, options: Mapping[str, Any], actor: Actor) -> None:
    from engine.services.runtime import delete_process_instance

    try:
        delete_process_instance(
            instance_id,
            options.get("deleteReason"),
            user_id=_user_id(actor),
            skip_custom_listeners=bool(options.get("skipCustomListeners")),
            skip_io_mappings=bool(options.get("skipIoMappings")),
        )
    except NotFoundError:
        # failIfNotExists=false: an instance that ended meanwhile is no failure (Camunda).
        if options.get("failIfNotExists", True):
            raise


def _set_job_retries(job_id: Any, options: Mapping[str, Any], actor: Actor) -> None:
    from engine.services.jobs import set_job_retries

    # The due date is stored in ISO form by whoever created the batch; one command and one
    # log entry with both, as Camunda's SetJobRetriesCmd.
    due = datetime.fromisoformat(options["dueDate"]) if options.get("dueDate") else None
    set_job_retries(job_id, int(options["retries"]), user_id=_user_id(actor), due=due)


def _set_external_task_retries(task_id: Any, options: Mapping[str, Any], actor: Actor) -> None:
    from engine.services.external_tasks import set_retries

    set_retries(task_id, int(options["retries"]), user_id=_user_id(actor))


def _set_suspension_state(instance_id: Any, options: Mapping[str, Any], actor: Actor) -> None:
    from engine.services import suspension

    change = (
        suspension.suspend_process_instance
        if options["suspended"]
        else suspension.activate_process_instance
    )
    change(instance_id, user_id=_user_id(actor))


def _set_variables(instance_id: Any, options: Mapping[str, Any], actor: Actor) -> None:
    # Kept in Camunda's JSON form (checked when the batch was made), read by the same reader
    # as `POST /process-instance/{id}/variables`.
    from engine.rest.variables import read_variables
    from engine.services.runtime import set_variables

    set_variables(instance_id, read_variables(options["variables"]), user_id=_user_id(actor))


def _migrate_instance(instance_id: Any, options: Mapping[str, Any], actor: Actor) -> None:
    # One instance per call, so that one the plan cannot migrate fails alone (the synchronous
    # /migration/execute is all or nothing). The plan is in Camunda's JSON form (checked when
    # the batch was made), read by the same reader as /migration/execute.
    from engine.rest.migration import read_plan
    from engine.services.migration import migrate_process_instances

    migrate_process_instances(
        read_plan(options["migrationPlan"]),
        [instance_id],
        skip_custom_listeners=bool(options.get("skipCustomListeners")),
        skip_io_mappings=bool(options.get("skipIoMappings")),
        user_id=_user_id(actor),
        batch_id=options.get("batchId"),
    )


def _modify_instance(instance_id: Any, options: Mapping[str, Any], actor: Actor) -> None:
    # The instructions in Camunda's JSON form (checked when the batch was made), read by the
    # same reader as /modification/execute; each instance is modified on its own.
    from engine.rest.modification import read_instructions
    from engine.services.modification import modify_process_instance

    modify_process_instance(
        instance_id,
        read_instructions(options["instructions"]),
        skip_custom_listeners=bool(options.get("skipCustomListeners")),
        skip_io_mappings=bool(options.get("skipIoMappings")),
        annotation=options.get("annotation"),
        user_id=_user_id(actor),
        process_definition_id=options["processDefinitionId"],
    )


def _restart_instance(instance_id: Any, options: Mapping[str, Any], actor: Actor) -> None:
    # Checked when the batch was made; each finished instance is restarted on its own.
    from engine.rest.batch_operations import restart_with

    restart_with(dict(options), [instance_id], _user_id(actor))


def _set_removal_time(instance_id: Any, options: Mapping[str, Any], actor: Actor) -> None:
    from engine.services.removal_time import RemovalTime, set_removal_time

    set_removal_time(
        instance_id,
        RemovalTime.from_json(options["removalTime"]),
        hierarchical=bool(options.get("hierarchical")),
        user_id=_user_id(actor),
    )


def _delete_history(instance_id: Any, options: Mapping[str, Any], actor: Actor) -> None:
    from engine.services.history_deletion import delete_historic_process_instance

    delete_historic_process_instance(
        instance_id,
        user_id=_user_id(actor),
        fail_if_not_exists=options.get("failIfNotExists", True),
        log=False,  # logged once, when the batch was made
    )


def _delete_decision_history(instance_id: Any, options: Mapping[str, Any], actor: Actor) -> None:
    from engine.services.history_deletion import delete_historic_decision_instance

    delete_historic_decision_instance(instance_id, user_id=_user_id(actor))


def _set_decision_removal_time(
    instance_id: Any, options: Mapping[str, Any], actor: Actor
) -> None:
    from engine.services.removal_time import RemovalTime, set_decision_removal_time

    set_decision_removal_time(
        instance_id,
        RemovalTime.from_json(options["removalTime"]),
        hierarchical=bool(options.get("hierarchical")),
        user_id=_user_id(actor),
    )


def _correlate_message(instance_id: Any, options: Mapping[str, Any], actor: Actor) -> None:
    # The variables in Camunda's JSON form, checked when the batch was made.
    from engine.rest.variables import read_variables
    from engine.services.runtime import correlate_message

    correlate_message(
        options["messageName"],
        process_instance_id=instance_id,
        variables=read_variables(options.get("variables") or {}),
        all=True,
        user_id=_user_id(actor),
    )


def _set_batch_removal_time(batch_id: Any, options: Mapping[str, Any], actor: Actor) -> None:
    from batches.services import set_historic_batch_removal_time
    from engine.services.removal_time import RemovalTime

    set_historic_batch_removal_time(
        batch_id, RemovalTime.from_json(options["removalTime"]), actor
    )


KINDS: dict[str, Kind] = {
    BatchType.RETRY_INCIDENTS: Kind(
        _retry_incident, "Incident", "retried", target_id=lambda data: data["incident"]
    ),
    BatchType.INSTANCE_DELETION: Kind(_delete_instance, "Process instance", "deleted"),
    BatchType.SET_JOB_RETRIES: Kind(_set_job_retries, "Job", "updated"),
    BatchType.SET_EXTERNAL_TASK_RETRIES: Kind(
        _set_external_task_retries, "External task", "updated"
    ),
    BatchType.INSTANCE_UPDATE_SUSPENSION_STATE: Kind(
        _set_suspension_state, "Process instance", "updated"
    ),
    BatchType.VARIABLES: Kind(_set_variables, "Process instance", "updated"),
    BatchType.INSTANCE_MIGRATION: Kind(_migrate_instance, "Process instance", "migrated"),
    BatchType.INSTANCE_MODIFICATION: Kind(_modify_instance, "Process instance", "modified"),
    BatchType.INSTANCE_RESTART: Kind(_restart_instance, "Process instance", "restarted"),
    BatchType.PROCESS_SET_REMOVAL_TIME: Kind(
        _set_removal_time, "Historic process instance", "updated"
    ),
    BatchType.HISTORIC_INSTANCE_DELETION: Kind(
        _delete_history, "Historic process instance", "deleted"
    ),
    BatchType.HISTORIC_DECISION_DELETION: Kind(
        _delete_decision_history, "Historic decision instance", "deleted"
    ),
    BatchType.DECISION_SET_REMOVAL_TIME: Kind(
        _set_decision_removal_time, "Historic decision instance", "updated"
    ),
    BatchType.CORRELATE_MESSAGE: Kind(_correlate_message, "Process instance", "correlated"),
    BatchType.BATCH_SET_REMOVAL_TIME: Kind(_set_batch_removal_time, "Historic batch", "updated"),
}
