"""The user operation log: one builder per operation, saved in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from engine.errors import BadRequestError
from engine.models.oplog import EntityType, OperationLogChainHead, UserOperationLog, entry_hash
from engine.runtime.env import unique_id
from identity.authorization import Permission, require
from identity.resources import Resource

CHAIN_HEAD_ID = 1
# Set by `shared_operation_id` for the block it runs.
_shared_operation_id: ContextVar[str | None] = ContextVar("shared_operation_id", default=None)


class OperationLog:
    """Collects the property rows of one user operation; `save()` appends them to the chain.

    Call `save()` as late as possible in the caller's transaction: it holds the chain-head
    row lock until that transaction ends, which serializes every operation that logs.
    """

    def __init__(
        self,
        user_id: str | None,
        operation_type: str,
        entity_type: str,
        *,
        category: str = "Operator",
        now: datetime | None = None,
        even_without_user: bool = False,
    ) -> None:
        self.even_without_user = even_without_user
        self.operation_id = _shared_operation_id.get() or unique_id()
        self.user_id = user_id
        self.operation_type = operation_type
        self.entity_type = entity_type
        self.category = category
        self.now = now or timezone.now()
        self.rows: list[UserOperationLog] = []

    @property
    def _kept(self) -> bool:
        # As Camunda (restrictUserOperationLogToAuthenticatedUsers): operations of the engine
        # itself (jobs, timers, internal calls without a user) are not user operations, unless
        # the caller says the record matters anyway (history cleanup: what was removed, when).
        return self.user_id is not None or self.even_without_user

    def add(
        self,
        property: str | None,
        *,
        org_value: Any = None,
        new_value: Any = None,
        **target: Any,
    ) -> OperationLog:
        if not self._kept:
            return self  # not a user operation: nothing will be saved, build nothing
        self.rows.append(
            UserOperationLog(
                operation_id=self.operation_id,
                operation_type=self.operation_type,
                entity_type=self.entity_type,
                category=self.category,
                property=property,
                org_value=None if org_value is None else str(org_value),
                new_value=None if new_value is None else str(new_value),
                user_id=self.user_id,
                timestamp=self.now,
                **target,
            )
        )
        return self

    def save(self) -> None:
        if not self.rows:  # nothing added, or not a user operation (`_kept`)
            return
        # Three statements: lock the head, insert the rows, move the head. No savepoint when
        # the caller's transaction is open: a failure here fails the caller's command anyway.
        with transaction.atomic(savepoint=False):
            head = _locked_head()
            previous = head.last_hash
            for row in self.rows:
                row.previous_hash = previous
                row.hash = previous = entry_hash(row.hashed_values(), previous)
            created = UserOperationLog.objects.bulk_create(self.rows)
            head.last_hash = previous
            head.last_entry_id = created[-1].pk
            head.length += len(created)
            head.save(update_fields=["last_hash", "last_entry_id", "length"])


def task_context(task: Any) -> dict[str, Any]:
    """Where an entry on a task points (Camunda's UserOperationLogContextEntryBuilder
    .inContextOf(task)): the task, the execution it waits at, its instance and definition."""
    return {
        "task_id": task.id,
        "execution_id": task.execution_id,
        **instance_context(task.process_instance_id, task.process_definition_id),
    }


def job_context(job: Any) -> dict[str, Any]:
    """Where an entry on a job points (Camunda's inContextOf(job) and its jobId): the job,
    its job definition, instance and definition."""
    return {
        "job_id": job.id,
        "job_definition_id": job.job_definition_id,
        "process_instance_id": job.process_instance_id,
        "process_definition_id": job.process_definition_id,
        "process_definition_key": job.process_definition_key,
    }


def instance_context(instance_id: str | None, definition_id: str | None) -> dict[str, Any]:
    """An instance and its definition, by id and by key (definition ids begin `key:`)."""
    return {
        "process_instance_id": instance_id,
        "process_definition_id": definition_id,
        "process_definition_key": definition_id.split(":", 1)[0] if definition_id else None,
    }


@contextmanager
def shared_operation_id(user_id: str | None) -> Iterator[str | None]:
    """Log every operation of the block under one id, and yield it for other rows written in
    the block to carry (Camunda: one operation id per command, CommandContext.getOperationId,
    which form field details take). None, and nothing shared, where no entry will be kept:
    an operation without a user (`OperationLog._kept`)."""
    if user_id is None:
        yield None
        return
    operation_id = unique_id()
    token = _shared_operation_id.set(operation_id)
    try:
        yield operation_id
    finally:
        _shared_operation_id.reset(token)


def _locked_head() -> OperationLogChainHead:
    head = OperationLogChainHead.objects.select_for_update().filter(pk=CHAIN_HEAD_ID).first()
    if head is not None:
        return head
    # The migration creates the head; a database flushed by tests may lack it. Two writers
    # racing here both insert; the loser's unique violation rolls back its savepoint only.
    try:
        with transaction.atomic():
            OperationLogChainHead.objects.create(pk=CHAIN_HEAD_ID)
    except IntegrityError:
        pass
    return OperationLogChainHead.objects.select_for_update().get(pk=CHAIN_HEAD_ID)


def set_operation_annotation(
    operation_id: str, annotation: str | None, *, user_id: str | None = None
) -> None:
    """Annotate every entry of one operation (None clears it): why an operator did it.
    UPDATE_HISTORY on the process definition, or UPDATE on the operation's category for
    entries of no process. The annotation is outside the hash chain (engine/models/oplog.py),
    so the chain stays intact."""
    with transaction.atomic():
        entries = UserOperationLog.objects.filter(operation_id=operation_id)
        first = entries.first()
        if first is None:
            raise BadRequestError(f"There is no operation with id '{operation_id}'")
        # Entries name their definition by key or by id (`key:version:...`).
        key = first.process_definition_key or (first.process_definition_id or "").split(":")[0]
        if user_id is not None:
            if key:
                require(user_id, Permission.UPDATE_HISTORY, Resource.PROCESS_DEFINITION, key)
            else:
                require(user_id, Permission.UPDATE, Resource.OPERATION_LOG_CATEGORY,
                        first.category)
        entries.update(annotation=annotation)
        operation = "SetAnnotation" if annotation is not None else "ClearAnnotation"
        OperationLog(user_id, operation, EntityType.OPERATION_LOG).add(
            "operationId", new_value=operation_id
        ).save()
