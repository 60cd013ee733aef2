"""Task authorization for REST, as Camunda's TaskRestService applies it.

The people a task names (assignee, owner, candidates) hold READ and UPDATE/TASK_WORK on it by
default; others need a rule on the task or the task permission on its definition
(identity.authorization.is_task_authorized). Lists show only readable tasks
(tasklist.access.visible: the same filter the tasklist uses).
"""

from __future__ import annotations

from collections.abc import Sequence

from rest_framework.request import Request

from engine.models import HistoricTaskInstance, Task
from engine.rest.base import definition_key
from engine.rest.errors import CamundaError
from identity.authorization import Check as AuthCheck
from identity.authorization import (
    Permission,
    Resource,
    TaskInvolvement,
    is_task_authorized,
    require_any,
    require_task,
)
from tasklist.access import involvement


def require_task_permission(
    request: Request, task: Task, permissions: Sequence[str], found: TaskInvolvement
) -> None:
    """Any of `permissions` on the task (or its definition's task permission), else 403
    naming the first."""
    key = definition_key(task.process_definition_id)
    if any(is_task_authorized(request.user, p, task.id, found, key) for p in permissions):
        return
    require_task(request.user, permissions[0], task.id, found, key)


def require_read_task_or_history(request: Request, task_id: str) -> None:
    """What a task's comments and attachments need (Camunda's TaskCommentResource and
    TaskAttachmentResource look the task up in history): READ on the open task; a finished
    task is read as history, READ_HISTORY on its definition or READ on the historic task."""
    task = Task.objects.filter(pk=task_id).first()
    if task is not None:
        require_task_permission(request, task, (Permission.READ,), involvement(task))
        return
    finished = HistoricTaskInstance.objects.filter(pk=task_id).values_list(
        "process_definition_id", flat=True
    )
    if not finished:
        raise CamundaError(404, "InvalidRequestException", f"No task found for task id {task_id}")
    checks = [AuthCheck(Permission.READ, Resource.HISTORIC_TASK, task_id)]
    if finished[0] is not None:
        key = definition_key(finished[0])
        checks.insert(0, AuthCheck(Permission.READ_HISTORY, Resource.PROCESS_DEFINITION, key))
    require_any(request.user, checks)
