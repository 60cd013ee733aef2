"""Standalone tasks: tasks that belong to no process (Camunda's TaskService.newTask and
saveTask, REST `POST /task/create`, the tasklist's "Create task"), and subtasks: a standalone
task with a parent task (of a process or not), which ends when its parent ends (the store's
engine/store/subtasks.py).

The task commands in runtime.py (claim, assign, delegate, resolve, update, complete) act on
a standalone task through `StandaloneTasks`, which stands in for the process engine there: it
produces the effects the engine would (TaskUpdated, TaskRemoved, VariablesChanged), and the
store projects them as for any task: the task row, its history, live events. Its own
variables (no execution holds them) are variable rows under the task's id, with no instance;
a subtask also sees its parents' (engine/services/task_scopes.py).
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
    ProcessDefinition,
)
from engine.models import Task as TaskRow
from engine.runtime import effects as fx
from engine.runtime.env import unique_id
from engine.runtime.state import Task
from engine.runtime.values import TypedValue, check_value, infer_type
from engine.services import authz
from engine.services.authz import P
from engine.services.limits import check_fits
from engine.services.oplog import OperationLog
from engine.services.task_scopes import (
    PROCESS,
    TaskScopes,
    process_execution,
    scopes_of,
    variable_names,
)
from engine.store.django_store import DjangoStore
from engine.store.subtasks import stored_task
from identity.authorization import ANY, require
from identity.resources import Resource
from identity.tenancy import require_tenant


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
    parent_task_id: str | None = None,
    tenant_id: str | None = None,
    user_id: str | None = None,
) -> str:
    """Create a task outside any process, a subtask of `parent_task_id` when given; returns
    its id. Camunda: CREATE on tasks; the parent must exist and be active. A task of a tenant
    needs a caller of that tenant; a subtask is of its parent's tenant."""
    if user_id is not None:
        require(user_id, P.CREATE, Resource.TASK, ANY)
    check_fits(TaskRow, id=task_id, name=name, assignee=assignee, owner=owner,
               tenant_id=tenant_id)
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
        parent_task_id=parent_task_id,
    )
    with transaction.atomic():
        if parent_task_id is not None:
            parent = _parent(parent_task_id)
            if parent.suspended:
                raise EngineError(
                    f"Cannot create a subtask of task {parent_task_id}: it is suspended"
                )
            tenant_id = _subtask_tenant(parent, tenant_id)
        task.tenant_id = tenant_id
        require_tenant(user_id, tenant_id, f"create the task '{task.id}'")
        _store(user_id).record(None, [fx.TaskCreated(task)])
        log = OperationLog(user_id, "Create", EntityType.TASK, category="TaskWorker")
        if parent_task_id is None:
            log.add(None, task_id=task.id)
        else:  # Camunda logs the parent as the property "parentTask" the new task set
            log.add(LOGGED_AS["parent_task_id"], new_value=parent_task_id, task_id=task.id)
        log.save()
    return task.id


# Task fields the operation log names otherwise than by their camel-cased name (Camunda's
# TaskEntity property names).
LOGGED_AS = {"parent_task_id": "parentTask"}


def sub_tasks(parent_task_id: str) -> list[TaskRow]:
    """The open subtasks of a task, oldest first (TaskService.getSubTasks: none for a task
    that does not exist)."""
    return list(TaskRow.objects.filter(parent_task_id=parent_task_id).order_by("created", "id"))


def check_new_parent(task: TaskRow, parent_task_id: str | None) -> None:
    """Refuse making `task` a subtask of `parent_task_id` where that cannot work: a task of a
    process (its process ends it, not a parent), an unknown parent, or a loop of parents
    (Camunda's update stores any id; a loop would leave tasks that no parent ever ends)."""
    if parent_task_id is None:
        return
    if not is_standalone(task):
        raise BadRequestError(
            f"Task {task.id} belongs to a process: only a task of no process can be a subtask"
        )
    parent: TaskRow | None = _parent(parent_task_id)
    seen: set[str] = set()
    while parent is not None and parent.id not in seen:
        if parent.id == task.id:
            raise BadRequestError(
                f"Task {task.id} cannot become a subtask of {parent_task_id}: "
                f"{parent_task_id} is {task.id} itself or one of its subtasks"
            )
        seen.add(parent.id)
        above = parent.parent_task_id
        parent = TaskRow.objects.filter(pk=above).first() if above else None


def task_tenant(task: TaskRow) -> str | None:
    """The tenant a task belongs to: its definition's, or a task of no process's own."""
    if task.process_definition_id is None:
        return task.tenant_id
    found = ProcessDefinition.objects.filter(pk=task.process_definition_id)
    return found.values_list("tenant_id", flat=True).first()


def _subtask_tenant(parent: TaskRow, asked: str | None) -> str | None:
    """A subtask is of its parent's tenant; asking for another is Camunda's ENGINE-03073."""
    tenant = task_tenant(parent)
    if asked is not None and asked != tenant:
        raise EngineError(
            "Cannot set different tenantId on subtask than on parent Task. Parent taskId: "
            f"'{parent.id}', tenantId: '{tenant or 'null'}', tenant id to set '{asked}'"
        )
    return tenant


