"""The rows of a command's user tasks: the task rows with their candidates, and their history
(engine.store.projection hands over the batch's task effects, by task id)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from engine.runtime import effects as fx
from engine.runtime.state import COMPLETED, DELETED
from engine.store.tables import (
    CANDIDATES,
    HISTORIC_TASK_MUTABLE,
    HISTORIC_TASKS,
    TASK_FIELDS,
    TASK_MUTABLE,
    TASKS,
    VARIABLES,
)

Created = Mapping[str, fx.TaskCreated]
Updated = Mapping[str, fx.TaskUpdated]
Removed = Mapping[str, fx.TaskRemoved]


def duration_ms(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return int((end - start).total_seconds() * 1000)


def write_tasks(
    created: Created, updated: Updated, removed: Removed, ended: set[str]
) -> list[fx.TaskRemoved]:
    """Insert, update and delete the task rows (none for a task of an instance that ended in
    the same command); the removals of stored tasks are returned (their subtasks end too)."""
    new = [
        e.task
        for task_id, e in created.items()
        if task_id not in removed and e.task.process_instance_id not in ended
    ]
    TASKS.insert(_task_row(task) for task in new)
    CANDIDATES.insert(_candidates(new))
    changed = [
        e.task
        for task_id, e in updated.items()
        if task_id not in removed and task_id not in created
    ]
    if changed:
        TASKS.update(
            TASK_MUTABLE,
            [
                [*_fields(task), task.delegation_state, task.last_updated, task.id]
                for task in changed
            ],
        )
        CANDIDATES.delete([task.id for task in changed], column="task_id")
        CANDIDATES.insert(_candidates(changed))
    gone = [r for task_id, r in removed.items() if task_id not in created]
    # Only tasks that had candidates have candidate rows.
    CANDIDATES.delete([r.task_id for r in gone if _has_candidates(r.task)], column="task_id")
    TASKS.delete(r.task_id for r in gone)
    # A task of no process holds its variables itself: they leave with it.
    standalone = [r.task_id for r in gone if r.task.process_instance_id is None]
    VARIABLES.delete(standalone, column="execution_id")
    return gone


def write_task_history(created: Created, updated: Updated, removed: Removed) -> None:
    """The historic task rows: a new task's (ended already, if it was removed in the same
    command), the fields and state of updated ones, the end of removed ones."""
    rows = []
    for t in (e.task for e in created.values()):
        gone = removed.get(t.id)
        rows.append(
            [
                t.id,
                *_fields(t),
                _ended_state(gone) if gone else t.state,
                t.created,
                gone.time if gone else None,
                duration_ms(t.created, gone.time) if gone else None,
                gone.reason if gone else None,
                t.task_definition_key,
                t.process_instance_id,
                t.execution_id,
                t.activity_instance_id,
                t.process_definition_id,
                t.tenant_id,
            ]
        )
    HISTORIC_TASKS.insert(rows)
    HISTORIC_TASKS.update(
        HISTORIC_TASK_MUTABLE,
        [
            [*_fields(e.task), e.task.state, e.task.id]
            for e in updated.values()
            if e.task.id not in created
        ],
    )
    later = [r for task_id, r in removed.items() if task_id not in created]
    HISTORIC_TASKS.update(
        ("end_time", "duration_ms", "delete_reason", "task_state"),
        [
            [r.time, duration_ms(r.task.created, r.time), r.reason, _ended_state(r), r.task_id]
            for r in later
        ],
    )


def _fields(task: Any) -> list[Any]:
    return [getattr(task, name) for name in TASK_FIELDS]


def _ended_state(removed: fx.TaskRemoved) -> str:
    return COMPLETED if removed.reason == "completed" else DELETED


def _task_row(task: Any) -> list[Any]:
    return [
        task.id,
        *_fields(task),
        task.delegation_state,
        task.last_updated,
        task.created,
        task.form_key,
        task.task_definition_key,
        task.process_instance_id,
        task.execution_id,
        task.activity_instance_id,
        task.process_definition_id,
        False,
        task.tenant_id,
    ]


def _has_candidates(task: Any) -> bool:
    return bool(task.candidate_users or task.candidate_groups)


def _candidates(tasks: Iterable[Any]) -> list[list[Any]]:
    rows = []
    for task in tasks:
        rows += [[task.id, user, None] for user in task.candidate_users]
        rows += [[task.id, None, group] for group in task.candidate_groups]
    return rows
