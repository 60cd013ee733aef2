"""The variables a page of tasks sees: what the Tasklist's task cards and a filter's HAL list
show for the names a filter's `properties.variables` lists.

A task sees its own variables first, then those of the scopes around it up to its process
instance (`get_task_variables` reads the same scopes from the instance state); a task of no
process sees its own, then its parent tasks', then, when the topmost parent belongs to a
process, what that task sees. The values of a whole page are read in a fixed number of
statements (the page's executions, then the wanted variable rows; one more per level of
subtask parents), never one per task, so a list costs the same however long it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from engine.models import Execution, Task, VariableInstance

# Deeper subtask chains than this are cut there (a chain is a handful of levels in practice).
MAX_PARENT_LEVELS = 32


class ScopeKind(StrEnum):
    TASK = "task"  # a task of no process holds its variables itself
    EXECUTION = "execution"  # a token or scope of the process (the token holds task-local ones)
    PROCESS_INSTANCE = "processInstance"


@dataclass(frozen=True)
class ScopedVariable:
    """A variable row and the scope the task sees it from."""

    scope_id: str
    scope: ScopeKind
    row: VariableInstance


def visible_task_variables(
    tasks: Sequence[Task], names: Sequence[str]
) -> dict[str, dict[str, ScopedVariable]]:
    """Per task id, the named variables it sees (name -> nearest row), in `names` order."""
    if not tasks or not names:
        return {task.id: {} for task in tasks}
    parents = _parent_tasks(tasks)
    process_tasks = {t.id: t for t in (*tasks, *parents.values()) if t.process_instance_id}
    tokens, parent_of = _executions({t.process_instance_id for t in process_tasks.values()})
    chains = {
        task.id: _chain(task, parents, tokens, parent_of) for task in tasks
    }
    wanted = {scope_id for chain in chains.values() for scope_id, _ in chain}
    rows: dict[tuple[str, str], VariableInstance] = {
        (row.execution_id, row.name): row
        for row in VariableInstance.objects.filter(name__in=list(names), execution_id__in=wanted)
    }
    found: dict[str, dict[str, ScopedVariable]] = {}
    for task in tasks:
        seen = found[task.id] = {}
        for name in names:
            for scope_id, kind in chains[task.id]:
                row = rows.get((scope_id, name))
                if row is not None:
                    seen[name] = ScopedVariable(scope_id, kind, row)
                    break
    return found


def _parent_tasks(tasks: Sequence[Task]) -> dict[str, Task]:
    """The parents (and their parents) of the page's tasks of no process, one level per
    statement."""
    known: dict[str, Task] = {t.id: t for t in tasks}
    missing = {t.parent_task_id for t in tasks if t.parent_task_id} - set(known)
    parents: dict[str, Task] = {}
    for _ in range(MAX_PARENT_LEVELS):
        if not missing:
            break
        level = list(Task.objects.filter(pk__in=missing))
        for parent in level:
            known[parent.id] = parents[parent.id] = parent
        missing = {p.parent_task_id for p in level if p.parent_task_id} - set(known)
    return parents


def _executions(instance_ids: set[str | None]) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """(instance, activity instance) -> the token waiting there; execution -> its parent."""
    tokens: dict[tuple[str, str], str] = {}
    parent_of: dict[str, str] = {}
    ids = [i for i in instance_ids if i]
    if not ids:
        return tokens, parent_of
    rows = Execution.objects.filter(process_instance_id__in=ids).values_list(
        "id", "process_instance_id", "parent_id", "activity_instance_id"
    )
    for execution_id, instance_id, parent_id, activity_instance_id in rows:
        if activity_instance_id:
            tokens[(instance_id, activity_instance_id)] = execution_id
        if parent_id:
            parent_of[execution_id] = parent_id
    return tokens, parent_of


def _chain(
    task: Task,
    parents: dict[str, Task],
    tokens: dict[tuple[str, str], str],
    parent_of: dict[str, str],
) -> list[tuple[str, ScopeKind]]:
    """The scopes `task` sees, nearest first."""
    chain: list[tuple[str, ScopeKind]] = []
    current: Task | None = task
    while current is not None and current.process_instance_id is None:
        if any(scope_id == current.id for scope_id, _ in chain):
            return chain  # a cycle of parents: what was seen so far
        chain.append((current.id, ScopeKind.TASK))
        current = parents.get(current.parent_task_id) if current.parent_task_id else None
    if current is None:
        return chain
    instance_id = current.process_instance_id
    assert instance_id is not None
    # The token a task waits at; its `execution_id` may name the instance (a lone token).
    token = tokens.get((instance_id, current.activity_instance_id or ""))
    execution_ids: list[str] = []
    scope_id = token or current.execution_id
    while scope_id and scope_id not in execution_ids:
        execution_ids.append(scope_id)
        scope_id = parent_of.get(scope_id)
    if current.execution_id and current.execution_id not in execution_ids:
        execution_ids.append(current.execution_id)
    if instance_id not in execution_ids:
        execution_ids.append(instance_id)
    for execution_id in execution_ids:
        kind = ScopeKind.PROCESS_INSTANCE if execution_id == instance_id else ScopeKind.EXECUTION
        chain.append((execution_id, kind))
    return chain
