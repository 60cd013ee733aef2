"""The variable scopes of a task of no process (a standalone task or a subtask).

Camunda's TaskEntity.getParentVariableScope is the task's execution, else its case execution,
else its parent task. A task of no process thus sees its own variables, then its parent
task's, and so on up the parents; when the topmost parent belongs to a process, the chain goes
on into that task's own variables and its execution's scopes up to the process instance.

Setting a variable follows AbstractVariableScope.setVariable: the nearest scope that has it,
else the topmost scope (the process instance, when the chain reaches a process). Removing one
removes it from the nearest scope that has it, else nowhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from engine import queries
from engine.models import Task as TaskRow
from engine.models import VariableInstance
from engine.runtime.values import TypedValue

# Where a variable goes when the scope that takes it is the process task's execution chain.
PROCESS = None


@dataclass(frozen=True)
class TaskScopes:
    """A task of no process and its parents of no process, nearest first; and the topmost
    parent when it belongs to a process (its execution's scopes come after all of them)."""

    tasks: tuple[str, ...]
    process_task: TaskRow | None

    def holder_of(self, name: str, holders: dict[str, set[str]]) -> str | None:
        """The nearest of the tasks holding `name` (`holders`: task id -> names), if any."""
        return next((task_id for task_id in self.tasks if name in holders.get(task_id, ())), None)

    def owner_of(self, name: str, holders: dict[str, set[str]]) -> str | None:
        """The scope that takes a (non-local) write of `name`: the nearest task holding it,
        else the process (PROCESS: it looks from the process task outwards), else the topmost
        task."""
        holder = self.holder_of(name, holders)
        if holder is not None:
            return holder
        return PROCESS if self.process_task is not None else self.tasks[-1]


def scopes_of(task: TaskRow, *, from_parent: bool = False) -> TaskScopes:
    """The scopes seen from `task` (a task of no process), or from its parent
    (`from_parent`: Camunda's setExecutionVariables, what complete and resolve set)."""
    chain: list[str] = [] if from_parent else [task.id]
    process_task = None
    parent_id = task.parent_task_id
    while parent_id is not None and parent_id not in chain and parent_id != task.id:
        parent = TaskRow.objects.filter(pk=parent_id).first()
        if parent is None:
            break
        if parent.process_instance_id is not None:
            process_task = parent  # a task of a process has no parent task
            break
        chain.append(parent.id)
        parent_id = parent.parent_task_id
    return TaskScopes(tuple(chain), process_task)


def stored_variables(task_ids: Iterable[str]) -> dict[str, dict[str, TypedValue]]:
    """The variables each task of no process holds itself, in one query."""
    found: dict[str, dict[str, TypedValue]] = {}
    rows = VariableInstance.objects.filter(
        execution_id__in=list(task_ids), process_instance_id=None
    ).order_by("name")
    for row in rows:
        found.setdefault(row.execution_id, {})[row.name] = TypedValue.from_json(
            {"type": row.type, "value": row.value}
        )
    return found


def variable_names(task_ids: Sequence[str]) -> dict[str, set[str]]:
    """Task id -> the names of the variables it holds itself."""
    rows = VariableInstance.objects.filter(
        execution_id__in=list(task_ids), process_instance_id=None
    )
    holders: dict[str, set[str]] = {}
    for task_id, name in rows.values_list("execution_id", "name"):
        holders.setdefault(task_id, set()).add(name)
    return holders


def visible_variables(task: TaskRow, *, local: bool = False) -> dict[str, TypedValue]:
    """What a task of no process sees (`local`: only its own), the nearest scope winning."""
    if local:
        return stored_variables([task.id]).get(task.id, {})
    return _merged(scopes_of(task))


def inherited_variables(task: TaskRow) -> dict[str, TypedValue]:
    """What the task sees from its parents (none for a task without a parent)."""
    if task.parent_task_id is None:
        return {}
    return _merged(scopes_of(task, from_parent=True))


def _merged(scopes: TaskScopes) -> dict[str, TypedValue]:
    merged: dict[str, TypedValue] = {}
    if scopes.process_task is not None:
        merged.update(queries.get_task_variables(scopes.process_task))
    own = stored_variables(scopes.tasks)
    for task_id in reversed(scopes.tasks):  # outermost first: nearer scopes overwrite
        merged.update(own.get(task_id, {}))
    return dict(sorted(merged.items()))


def process_execution(scopes: TaskScopes) -> str:
    """The execution a write that reaches the process goes to: the one the process task
    waits at, which holds that task's own variables (Camunda's task-local ones)."""
    assert scopes.process_task is not None
    return queries.task_execution_id(scopes.process_task)
