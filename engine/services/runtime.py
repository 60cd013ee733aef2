"""Runtime use cases: start, complete, correlate, signal, set variables, delete, run jobs.

Each function is one transaction: the runtime's ProcessEngine runs the command over a
DjangoStore (load with version, run, save, project effects), the user operation log is
written in the same transaction, and jobs and live events are handed on after commit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from engine import definitions, queries
from engine.errors import BadRequestError, EngineError, NotFoundError
from engine.models import (
    EntityType,
    EventSubscription,
    Job,
    ProcessDefinition,
    ProcessInstance,
    Task,
    VariableInstance,
)
from engine.models.tenancy import unscoped
from engine.runtime.engine import ProcessEngine
from engine.runtime.engine import ProcessInstance as StartedInstance
from engine.runtime.errors import ConcurrentModification, VariableValueError
from engine.runtime.errors import NotFoundError as RuntimeNotFound
from engine.runtime.modification import Instruction
from engine.runtime.tenancy import TenantFilter
from engine.services import authz
from engine.services.authz import P
from engine.services.environment import environment
from engine.services.limits import check_fits
from engine.services.oplog import OperationLog, instance_context, task_context
from engine.services.scheduled_suspension import STATE_CHANGES, run_state_change
from engine.services.standalone_tasks import engine_for, is_standalone
from engine.services.standalone_tasks import set_task_variables as set_standalone_variables
from engine.store.django_store import DjangoStore
from engine.store.tables import DEFINITIONS, TASKS

T = TypeVar("T")
COMMAND_RETRIES = 5


def clock() -> datetime:
    """The engine's time; tests that move time replace this function."""
    return timezone.now()


def process_engine(user_id: str | None = None) -> tuple[ProcessEngine, DjangoStore]:
    store = DjangoStore(history_level=settings.LEGATO_HISTORY_LEVEL, start_user_id=user_id)
    # retries=1: a lost race is re-run here, around the whole transaction (`_command`).
    # The clock is looked up per call so that a replaced `clock` takes effect.
    engine = ProcessEngine(store, environment(), clock=lambda: clock(), retries=1)
    return engine, store


def _command(user_id: str | None, work: Callable[[ProcessEngine, DjangoStore], T]) -> T:
    """Run `work` in one transaction, reading all data (authz's tenant checks decide for the
    caller); re-run it from fresh state when another command saved the same instance first
    (Camunda's OptimisticLockingException, handled here)."""
    for attempt in range(COMMAND_RETRIES):
        engine, store = process_engine(user_id)
        try:
            with unscoped(), transaction.atomic():
                return work(engine, store)
        except ConcurrentModification:
            if attempt == COMMAND_RETRIES - 1:
                raise
        except VariableValueError as refused:
            # A value no variable can hold is the caller's mistake (REST: 400), not a failure.
            raise BadRequestError(str(refused)) from None
    raise AssertionError("unreachable")


def _log(
    user_id: str | None, operation: str, entity: str, *, property: str | None = None,
    new_value: Any = None, org_value: Any = None, **target: Any,
) -> None:
    OperationLog(user_id, operation, entity).add(
        property, org_value=org_value, new_value=new_value, **target
    ).save()


def _running(instance_id: str) -> ProcessInstance:
    instance = ProcessInstance.objects.filter(pk=instance_id).first()
    if instance is None:
        raise NotFoundError(f"Process instance with id {instance_id} does not exist")
    if instance.suspended:
        raise EngineError(f"ProcessInstance {instance_id} is suspended")
    return instance


# -- start ---------------------------------------------------------------------------------


def start_process_instance(
    key: str | None = None,
    *,
    definition_id: str | None = None,
    variables: Mapping[str, Any] | None = None,
    business_key: str | None = None,
    start_activity_id: str | None = None,
    user_id: str | None = None,
    instructions: Sequence[Instruction] = (),
    skip_custom_listeners: bool = False,
    skip_io_mappings: bool = False,
) -> StartedInstance:
    """Start the latest version of `key` (or the version `definition_id`), at its start event
    or at the elements `instructions` name (then listeners and mappings may be skipped)."""
    check_fits(ProcessInstance, business_key=business_key)
    found_id, found_key = _startable_definition(key, definition_id)
    authz.require_start(user_id, found_key, found_id)

    def work(engine: ProcessEngine, store: DjangoStore) -> StartedInstance:
        started = engine.start_process_instance(
            definition_id=found_id,
            variables=variables,
            business_key=business_key,
            start_activity_id=start_activity_id,
            instructions=instructions,
            skip_custom_listeners=skip_custom_listeners,
            skip_io_mappings=skip_io_mappings,
        )
        _log(
            user_id,
            "Create",
            EntityType.PROCESS_INSTANCE,
            process_instance_id=started.id,
            process_definition_id=found_id,
            process_definition_key=found_key,
        )
        return started

    return _command(user_id, work)