def _parent(parent_task_id: str) -> TaskRow:
    """The parent-to-be, locked until the caller's transaction ends: a command ending it
    meanwhile waits, and then finds the new subtask to end with it."""
    parent: TaskRow | None = (
        TaskRow.objects.select_for_update().filter(pk=parent_task_id).first()
    )
    if parent is None:  # Camunda's words (TaskEntity.ensureParentTaskActive)
        raise BadRequestError(
            f"Parent task with id '{parent_task_id}' does not exist: parentTask is null"
        )
    return parent


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
    """What the task commands ask of the process engine, for one task of no process;
    `engine`, the process engine, takes what reaches a process (a subtask of its task)."""

    def __init__(self, store: DjangoStore, task_id: str, engine: Any = None) -> None:
        self.store = store
        self.task_id = task_id
        self.engine = engine
        self._tasks: dict[str, Task] = {}

    def set_assignee(self, task_id: str, assignee: str | None) -> None:
        self._change(task_id, {"assignee": assignee})

    def update_task(self, task_id: str, changes: Mapping[str, Any]) -> None:
        self._change(task_id, changes)

    def complete_task(
        self, task_id: str, variables: Mapping[str, Any] | None = None, *, local: bool = False
    ) -> None:
        if local:
            self.set_own_variables(task_id, variables or {})
        else:
            self.set_variables(None, variables or {})
        self.remove(task_id, "completed")

    def set_variables(
        self,
        execution_id: str | None,
        variables: Mapping[str, Any],
        *,
        removed: Sequence[str] = (),
        **_: Any,
    ) -> None:
        """What complete and resolve set: Camunda's setExecutionVariables, which sets them
        on the task's parent scope (a subtask's parent task, and up from there); a task with
        no parent keeps them itself (Camunda would drop them; Legato keeps them in history)."""
        row = TaskRow.objects.get(pk=self.task_id)
        if row.parent_task_id is None:
            self.set_own_variables(self.task_id, variables, removed=removed)
        else:
            self.set_scoped(scopes_of(row, from_parent=True), variables, removed)

    def set_task_variables(
        self, variables: Mapping[str, Any], removed: Sequence[str], *, local: bool
    ) -> None:
        """Variables set and removed through the task: `local`, its own; otherwise the
        nearest scope up its parents that has each, else the topmost (task_scopes)."""
        if local:
            self.set_own_variables(self.task_id, variables, removed=removed)
            own = bool(variables)
        else:
            scopes = scopes_of(TaskRow.objects.get(pk=self.task_id))
            own = self.task_id in self.set_scoped(scopes, variables, removed)
        if own:  # Camunda: setting the task's own variables updates the task
            self._change(self.task_id, {})

    def set_scoped(
        self, scopes: TaskScopes, variables: Mapping[str, Any], removed: Sequence[str]
    ) -> set[str | None]:
        """Each variable to the scope that takes it, one write per scope; the scopes (task
        ids, or PROCESS) that were set a variable."""
        for name, value in variables.items():
            _checked(name, value)  # refused before anything is written
        holders = variable_names(scopes.tasks)
        sets: dict[str | None, dict[str, Any]] = {}
        removes: dict[str | None, list[str]] = {}
        for name, value in variables.items():
            sets.setdefault(scopes.owner_of(name, holders), {})[name] = value
        for name in removed:
            if name in variables:
                continue
            # A removal goes only where the variable is (Camunda's removeVariable): the
            # nearest task holding it, else the process, which looks for it itself.
            holder = scopes.holder_of(name, holders)
            if holder is not None or scopes.process_task is not None:
                removes.setdefault(holder if holder is not None else PROCESS, []).append(name)
        for owner in {**sets, **removes}:
            values, gone = sets.get(owner, {}), removes.get(owner, [])
            if owner is PROCESS:
                self.engine.set_variables(
                    process_execution(scopes), values, local=False, removed=gone
                )
            else:
                self.set_own_variables(owner, values, removed=gone)
        return set(sets)

    def set_own_variables(
        self, task_id: str, variables: Mapping[str, Any], *, removed: Sequence[str] = ()
    ) -> None:
        """Variables of one task of no process itself, kept in the variable rows under the
        task's id, and in history."""
        typed = {name: _checked(name, value) for name, value in variables.items()}
        gone = tuple(name for name in removed if name not in typed)
        if not typed and not gone:
            return
        revisions = dict(
            HistoricVariableInstance.objects.filter(
                execution_id=task_id, name__in=list(typed)
            ).values_list("name", "revision")
        )
        now = timezone.now()
        # No instance: the projection writes the rows with a null instance id.
        changed = fx.VariablesChanged(None, task_id, typed, gone)  # type: ignore[arg-type]
        effects: list[fx.Effect] = [changed]
        effects += [
            fx.VariableUpdated(
                None,  # type: ignore[arg-type]
                task_id,
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
        """The task ends, and its subtasks with it; the store removes their variables from the
        runtime (history keeps them)."""
        task = self._task(task_id)
        self.store.record(None, [fx.TaskRemoved(task_id, reason, timezone.now(), task)])

    def _change(self, task_id: str, changes: Mapping[str, Any]) -> None:
        task = self._task(task_id)
        for name, value in changes.items():
            setattr(task, name, value)
        task.last_updated = timezone.now()  # every task command that gets here updates it
        self.store.record(None, [fx.TaskUpdated(task)])

    def _task(self, task_id: str) -> Task:
        known = self._tasks.get(task_id)
        if known is None:
            known = self._tasks[task_id] = stored_task(task_id)
        return known


def engine_for(task: TaskRow, engine: Any, store: DjangoStore) -> Any:
    """The process engine, or for a standalone task what stands in for it."""
    return StandaloneTasks(store, task.id, engine) if is_standalone(task) else engine


def set_task_variables(
    task: TaskRow,
    variables: Mapping[str, Any],
    *,
    local: bool = False,
    removed: Sequence[str] = (),
    user_id: str | None = None,
    engine: Any,
    store: DjangoStore,
) -> None:
    """Set and remove variables through a standalone task, in the caller's command (which
    checked the permission): `local`, the task's own; else by the scope rules of
    engine/services/task_scopes.py, which may reach its parents and their process."""
    StandaloneTasks(store, task.id, engine).set_task_variables(variables, removed, local=local)
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
