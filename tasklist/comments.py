"""Task comments: adding one, and changing comments afterwards (Camunda 7.21's
TaskService.updateTaskComment, deleteTaskComment(s), updateProcessInstanceComment,
deleteProcessInstanceComment(s)): on an open task or a running instance, each change in the
operation log with the text before and after; a change of a task's comments updates the task
(Camunda 7.20's triggerUpdateEvent). The task callers check who may act on the task; the
instance functions check UPDATE on the instance themselves."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from engine.errors import BadRequestError, NotFoundError
from engine.models import EntityType, ProcessInstance, Task
from engine.services.authz import require_update_instance
from engine.services.oplog import OperationLog, instance_context, task_context
from engine.services.task_saving import touch_task
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


def _by_pk(comment_id: str) -> list[int]:
    return [int(comment_id)] if comment_id.isdigit() else []


def add_comment(task: Task, message: str, *, user_id: str | None) -> TaskComment:
    """A new comment on an open task (the caller checked `message` and who may act)."""
    with transaction.atomic():
        row = TaskComment.objects.create(
            task_id=task.id,
            process_instance_id=task.process_instance_id,
            user_id=user_id,
            time=timezone.now(),
            message=message,
        )
        touch_task(task)
    return row


def update_comment(task: Task, comment_id: str, message: object, *, user_id: str | None) -> None:
    """Change a task's comment; an unknown comment is a 400 in Camunda's words."""
    text = checked_message(message)
    with transaction.atomic():
        row = TaskComment.objects.filter(task_id=task.id, pk__in=_by_pk(comment_id)).first()
        if row is None:
            # Camunda's wording (UpdateCommentCmd, NullValueException: 400).
            raise BadRequestError(f"No comment exists with commentId: {comment_id} and taskId: "
                                  f"{task.id}: comment is null")
        before = _rewrite(row, text, user_id)
        _log(user_id, "UpdateComment", task, before, text)
        touch_task(task)


def delete_comment(task: Task, comment_id: str, *, user_id: str | None) -> None:
    with transaction.atomic():
        row = comment_of(task.id, comment_id)
        row.delete()
        _log(user_id, "DeleteComment", task, row.message, None)
        touch_task(task)


def delete_comments(task: Task, *, user_id: str | None) -> int:
    with transaction.atomic():
        rows = list(TaskComment.objects.filter(task_id=task.id))
        TaskComment.objects.filter(pk__in=[row.pk for row in rows]).delete()
        for row in rows:
            _log(user_id, "DeleteComment", task, row.message, None)
        touch_task(task)
    return len(rows)


def _rewrite(row: TaskComment, text: str, user_id: str | None) -> str:
    # Camunda's UpdateCommentCmd stamps the comment with the editor and the time of the edit.
    before, row.message, row.time = row.message, text, timezone.now()
    if user_id is not None:
        row.user_id = user_id
    row.save(update_fields=["message", "time", "user_id"])
    return before


def _running_instance(instance_id: str, user_id: str | None) -> ProcessInstance:
    """The running instance the comments belong to; UPDATE on it (or UPDATE_INSTANCE on its
    definition) as Camunda's checkUpdateProcessInstanceById."""
    instance = ProcessInstance.objects.filter(pk=instance_id).first()
    if instance is None:
        # Camunda's wording: a finished instance's comments stay as they are (400).
        raise BadRequestError(f"No processInstance exists with processInstanceId: "
                              f"{instance_id}: processInstance is null")
    require_update_instance(user_id, instance_id)
    return instance


def update_instance_comment(instance_id: str, comment_id: str, message: object, *,
                            user_id: str | None) -> None:
    """Change a comment on one of a running instance's tasks (Camunda's
    updateProcessInstanceComment)."""
    text = checked_message(message)
    with transaction.atomic():
        row = TaskComment.objects.filter(
            process_instance_id=instance_id, pk__in=_by_pk(comment_id)
        ).first()
        if row is None:
            raise BadRequestError(f"No comment exists with commentId: {comment_id} and "
                                  f"processInstanceId: {instance_id}: comment is null")
        instance = _running_instance(instance_id, user_id)
        before = _rewrite(row, text, user_id)
        _instance_log(user_id, "UpdateComment", instance, [(before, text)])


def delete_instance_comments(instance_id: str, comment_id: str | None = None, *,
                             user_id: str | None) -> int:
    """Remove one comment (`comment_id`) or every comment of a running instance. As Camunda,
    an unknown comment id removes nothing and is no error."""
    with transaction.atomic():
        instance = _running_instance(instance_id, user_id)
        rows = TaskComment.objects.filter(process_instance_id=instance_id)
        if comment_id is not None:
            rows = rows.filter(pk__in=_by_pk(comment_id))
        found = list(rows.select_for_update())
        TaskComment.objects.filter(pk__in=[row.pk for row in found]).delete()
        _instance_log(user_id, "DeleteComment", instance,
                      [(row.message, None) for row in found])
    return len(found)


def _instance_log(user_id: str | None, operation: str, instance: ProcessInstance,
                  changes: list[tuple[str, str | None]]) -> None:
    # One entry per comment with its text, as the task functions log (Camunda logs a single
    # entry without the text for a deletion; the text is what an audit needs).
    log = OperationLog(user_id, operation, EntityType.COMMENT, category="TaskWorker")
    for before, after in changes:
        # Camunda's inContextOf(processInstance, ...): the instance is the execution too
        log.add("comment", org_value=before, new_value=after, execution_id=instance.id,
                **instance_context(instance.id, instance.process_definition_id))
    log.save()


def _log(user_id: str | None, operation: str, task: Task, before: str | None,
         after: str | None) -> None:
    OperationLog(user_id, operation, EntityType.COMMENT, category="TaskWorker").add(
        "comment", org_value=before, new_value=after, **task_context(task)
    ).save()