def evaluate_start_conditions(
    variables: Mapping[str, Any] | None = None,
    *,
    business_key: str | None = None,
    definition_id: str | None = None,
    tenant: TenantFilter | None = None,
    user_id: str | None = None,
) -> list[StartedInstance]:
    """Start an instance at every conditional start event whose condition holds for
    `variables` (Camunda's evaluateStartConditions; `POST /condition`), in one transaction.
    No conditional start event at all is an error; none whose condition holds is not, and a
    suspended definition starts nothing (as Camunda)."""
    if definition_id is not None:
        row = DEFINITIONS.select_one(("suspended",), {"id": definition_id})
        if row is not None and row[0]:
            return []
    elif _only_suspended_conditional_starts():
        return []

    def work(engine: ProcessEngine, store: DjangoStore) -> list[StartedInstance]:
        started = engine.evaluate_start_conditions(
            variables, business_key=business_key, definition_id=definition_id, tenant=tenant
        )
        for instance in started:
            key = definitions.runtime_definition(instance.definition_id).key
            authz.require_start(user_id, key, instance.definition_id)  # undoes every start
            _log(
                user_id,
                "Create",
                EntityType.PROCESS_INSTANCE,
                process_instance_id=instance.id,
                process_definition_id=instance.definition_id,
                process_definition_key=key,
            )
        return started

    return _command(user_id, work)


def _only_suspended_conditional_starts() -> bool:
    subscribed = EventSubscription.objects.filter(
        event_type="conditional", process_instance_id__isnull=True
    ).values("process_definition_id")
    suspended = ProcessDefinition.objects.filter(pk__in=subscribed, suspended=True)
    return suspended.exists() and not ProcessDefinition.objects.filter(
        pk__in=subscribed, suspended=False
    ).exists()


def _startable_definition(key: str | None, definition_id: str | None) -> tuple[str, str]:
    """(id, key) of the definition to start: `definition_id`, else the latest of `key`."""
    # Plain SQL: every start asks, and building this query through the ORM cost more than
    # the rest of a straight-through instance's Python.
    if definition_id is not None:
        row = DEFINITIONS.select_one(("id", "key", "suspended"), {"id": definition_id})
    elif key is not None:
        row = DEFINITIONS.select_one(
            ("id", "key", "suspended"), {"key": key, "tenant_id": None}, order_by="-version"
        )
    else:
        raise BadRequestError("Give a process definition key or id")
    if row is None:
        raise NotFoundError(f"No process definition found for '{definition_id or key}'")
    found_id, found_key, suspended = row
    if suspended:
        raise EngineError(
            f"Cannot start process instance. Process definition {found_id} is suspended"
        )
    return found_id, found_key


def correlate_message(
    name: str,
    *,
    business_key: str | None = None,
    correlation_keys: Mapping[str, Any] | None = None,
    variables: Mapping[str, Any] | None = None,
    all: bool = False,  # noqa: A002 - Camunda's correlateAll
    process_instance_id: str | None = None,
    local_variables: Mapping[str, Any] | None = None,
    variables_local: Mapping[str, Any] | None = None,
    variables_to_triggered_scope: Mapping[str, Any] | None = None,
    tenant: TenantFilter | None = None,
    user_id: str | None = None,
) -> list[str]:
    """Deliver a message to waiting executions or message start events; returns instance ids
    (matching and variables: ProcessEngine.correlate_message)."""
    check_fits(ProcessInstance, business_key=business_key)
    authz.require_update_any_instance(user_id)
    return _command(
        user_id,
        lambda engine, store: engine.correlate_message(
            name,
            business_key=business_key,
            correlation_keys=correlation_keys,
            variables=variables,
            all=all,
            process_instance_id=process_instance_id,
            local_variables=local_variables,
            variables_local=variables_local,
            variables_to_triggered_scope=variables_to_triggered_scope,
            tenant=tenant,
        ),
    )


