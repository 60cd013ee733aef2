"""Standalone tasks: tasks that belong to no process (Camunda's TaskService.newTask and
saveTask, REST `POST /task/create`, the tasklist's "Create task").

The task commands in runtime.py (claim, assign, delegate, resolve, update, complete) act on
a standalone task through `StandaloneTasks`, which stands in for the process engine there: it
produces the effects the engine would (TaskUpdated, TaskRemoved, VariablesChanged), and the
store projects them as for any task: the task row, its history, live events. Its variables
are its own (no execution holds them): variable rows under the task's id, with no instance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from engine.errors import BadRequestError, EngineError, NotFoundError
from engine.models import (
    EntityType,
    HistoricTaskInstance,
    HistoricVariableInstance,
    TaskCandidate,
    VariableInstance,
)
from engine.models import Task as TaskRow
from engine.runtime import effects as fx
from engine.runtime.env import unique_id
from engine.runtime.state import Task
from engine.runtime.values import TypedValue, check_value, infer_type
from engine.services import authz
from engine.services.authz import P
from engine.services.oplog import OperationLog
from engine.store.django_store import DjangoStore
from identity.authorization import ANY, require
from identity.resources import Resource


def create_task(
    *,
    task_id: str | None = None,
    name: str | None = None,
    description: str | None = None,
    assignee: str | None = None,
    owner: str | None = None,
    priority: int | None = 50,
    due_date: datetime | None = None,
    follow_up_date: datetime | None = None,
    delegation_state: str | None = None,
    user_id: str | None = None,
) -> str:
    """Create a task outside any process; returns its id. Camunda: CREATE on tasks."""
    if user_id is not None:
        require(user_id, P.CREATE, Resource.TASK, ANY)
    if task_id is not None and (
        TaskRow.objects.filter(pk=task_id).exists()
        or HistoricTaskInstance.objects.filter(pk=task_id).exists()
    ):
        raise BadRequestError(f"Cannot create task with id {task_id}: the id is taken")
    task = Task(
        id=task_id or unique_id(),
        name=name,
        description=description,
        assignee=assignee,
        owner=owner,
        candidate_users=[],
        candidate_groups=[],
        due_date=due_date,
        follow_up_date=follow_up_date,
        priority=50 if priority is None else priority,
        form_key=None,
        task_definition_key=None,  # type: ignore[arg-type]
        execution_id=None,  # type: ignore[arg-type]
        activity_instance_id=None,  # type: ignore[arg-type]
        process_instance_id=None,  # type: ignore[arg-type]
        process_definition_id=None,  # type: ignore[arg-type]
        created=timezone.now(),
        delegation_state=delegation_state,
    )
    with transaction.atomic():
        _store(user_id).record(None, [fx.TaskCreated(task)])
        OperationLog(user_id, "Create", EntityType.TASK, category="TaskWorker").add(
            None, task_id=task.id
        ).save()
    return task.id


def delete_task(task_id: str, *, user_id: str | None = None) -> None:
    """Delete a standalone task (TaskService.deleteTask): its history stays, ended as
    "deleted". A task of a process ends only with its process."""
    with transaction.atomic():
        row = TaskRow.objects.select_for_update().filter(pk=task_id).first()
        if row is None:
            raise NotFoundError(f"Cannot find task with id {task_id}: task is null")
        if row.process_instance_id is not None:
            raise EngineError(
                "The task cannot be deleted because is part of a running process"
            )
        authz.require_task(user_id, row, P.DELETE)
        StandaloneTasks(_store(user_id), task_id).remove(task_id, "deleted")
        OperationLog(user_id, "Delete", EntityType.TASK, category="TaskWorker").add(
            None, task_id=task_id
        ).save()


def is_standalone(task: TaskRow) -> bool:
    return task.process_instance_id is None


class StandaloneTasks:
    """What the task commands ask of the process engine, for one task of no process."""

    def __init__(self, store: DjangoStore, task_id: str) -> None:
        self.store = store
        self.task_id = task_id
        self._tasks: dict[str, Task] = {}

    def set_assignee(self, task_id: str, assignee: str | None) -> None:
        self._change(task_id, {"assignee": assignee})

    def update_task(self, task_id: str, changes: Mapping[str, Any]) -> None:
        self._change(task_id, changes)

    def complete_task(
        self, task_id: str, variables: Mapping[str, Any] | None = None, *, local: bool = False
    ) -> None:
        self.set_variables(task_id, variables or {})
        self.remove(task_id, "completed")

    def set_variables(
        self,
        execution_id: str | None,
        variables: Mapping[str, Any],
        *,
        removed: Sequence[str] = (),
        **_: Any,
    ) -> None:
        """The task's own variables (Camunda: with no execution, every variable of a task is
        local to it), kept in the variable rows under the task's id, and in history."""
        typed = {name: _checked(name, value) for name, value in variables.items()}
        gone = tuple(name for name in removed if name not in typed)
        if not typed and not gone:
            return
        revisions = dict(
            HistoricVariableInstance.objects.filter(
                execution_id=self.task_id, name__in=list(typed)
            ).values_list("name", "revision")
        )
        now = timezone.now()
        # No instance: the projection writes the rows with a null instance id.
        changed = fx.VariablesChanged(None, self.task_id, typed, gone)  # type: ignore[arg-type]
        effects: list[fx.Effect] = [changed]
        effects += [
            fx.VariableUpdated(
                None,  # type: ignore[arg-type]
                self.task_id,
                None,
                name,
                value,
                revisions[name] + 1 if name in revisions else 0,
                now,
            )
            for name, value in typed.items()
        ]
        self.store.record(None, effects)

    def remove(self, task_id: str, reason: str) -> None:
        """The task ends; its variables leave the runtime (history keeps them)."""
        task = self._task(task_id)
        self.store.record(None, [fx.TaskRemoved(task_id, reason, timezone.now(), task)])
        VariableInstance.objects.filter(execution_id=task_id, process_instance_id=None).delete()

    def _change(self, task_id: str, changes: Mapping[str, Any]) -> None:
        task = self._task(task_id)
        for name, value in changes.items():
            setattr(task, name, value)
        self.store.record(None, [fx.TaskUpdated(task)])

    def _task(self, task_id: str) -> Task:
        known = self._tasks.get(task_id)
        if known is not None:
            return known
        row = TaskRow.objects.get(pk=task_id)
        candidates = list(
            TaskCandidate.objects.filter(task_id=task_id).values_list("user_id", "group_id")
        )
        task = self._tasks[task_id] = Task(
            id=row.id,
            name=row.name,
            description=row.description,
            assignee=row.assignee,
            owner=row.owner,
            candidate_users=[user for user, _ in candidates if user],
            candidate_groups=[group for _, group in candidates if group],
            due_date=row.due_date,
            follow_up_date=row.follow_up_date,
            priority=row.priority,
            form_key=row.form_key,
            task_definition_key=row.task_definition_key,  # type: ignore[arg-type]
            execution_id=row.execution_id,  # type: ignore[arg-type]
            activity_instance_id=row.activity_instance_id,  # type: ignore[arg-type]
            process_instance_id=row.process_instance_id,  # type: ignore[arg-type]
            process_definition_id=row.process_definition_id,  # type: ignore[arg-type]
            created=row.created,
            delegation_state=row.delegation_state,
        )
        task.logged_people = task.people()
        return task


