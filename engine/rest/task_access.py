"""Task authorization for REST, as Camunda's TaskRestService applies it.

The people a task names (assignee, owner, candidates) hold READ and UPDATE/TASK_WORK on it by
default; others need a rule on the task or the task permission on its definition
(identity.authorization.is_task_authorized). Lists show only readable tasks
(tasklist.access.visible: the same filter the tasklist uses).
"""

from __future__ import annotations

from collections.abc import Sequence

from rest_framework.request import Request

from engine.models import Task
from engine.rest.base import definition_key
from identity.authorization import TaskInvolvement, is_task_authorized, require_task


def require_task_permission(
    request: Request, task: Task, permissions: Sequence[str], found: TaskInvolvement
) -> None:
    """Any of `permissions` on the task (or its definition's task permission), else 403
    naming the first."""
    key = definition_key(task.process_definition_id)
    if any(is_task_authorized(request.user, p, task.id, found, key) for p in permissions):
        return
    require_task(request.user, permissions[0], task.id, found, key)