def broadcast_signal(
    name: str, variables: Mapping[str, Any] | None = None, *,
    tenant: TenantFilter | None = None, user_id: str | None = None,
) -> None:
    authz.require_update_any_instance(user_id)
    _command(user_id, lambda engine, store: engine.broadcast_signal(name, variables, tenant))


def trigger(
    execution_id: str, variables: Mapping[str, Any] | None = None, *, user_id: str | None = None
) -> None:
    """runtimeService.signal(executionId): resume a receive task or other wait state."""

    def work(engine: ProcessEngine, store: DjangoStore) -> None:
        instance_id = store.instance_of_execution(execution_id)
        if instance_id is not None:
            _running(instance_id)
            authz.require_update_instance(user_id, instance_id)
        engine.trigger(execution_id, variables)

    _command(user_id, work)


def message_event_received(
    name: str, execution_id: str, variables: Mapping[str, Any] | None = None, *,
    user_id: str | None = None,
) -> None:
    """The message `name` for one execution's subscription (messageEventReceived)."""
    _to_execution(ProcessEngine.message_event_received, name, execution_id, variables, user_id)


def signal_event_received(
    name: str, execution_id: str, variables: Mapping[str, Any] | None = None, *,
    user_id: str | None = None,
) -> None:
    """The signal `name` for one execution's subscription alone (signalEventReceived(name,
    executionId); POST /signal with `executionId`)."""
    _to_execution(ProcessEngine.signal_event_received, name, execution_id, variables, user_id)


def _to_execution(
    receive: Callable[[ProcessEngine, str, str, Mapping[str, Any] | None], None],
    name: str, execution_id: str, variables: Mapping[str, Any] | None, user_id: str | None,
) -> None:
    def work(engine: ProcessEngine, store: DjangoStore) -> None:
        instance_id = store.instance_of_execution(execution_id)
        if instance_id is not None:
            authz.require_update_instance(user_id, instance_id)
        receive(engine, name, execution_id, variables)

    _command(user_id, work)


# -- tasks ---------------------------------------------------------------------------------


class TaskAlreadyClaimed(EngineError):
    camunda_type = "TaskAlreadyClaimedException"


# What commands on a task check (update_task also reads what it changes: `_full_task`).
_CHECKED = ("process_instance_id", "process_definition_id", "execution_id", "assignee", "owner",
            "delegation_state", "suspended", "tenant_id")


def _task(task_id: str, store: DjangoStore | None = None) -> Task:
    """The task a command acts on, with the `_CHECKED` fields (plain SQL: completing a task
    is the commonest command, and the ORM query cost more than the rest of its reads)."""
    if store is not None:
        row = store.read_task(task_id, _CHECKED)
    else:
        row = TASKS.select_one(_CHECKED, {"id": task_id})
    task = None if row is None else Task(id=task_id, **dict(zip(_CHECKED, row, strict=True)))
    return _usable(task_id, task)


def _full_task(task_id: str) -> Task:
    return _usable(task_id, Task.objects.filter(pk=task_id).first())


def _usable(task_id: str, task: Task | None) -> Task:
    if task is None:
        raise NotFoundError(f"Cannot find task with id {task_id}: task is null")
    if task.suspended:
        raise EngineError(f"Task {task_id} is suspended")
    return task


def complete_task(
    task_id: str,
    variables: Mapping[str, Any] | None = None,
    *,
    local: bool = False,
    user_id: str | None = None,
) -> None:
    def work(engine: ProcessEngine, store: DjangoStore) -> None:
        task = _task(task_id, store)
        engine = engine_for(task, engine, store)
        authz.require_task(user_id, task, P.TASK_WORK, P.UPDATE)
        if task.delegation_state == PENDING:
            raise EngineError(
                "A delegated task cannot be completed, but should be resolved instead."
            )
        engine.complete_task(task_id, variables, local=local)
        _log(
            user_id,
            "Complete",
            EntityType.TASK,
            property="delete",
            new_value="true",
            **task_context(task),
        )

    _command(user_id, work)