def engine_for(task: TaskRow, engine: Any, store: DjangoStore) -> Any:
    """The process engine, or for a standalone task what stands in for it."""
    return StandaloneTasks(store, task.id) if is_standalone(task) else engine


def variables_of(task_id: str) -> dict[str, TypedValue]:
    """The variables of a standalone task."""
    rows = VariableInstance.objects.filter(execution_id=task_id, process_instance_id=None)
    return {
        row.name: TypedValue.from_json({"type": row.type, "value": row.value})
        for row in rows.order_by("name")
    }


def set_task_variables(
    task: TaskRow,
    variables: Mapping[str, Any],
    *,
    removed: Sequence[str] = (),
    user_id: str | None = None,
) -> None:
    """Set and remove variables of a standalone task (the caller checked the permission)."""
    with transaction.atomic():
        StandaloneTasks(_store(user_id), task.id).set_variables(None, variables, removed=removed)
        operation = "SetVariable" if variables else "RemoveVariable"
        log = OperationLog(user_id, operation, EntityType.VARIABLE)
        for name in [*variables, *removed]:
            log.add("name", new_value=name, task_id=task.id)
        log.save()


def _checked(name: str, value: Any) -> TypedValue:
    typed = infer_type(value)
    try:
        check_value(typed)
    except ValueError as reason:
        raise BadRequestError(
            f"Cannot set variable '{name}' of type '{typed.type}': {reason}"
        ) from None
    return typed


def _store(user_id: str | None) -> DjangoStore:
    return DjangoStore(history_level=settings.LEGATO_HISTORY_LEVEL, start_user_id=user_id)
