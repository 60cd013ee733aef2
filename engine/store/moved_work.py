"""Waiting work whose token Camunda now shows as another execution (`fx.WaitingWorkMoved`):
the task rows, their history and the external task rows name the new execution."""

from __future__ import annotations

from collections.abc import Sequence

from engine.models import ExternalTask
from engine.runtime import effects as fx
from engine.store.tables import HISTORIC_TASKS, TASKS


def write_moved_work(moved: Sequence[fx.WaitingWorkMoved], *, history: bool) -> None:
    tasks = [[execution_id, task_id] for m in moved for task_id, execution_id in m.tasks.items()]
    if tasks:
        TASKS.update(("execution_id",), tasks)
        if history:
            HISTORIC_TASKS.update(("execution_id",), tasks)
    for m in moved:
        for external_task_id, execution_id in m.external_tasks.items():
            ExternalTask.objects.filter(pk=external_task_id).update(execution_id=execution_id)