def _assign(
    task_id: str,
    assignee: str | None,
    operation: str,
    user_id: str | None,
    *,
    refuse_if_claimed: bool = False,
) -> None:
    check_fits(Task, assignee=assignee)

    def work(engine: ProcessEngine, store: DjangoStore) -> None:
        task = _task(task_id, store)
        engine = engine_for(task, engine, store)
        needed = (P.TASK_WORK, P.UPDATE) if operation == "Claim" else (P.TASK_ASSIGN, P.UPDATE)
        authz.require_task(user_id, task, *needed)
        if refuse_if_claimed and task.assignee and task.assignee != assignee:
            raise TaskAlreadyClaimed(f"Task '{task_id}' is already claimed by someone else.")
        engine.set_assignee(task_id, assignee)
        _log(
            user_id,
            operation,
            EntityType.TASK,
            property="assignee",
            org_value=task.assignee,
            new_value=assignee,
            **task_context(task),
        )

    _command(user_id, work)


def set_assignee(task_id: str, assignee: str | None, *, user_id: str | None = None) -> None:
    _assign(task_id, assignee, "Assign", user_id)


def claim_task(task_id: str, assignee: str, *, user_id: str | None = None) -> None:
    """Claim for `assignee`; refused when someone else holds the task (Camunda)."""
    _assign(task_id, assignee, "Claim", user_id or assignee, refuse_if_claimed=True)


def unclaim_task(task_id: str, *, user_id: str | None = None) -> None:
    _assign(task_id, None, "Claim", user_id)


PENDING, RESOLVED = "PENDING", "RESOLVED"
_TASK_FIELDS = ("name", "description", "due_date", "follow_up_date", "priority", "owner",
                "parent_task_id")


def update_task(task_id: str, *, user_id: str | None = None, **changes: Any) -> None:
    """Change name, description, due/follow-up date, priority, owner or (of a task of no
    process) parent task (TaskService.saveTask); each change is logged, old and new value.
    The assignee changes through set_assignee, or task_saving.save_task (PUT /task/{id})."""
    unknown = set(changes) - set(_TASK_FIELDS)
    if unknown:
        raise BadRequestError(f"Task fields that cannot be changed: {', '.join(sorted(unknown))}")
    # Imported here: task_saving builds on this module's `_command`.
    from engine.services.task_saving import save_task

    save_task(task_id, user_id=user_id, **changes)


def delegate_task(task_id: str, assignee: str, *, user_id: str | None = None) -> None:
    """Hand the task to `assignee` until they resolve it; the current assignee becomes owner."""
    check_fits(Task, assignee=assignee)

    def work(engine: ProcessEngine, store: DjangoStore) -> None:
        task = _task(task_id, store)
        engine = engine_for(task, engine, store)
        authz.require_task(user_id, task, P.TASK_ASSIGN, P.UPDATE)
        # Camunda's delegate: one `update`, then `assignment` for the delegate
        engine.update_task(task_id, {"owner": task.owner or task.assignee,
                                     "delegation_state": PENDING, "assignee": assignee})
        _log(
            user_id,
            "Delegate",
            EntityType.TASK,
            property="delegation",
            new_value=PENDING,
            **task_context(task),
        )

    _command(user_id, work)


def resolve_task(
    task_id: str, variables: Mapping[str, Any] | None = None, *, user_id: str | None = None
) -> None:
    """The delegate is done: the task goes back to its owner, marked resolved."""

    def work(engine: ProcessEngine, store: DjangoStore) -> None:
        task = _task(task_id, store)
        engine = engine_for(task, engine, store)
        authz.require_task(user_id, task, P.TASK_WORK, P.UPDATE)
        if task.delegation_state != PENDING:
            raise EngineError(f"Task '{task_id}' is not delegated and cannot be resolved")
        if variables:
            engine.set_variables(task.execution_id, variables)
        engine.update_task(task_id, {"delegation_state": RESOLVED, "assignee": task.owner})
        _log(
            user_id,
            "Resolve",
            EntityType.TASK,
            property="delegation",
            new_value=RESOLVED,
            **task_context(task),
        )

    _command(user_id, work)


# -- variables -----------------------------------------------------------------------------


