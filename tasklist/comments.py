"""Changing a task's comments afterwards (Camunda 7.21's TaskService.updateTaskComment,
deleteTaskComment, deleteTaskComments): on an open task, each change in the operation log
with the text before and after. The callers check who may act on the task, as for adding."""

from __future__ import annotations

from django.db import transaction

from engine.errors import BadRequestError, NotFoundError
from engine.models import EntityType, Task
from engine.services.oplog import OperationLog
from tasklist.models import TaskComment

MAX_COMMENT = 4000  # Camunda's ACT_HI_COMMENT.MESSAGE_ is varchar(4000)


def checked_message(message: object) -> str:
    if not isinstance(message, str) or not message.strip():
        raise BadRequestError("'message' must be a non-empty text")
    if len(message) > MAX_COMMENT:
        raise BadRequestError(f"A comment can be at most {MAX_COMMENT} characters long")
    return message


def comment_of(task_id: str, comment_id: str) -> TaskComment:
    found = TaskComment.objects.filter(
        task_id=task_id, pk__in=[int(comment_id)] if comment_id.isdigit() else []
    ).first()
    if found is None:
        raise NotFoundError(f"No comment found for task id {task_id} and comment id {comment_id}")
    return found


def update_comment(task: Task, comment_id: str, message: object, *, user_id: str | None) -> None:
    text = checked_message(message)
    with transaction.atomic():
        row = comment_of(task.id, comment_id)
        before, row.message = row.message, text
        row.save(update_fields=["message"])
        _log(user_id, "UpdateComment", task, before, text)


def delete_comment(task: Task, comment_id: str, *, user_id: str | None) -> None:
    with transaction.atomic():
        row = comment_of(task.id, comment_id)
        row.delete()
        _log(user_id, "DeleteComment", task, row.message, None)


def delete_comments(task: Task, *, user_id: str | None) -> int:
    with transaction.atomic():
        rows = list(TaskComment.objects.filter(task_id=task.id))
        TaskComment.objects.filter(pk__in=[row.pk for row in rows]).delete()
        for row in rows:
            _log(user_id, "DeleteComment", task, row.message, None)
    return len(rows)


def _log(user_id: str | None, operation: str, task: Task, before: str | None,
         after: str | None) -> None:
    OperationLog(user_id, operation, EntityType.COMMENT, category="TaskWorker").add(
        "comment", org_value=before, new_value=after, task_id=task.id,
        process_instance_id=task.process_instance_id,
        process_definition_id=task.process_definition_id,
    ).save()
