"""External tasks (Camunda 7's externalTaskService): fetch-and-lock, complete, failure, BPMN
error, locks, retries, priority, and the read side.

The row (`engine.models.ExternalTask`) carries what workers change and the instance state does
not: the lock (worker id, expiry), retries, error message and details. Commands that move the
token (complete, BPMN error) run through the runtime service's `_command` (one transaction,
re-run on a lost race) and `ProcessEngine`; the rest update the row in a transaction of its
own. The lock owner is checked under a row lock, so two workers can never both complete one
task.

Camunda's rules followed here (ExternalTaskEntity, FetchExternalTasksCmd):
- a task is fetchable when it is unlocked or its lock expired, it has retries left (null or
  > 0) and it is not suspended;
- a failure stores the message and details, sets the retries the worker gives, and makes the
  task unavailable for `retryTimeout` by moving the lock expiry;
- retries reaching 0 raise a `failedExternalTask` incident; setting retries > 0 resolves it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from engine import definitions, incidents
from engine.errors import BadRequestError, EngineError, NotFoundError
from engine.incidents import FAILED_EXTERNAL_TASK
from engine.models import (
    EntityType,
    ExternalTask,
    LogState,
    ProcessDefinition,
    ProcessInstance,
    VariableInstance,
)
from engine.runtime.commands import ExternalTaskReport
from engine.runtime.contents import read_contents
from engine.runtime.engine import ProcessEngine
from engine.runtime.state import InstanceState
from engine.runtime.values import TypedValue, infer_type
from engine.services import authz
from engine.services.oplog import OperationLog
from engine.services.runtime import _command
from engine.store.contents import load_state
from engine.store.django_store import DjangoStore
from engine.store.logs import external_task_log
from engine.store.projection import query_columns

MAX_ERROR_MESSAGE = 4000  # Camunda trims ERROR_MSG_ to its column size (4000)


class ExternalTaskSuspended(EngineError):
    pass


@dataclass(frozen=True)
class TopicRequest:
    """One entry of fetch-and-lock's `topics` (Camunda's FetchExternalTaskTopicDto).

    `variables` None fetches every variable, an empty list none. `process_variables` are
    equality filters on the instance's own variables.
    """

    topic_name: str
    lock_duration: int  # milliseconds
    variables: Sequence[str] | None = None
    local_variables: bool = False
    business_key: str | None = None
    process_definition_id: str | None = None
    process_definition_id_in: Sequence[str] = ()
    process_definition_key: str | None = None
    process_definition_key_in: Sequence[str] = ()
    process_definition_version_tag: str | None = None
    process_variables: Mapping[str, Any] = field(default_factory=dict)
    tenant_id_in: Sequence[str] = ()
    without_tenant_id: bool = False
    deserialize_values: bool = False
    include_extension_properties: bool = False


@dataclass
class LockedExternalTask:
    """What a worker receives for one task (Camunda's LockedExternalTaskDto)."""

    row: ExternalTask
    version_tag: str | None
    tenant_id: str | None
    variables: dict[str, TypedValue]
    extension_properties: dict[str, str]
    deserialize_values: bool


# -- fetch and lock ---------------------------------------------------------------------------


def available(now: datetime) -> QuerySet[ExternalTask]:
    return ExternalTask.objects.filter(
        Q(lock_expiration_time__isnull=True) | Q(lock_expiration_time__lte=now),
        Q(retries__isnull=True) | Q(retries__gt=0),
        suspended=False,
    )


def _topic_filter(topic: TopicRequest) -> Q:
    q = Q(topic_name=topic.topic_name)
    if topic.business_key is not None:
        q &= Q(business_key=topic.business_key)
    if topic.process_definition_id is not None:
        q &= Q(process_definition_id=topic.process_definition_id)
    if topic.process_definition_id_in:
        q &= Q(process_definition_id__in=list(topic.process_definition_id_in))
    if topic.process_definition_key is not None:
        q &= Q(process_definition_key=topic.process_definition_key)
    if topic.process_definition_key_in:
        q &= Q(process_definition_key__in=list(topic.process_definition_key_in))
    if topic.process_definition_version_tag is not None:
        q &= Q(
            process_definition_id__in=ProcessDefinition.objects.filter(
                version_tag=topic.process_definition_version_tag
            ).values("id")
        )
    if topic.tenant_id_in:
        q &= Q(
            process_definition_id__in=ProcessDefinition.objects.filter(
                tenant_id__in=list(topic.tenant_id_in)
            ).values("id")
        )
    if topic.without_tenant_id:
        q &= Q(
            process_definition_id__in=ProcessDefinition.objects.filter(
                tenant_id__isnull=True
            ).values("id")
        )
    for name, value in topic.process_variables.items():
        # Process variables are those of the instance itself (its root execution).
        columns = query_columns(infer_type(value))
        q &= Q(
            Exists(
                VariableInstance.objects.filter(
                    process_instance_id=OuterRef("process_instance_id"),
                    execution_id=OuterRef("process_instance_id"),
                    name=name,
                    **{k: v for k, v in columns.items() if v is not None},
                )
            )
        )
    return q


def fetch_and_lock(
    worker_id: str,
    max_tasks: int,
    topics: Sequence[TopicRequest],
    *,
    use_priority: bool = False,
    sorting: Sequence[tuple[str, str]] = (),
    now: datetime | None = None,
    user_id: str | None = None,
) -> list[LockedExternalTask]:
    """Lock up to `max_tasks` available tasks of the given topics for `worker_id`.

    On PostgreSQL the candidate rows are selected `FOR UPDATE SKIP LOCKED`: concurrent fetches
    never wait on each other and never lock one task twice. `sorting` is a list of
    (`createTime`, `asc`|`desc`), applied after the priority when `use_priority`.
    """
    if not worker_id:
        raise BadRequestError("workerId is null")
    if max_tasks < 0:
        raise BadRequestError("maxResults is not greater than or equal to 0")
    for topic in topics:
        if topic.lock_duration is None or topic.lock_duration <= 0:
            raise BadRequestError("lockTime is not greater than 0")
    if max_tasks == 0 or not topics:
        return []
    now = now or timezone.now()
    condition = Q()
    for topic in topics:
        condition |= _topic_filter(topic)
    order = ["-priority"] if use_priority else []
    for sort_by, sort_order in sorting:
        if sort_by != "createTime":
            raise BadRequestError(f"Cannot sort external tasks by '{sort_by}'")
        order.append("-created" if sort_order == "desc" else "created")
    order += ["created", "id"]
    if user_id is not None:
        # Only tasks of instances the worker may update (Camunda's fetch permission).
        condition &= _updatable_by(user_id)
    with transaction.atomic():
        rows = available(now).filter(condition).order_by(*order)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        locked = list(rows[:max_tasks])
        by_topic = {}
        for topic in topics:
            by_topic.setdefault(topic.topic_name, topic)
        durations: dict[int, list[str]] = {}
        for row in locked:
            duration = by_topic[row.topic_name].lock_duration
            durations.setdefault(duration, []).append(row.id)
            row.worker_id = worker_id
            row.lock_expiration_time = now + timedelta(milliseconds=duration)
        for duration, ids in durations.items():
            ExternalTask.objects.filter(pk__in=ids).update(
                worker_id=worker_id, lock_expiration_time=now + timedelta(milliseconds=duration)
            )
    return _locked_dtos(locked, by_topic)


def _updatable_by(user_id: str) -> Q:
    from identity.authorization import identity_of, readable_ids
    from identity.resources import Permission, Resource

    identity = identity_of(user_id)
    on_definitions = readable_ids(identity, Resource.PROCESS_DEFINITION, Permission.UPDATE_INSTANCE)
    on_instances = readable_ids(identity, Resource.PROCESS_INSTANCE, Permission.UPDATE)
    return on_definitions.q("process_definition_key") | on_instances.q("process_instance_id")


def _locked_dtos(
    rows: list[ExternalTask], by_topic: Mapping[str, TopicRequest]
) -> list[LockedExternalTask]:
    if not rows:
        return []
    definition_ids = {row.process_definition_id for row in rows}
    facts = {
        pk: (tag, tenant)
        for pk, tag, tenant in ProcessDefinition.objects.filter(pk__in=definition_ids).values_list(
            "id", "version_tag", "tenant_id"
        )
    }
    wanted = {
        row.process_instance_id
        for row in rows
        if by_topic[row.topic_name].variables is None or by_topic[row.topic_name].variables
    }
    states = {
        pk: load_state(state)
        for pk, state in ProcessInstance.objects.filter(pk__in=wanted).values_list("id", "state")
    }
    result = []
    for row in rows:
        topic = by_topic[row.topic_name]
        state = states.get(row.process_instance_id)
        variables = (
            task_variables(state, row.id, topic.variables, local=topic.local_variables)
            if state is not None
            else {}
        )
        # Bytes travel in the answer, which is written away from this database thread: read
        # them here. A File's content does not (it downloads from `.../data`).
        read_contents({k: v for k, v in variables.items() if v.type == "Bytes"})
        tag, tenant = facts.get(row.process_definition_id, (None, None))
        result.append(
            LockedExternalTask(
                row=row,
                version_tag=tag,
                tenant_id=tenant,
                variables=variables,
                extension_properties=(
                    extension_properties(row) if topic.include_extension_properties else {}
                ),
                deserialize_values=topic.deserialize_values,
            )
        )
    return result


def task_variables(
    state: InstanceState, external_task_id: str, names: Sequence[str] | None, *, local: bool
) -> dict[str, TypedValue]:
    """The variables visible from the task's execution: its own first, then each enclosing
    scope's (an inner variable hides an outer one of the same name, as in Camunda)."""
    execution = next(
        (e for e in state.executions.values() if e.external_task_id == external_task_id), None
    )
    if execution is None:
        return {}
    chain = [execution]
    if not local:
        while chain[-1].parent_id is not None and chain[-1].parent_id in state.executions:
            chain.append(state.executions[chain[-1].parent_id])
    found: dict[str, TypedValue] = {}
    for scope in chain:
        for name, value in scope.variables.items():
            found.setdefault(name, value)
    if names is None:
        return found
    return {name: found[name] for name in names if name in found}


def extension_properties(row: ExternalTask) -> dict[str, str]:
    """`camunda:properties` of the task's activity."""
    try:
        node = definitions.process_model(row.process_definition_id).find_node(row.activity_id)
    except Exception:  # noqa: BLE001 - a definition that cannot be read has no properties
        return {}
    if node is None:
        return {}
    return {p.name: p.value or "" for p in node.properties if p.name is not None}


# -- worker commands --------------------------------------------------------------------------


def _locked_row(external_task_id: str, user_id: str | None) -> ExternalTask:
    row = ExternalTask.objects.select_for_update().filter(pk=external_task_id).first()
    if row is None:
        raise NotFoundError(
            f"Cannot find external task with id {external_task_id}: externalTask is null"
        )
    # Camunda: UPDATE on the instance, or UPDATE_INSTANCE on its definition.
    authz.require_update_instance(user_id, row.process_instance_id)
    if row.suspended:
        raise ExternalTaskSuspended(f"ExternalTask with id '{external_task_id}' is suspended")
    return row


def _require_worker(row: ExternalTask, worker_id: str, denied: str) -> None:
    # Camunda HandleExternalTaskCmd.validateWorkerViolation: only the worker id is compared;
    # a task whose lock expired may still be finished by its worker until another fetches it.
    if row.worker_id != worker_id:
        raise BadRequestError(
            f"{denied} by worker '{worker_id}'. It is locked by worker '{row.worker_id}'."
        )


def complete(
    external_task_id: str,
    worker_id: str,
    variables: Mapping[str, Any] | None = None,
    local_variables: Mapping[str, Any] | None = None,
    *,
    user_id: str | None = None,
) -> None:
    """Complete a task the worker holds; the token moves on in the same transaction."""

    def work(engine: ProcessEngine, store: DjangoStore) -> None:
        row = _locked_row(external_task_id, user_id)
        _require_worker(row, worker_id, f"External Task {external_task_id} cannot be completed")
        _resolve_incidents(external_task_id, timezone.now())
        store.succeeded = frozenset({external_task_id})
        engine.complete_external_task(external_task_id, variables, local_variables, _report(row))

    _command(user_id, work)


def handle_bpmn_error(
    external_task_id: str,
    worker_id: str,
    error_code: str,
    error_message: str | None = None,
    variables: Mapping[str, Any] | None = None,
    *,
    user_id: str | None = None,
) -> None:
    """Throw a BPMN error at the task's activity (caught by an error boundary or event
    sub-process; uncaught, the activity and its token end, as Camunda's engine does by
    default)."""
    if not error_code:
        raise BadRequestError("errorCode is null")

    def work(engine: ProcessEngine, store: DjangoStore) -> None:
        row = _locked_row(external_task_id, user_id)
        _require_worker(
            row, worker_id, f"Bpmn error of External Task {external_task_id} cannot be reported"
        )
        _resolve_incidents(external_task_id, timezone.now())
        engine.handle_bpmn_error(external_task_id, error_code, error_message, variables)

    _command(user_id, work)


def handle_failure(
    external_task_id: str,
    worker_id: str,
    *,
    error_message: str | None,
    error_details: str | None = None,
    retries: int,
    retry_timeout: int = 0,
    now: datetime | None = None,
    user_id: str | None = None,
    variables: Mapping[str, Any] | None = None,
    local_variables: Mapping[str, Any] | None = None,
) -> None:
    """Report a failed attempt: `retries` left (0 raises an incident), unavailable for
    `retry_timeout` milliseconds; `variables` (process scope rules) and `local_variables`
    (the task's execution) are set with it, as Camunda 7.19+ does."""
    if retries is None or retries < 0:
        raise BadRequestError(
            "The number of retries cannot be negative: retries is not greater than or equal to 0"
        )
    if retry_timeout is not None and retry_timeout < 0:
        raise BadRequestError("retryDuration is not greater than or equal to 0")
    now = now or timezone.now()
    with transaction.atomic():
        row = _locked_row(external_task_id, user_id)
        _require_worker(
            row, worker_id, f"Failure of External Task {external_task_id} cannot be reported"
        )
        row.error_message = error_message[:MAX_ERROR_MESSAGE] if error_message else None
        if error_details is not None:
            row.error_details = error_details
        if _maps_errors(row):
            # The variables are set and the error event definitions tested in one command;
            # one that holds ends the task with its BPMN error instead of this failure.
            def work(engine: ProcessEngine, store: DjangoStore) -> None:
                engine.fail_external_task(
                    external_task_id, _report(row), variables, local_variables
                )

            _command(user_id, work)
            if not ExternalTask.objects.filter(pk=external_task_id).exists():
                return
        else:
            _set_failure_variables(row.execution_id, variables, local_variables, user_id)
        row.lock_expiration_time = now + timedelta(milliseconds=retry_timeout or 0)
        _set_retries(row, retries, now)
        row.save(update_fields=["error_message", "error_details", "lock_expiration_time"])
        external_task_log(row, LogState.FAILED, now).save()
        if retries > 0 and not retry_timeout:
            _notify_on_commit(row)


def _report(row: ExternalTask) -> ExternalTaskReport:
    return ExternalTaskReport(row.worker_id, row.error_message, row.error_details, row.retries)


def _maps_errors(row: ExternalTask) -> bool:
    """Whether the task's activity has error event definitions with expressions."""
    node = definitions.process_model(row.process_definition_id).find_node(row.activity_id)
    mappings = getattr(node, "error_mappings", ())
    return any(mapping.expression is not None for mapping in mappings)


def _set_failure_variables(
    execution_id: str,
    variables: Mapping[str, Any] | None,
    local_variables: Mapping[str, Any] | None,
    user_id: str | None,
) -> None:
    def work(engine: ProcessEngine, store: DjangoStore) -> None:
        if variables:
            engine.set_variables(execution_id, variables)
        if local_variables:
            engine.set_variables(execution_id, local_variables, local=True)

    if variables or local_variables:
        _command(user_id, work)


def extend_lock(
    external_task_id: str,
    worker_id: str,
    new_duration: int,
    *,
    now: datetime | None = None,
    user_id: str | None = None,
) -> None:
    """Move the lock expiry to now + `new_duration` ms; only the holder, only while held."""
    if new_duration is None or new_duration <= 0:
        raise BadRequestError("lockDuration is not greater than 0")
    now = now or timezone.now()
    with transaction.atomic():
        row = _locked_row(external_task_id, user_id)
        _require_worker(
            row, worker_id, f"The lock of the External Task {external_task_id} cannot be extended"
        )
        if row.lock_expiration_time is None or row.lock_expiration_time < now:
            raise BadRequestError("Cannot extend a lock that expired")
        row.lock_expiration_time = now + timedelta(milliseconds=new_duration)
        row.save(update_fields=["lock_expiration_time"])


# -- operator commands ------------------------------------------------------------------------


def unlock(external_task_id: str, *, user_id: str | None = None) -> None:
    """Release the lock so any worker may fetch the task at once."""
    with transaction.atomic():
        row = _row_for_update(external_task_id, user_id)
        ExternalTask.objects.filter(pk=row.pk).update(worker_id=None, lock_expiration_time=None)
        _log(user_id, "Unlock", row)
        _notify_on_commit(row)


def check_retries(retries: int | None) -> None:
    if retries is None or retries < 0:
        raise BadRequestError(
            "The number of retries cannot be negative: retries is not greater than or equal to 0"
        )


def set_retries(external_task_id: str, retries: int, *, user_id: str | None = None) -> None:
    """Set the retries; > 0 resolves a `failedExternalTask` incident, 0 raises one."""
    check_retries(retries)
    with transaction.atomic():
        row = _row_for_update(external_task_id, user_id)
        before = row.retries
        _set_retries(row, retries, timezone.now())
        _log(user_id, "SetExternalTaskRetries", row, "retries", before, retries)
        if retries > 0:
            _notify_on_commit(row)


def set_priority(external_task_id: str, priority: int, *, user_id: str | None = None) -> None:
    with transaction.atomic():
        row = _row_for_update(external_task_id, user_id)
        before = row.priority
        ExternalTask.objects.filter(pk=row.pk).update(priority=priority)
        _log(user_id, "SetPriority", row, "priority", before, priority)


def _notify_on_commit(row: ExternalTask) -> None:
    """The task can be fetched again: wake a waiting worker of its topic after commit."""
    from engine.jobs.long_polling import notify_external_tasks_created

    topic = row.topic_name
    transaction.on_commit(lambda: notify_external_tasks_created({topic: 1}))


def _row_for_update(external_task_id: str, user_id: str | None) -> ExternalTask:
    row = ExternalTask.objects.select_for_update().filter(pk=external_task_id).first()
    if row is None:
        raise NotFoundError(f"External task with id {external_task_id} does not exist")
    authz.require_update_instance(user_id, row.process_instance_id)
    return row


def _log(
    user_id: str | None,
    operation: str,
    row: ExternalTask,
    prop: str | None = None,
    before: Any = None,
    after: Any = None,
) -> None:
    OperationLog(user_id, operation, EntityType.EXTERNAL_TASK).add(
        prop,
        org_value=before,
        new_value=after,
        external_task_id=row.id,
        process_instance_id=row.process_instance_id,
        process_definition_id=row.process_definition_id,
        process_definition_key=row.process_definition_key,
    ).save()


# -- retries and incidents --------------------------------------------------------------------


def _set_retries(row: ExternalTask, retries: int, now: datetime) -> None:
    """Camunda's setRetriesAndManageIncidents: reaching 0 raises the incident, leaving 0
    resolves it."""
    had_retries = row.retries is None or row.retries > 0
    row.retries = retries
    ExternalTask.objects.filter(pk=row.pk).update(retries=retries)
    if had_retries and retries <= 0:
        _raise_incident(row, now)
    elif not had_retries and retries > 0:
        _resolve_incidents(row.id, now)


def _raise_incident(row: ExternalTask, now: datetime) -> None:
    incidents.raise_incident(
        FAILED_EXTERNAL_TASK,
        row.error_message,
        configuration=row.id,
        process_instance_id=row.process_instance_id,
        execution_id=row.execution_id,
        activity_id=row.activity_id,
        process_definition_id=row.process_definition_id,
        now=now,
    )


def _resolve_incidents(external_task_id: str, now: datetime) -> int:
    return incidents.resolve_incidents(external_task_id, FAILED_EXTERNAL_TASK, now)