def set_variables(
    execution_id: str,
    variables: Mapping[str, Any],
    *,
    local: bool = False,
    removed: Sequence[str] = (),
    user_id: str | None = None,
    logged_as: str | None = None,
    through_task: Task | None = None,
    task_held: Sequence[str] = (),
) -> None:
    """Set (and remove) variables of an instance or execution; the instance id names the
    instance itself. Conditional events are evaluated afterwards. `through_task`: the task at
    the token, whose local variables are the task's own, `task_held` those of them that exist
    (`set_task_variables`); the operation is logged on the task."""

    def work(engine: ProcessEngine, store: DjangoStore) -> None:
        instance_id = store.instance_of_execution(execution_id)
        if instance_id is None:
            raise NotFoundError(f"execution {execution_id} doesn't exist")
        instance = _running(instance_id)
        authz.require_update_instance(user_id, instance_id)
        engine.set_variables(execution_id, variables, local=local, removed=removed,
                             through_task=through_task is not None, task_held=task_held)
        operation = "SetVariable" if variables else "RemoveVariable"
        if through_task is None:  # Camunda's inContextOf(execution): no execution id
            category = "Operator"
            target = instance_context(instance_id, instance.process_definition_id)
        else:
            category, target = "TaskWorker", task_context(through_task)
        log = OperationLog(logged_as or user_id, operation, EntityType.VARIABLE, category=category)
        for name in [*variables, *removed]:
            log.add("name", new_value=name, **target)
        log.save()

    _command(user_id, work)


def set_task_variables(
    task_id: str,
    variables: Mapping[str, Any],
    *,
    local: bool = False,
    removed: Sequence[str] = (),
    user_id: str | None = None,
) -> None:
    """Variables through a task, from the token it waits at (a task of no process: from itself,
    up its parent tasks): local ones are the task's own, the others go by the scope rules."""
    task = _task(task_id)
    authz.require_task(user_id, task, P.UPDATE_VARIABLE, P.UPDATE)
    if is_standalone(task):
        return _command(user_id, lambda engine, store: set_standalone_variables(
            task, variables, local=local, removed=removed, user_id=user_id,
            engine=engine, store=store,
        ))
    # The task's permission decides; the instance-level check below is the engine's own.
    held = VariableInstance.objects.filter(task_id=task_id, name__in=list(variables))
    set_variables(
        queries.task_execution_id(task), variables, local=local, removed=removed, user_id=None,
        logged_as=user_id, through_task=task, task_held=[*held.values_list("name", flat=True)],
    )


# -- instances -----------------------------------------------------------------------------


def delete_process_instance(
    instance_id: str, reason: str | None = None, *, user_id: str | None = None,
    skip_custom_listeners: bool = False, skip_io_mappings: bool = False,
) -> None:
    """Cancel a running instance: its activities' end listeners and output mappings run
    (deepest first) unless skipped; a failing one fails the deletion, which changes nothing."""
    def work(engine: ProcessEngine, store: DjangoStore) -> None:
        instance = ProcessInstance.objects.filter(pk=instance_id).first()
        if instance is None:
            raise NotFoundError(f"No process instance found for id '{instance_id}'")
        authz.require_delete_instance(user_id, instance_id)
        engine.delete_process_instance(
            instance_id, reason, skip_custom_listeners=skip_custom_listeners,
            skip_io_mappings=skip_io_mappings,
        )
        _log(
            user_id,
            "Delete",
            EntityType.PROCESS_INSTANCE,
            property="deleteReason",
            new_value=reason,
            process_instance_id=instance_id,
            process_definition_id=instance.process_definition_id,
        )

    _command(user_id, work)


# -- jobs ----------------------------------------------------------------------------------


def execute_job(job_id: str, *, lock_owner: str | None = None) -> None:
    """Run one job in one transaction. With `lock_owner`, the job must still be locked by it;
    the row lock held meanwhile keeps a second carrier of the same job waiting, and it then
    finds the job gone."""
    from engine.jobs.executor import JobLockLost

    def work(engine: ProcessEngine, store: DjangoStore) -> None:
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or (lock_owner is not None and job.lock_owner != lock_owner):
            raise JobLockLost(job_id)
        if job.type in STATE_CHANGES:  # a scheduled suspension: no process of its own
            return run_state_change(job)
        if job.process_instance_id and job.exclusive:
            # Exclusive jobs of one instance run one after the other, never side by side.
            list(ProcessInstance.objects.select_for_update().filter(pk=job.process_instance_id))
        store.succeeded = frozenset({job_id})
        try:
            engine.execute_job(job_id)
        except RuntimeNotFound as missing:
            raise JobLockLost(job_id) from missing

    _command(None, work)
