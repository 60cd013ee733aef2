"""Subtasks end with their parent, as Camunda's TaskManager.deleteTask ends "the task's
subtasks" with the parent's delete reason: when a parent is completed, deleted, or its process
ends, each open subtask ends too (reason "completed", "deleted", ...), down the whole tree.

Ending a task is a hot path (completing a task of a process is the commonest command), so the
question "has any of these tasks subtasks?" travels with the command's writes instead of as a
read of its own: a no-op UPDATE on the indexed parent column, whose row count answers it. Only
when it counts some does the store read the subtasks and end them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from engine.models import Task as TaskRow
from engine.models import TaskCandidate
from engine.runtime import effects as fx
from engine.runtime.state import Task
from engine.store.rows import write
from engine.store.tables import TASKS

_CHUNK = 1_000  # ids per probe statement, far below SQLite's parameter limit
_probe_texts: dict[int, str] = {}


def probe_subtasks(ended: Sequence[fx.TaskRemoved], found: list[fx.TaskRemoved]) -> None:
    """Send with the batch a statement that counts the subtasks of the `ended` tasks; when it
    counts any, the ended tasks are added to `found` (once the batch has run)."""
    for first in range(0, len(ended), _CHUNK):
        chunk = list(ended[first : first + _CHUNK])

        def check(count: int, chunk: list[fx.TaskRemoved] = chunk) -> None:
            if count:
                found.extend(chunk)

        write(_probe_sql(len(chunk)), [removal.task_id for removal in chunk], check)


def _probe_sql(count: int) -> str:
    text = _probe_texts.get(count)
    if text is None:
        marks = ", ".join(["%s"] * count)
        text = _probe_texts[count] = (
            f'UPDATE "{TASKS.name}" SET "parent_task_id" = "parent_task_id" '
            f'WHERE "parent_task_id" IN ({marks})'
        )
    return text


def subtask_removals(parents: Sequence[fx.TaskRemoved]) -> list[fx.TaskRemoved]:
    """The open subtasks of the ended `parents`, each ending as its parent did."""
    ended = {parent.task_id: parent for parent in parents}
    # Every subtask, whoever acts: the caller's tenants do not decide what a parent takes along.
    rows = TaskRow._base_manager.filter(parent_task_id__in=list(ended)).order_by("created", "id")
    return [
        fx.TaskRemoved(task.id, ended[parent].reason, ended[parent].time, task)
        for task in stored_tasks(rows)
        if (parent := task.parent_task_id) is not None
    ]


def stored_task(task_id: str) -> Task:
    """One stored task as the runtime's Task (what a task command of no process acts on)."""
    return stored_tasks(TaskRow.objects.filter(pk=task_id))[0]


def stored_tasks(rows: Iterable[TaskRow]) -> list[Task]:
    """The task rows as the runtime's Tasks, with their candidates."""
    rows = list(rows)
    users: dict[str, list[str]] = {row.id: [] for row in rows}
    groups: dict[str, list[str]] = {row.id: [] for row in rows}
    candidates = TaskCandidate.objects.filter(task_id__in=list(users)).order_by("id")
    for task_id, user, group in candidates.values_list("task_id", "user_id", "group_id"):
        if user:
            users[task_id].append(user)
        if group:
            groups[task_id].append(group)
    tasks = []
    for row in rows:
        task = Task(
            id=row.id,
            name=row.name,
            description=row.description,
            assignee=row.assignee,
            owner=row.owner,
            candidate_users=users[row.id],
            candidate_groups=groups[row.id],
            due_date=row.due_date,
            follow_up_date=row.follow_up_date,
            priority=row.priority,
            form_key=row.form_key,
            task_definition_key=row.task_definition_key,
            execution_id=row.execution_id,
            activity_instance_id=row.activity_instance_id,
            process_instance_id=row.process_instance_id,
            process_definition_id=row.process_definition_id,
            created=row.created,
            delegation_state=row.delegation_state,
            parent_task_id=row.parent_task_id,
            tenant_id=row.tenant_id,
            last_updated=row.last_updated,
        )
        task.logged_people = task.people()
        tasks.append(task)
    return tasks
