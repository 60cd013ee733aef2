"""Task attachments (Camunda's TaskService.createAttachment, deleteTaskAttachment): a file
kept with its bytes, or a link kept by its URL, on an open task; each change in the
operation log; each change updates the task (as comments do). The callers check who may act
on the task (as for comments)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from engine.errors import BadRequestError, NotFoundError
from engine.models import EntityType, Task
from engine.runtime.values import FileValue, TypedValue
from engine.services.oplog import OperationLog, task_context
from engine.services.task_saving import touch_task
from tasklist.models import TaskAttachment

# A task is no file store: big documents belong somewhere else, linked by URL.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def add_attachment(
    task: Task,
    *,
    name: str = "",
    description: str = "",
    media_type: str = "",
    url: str | None = None,
    content: bytes | None = None,
    user_id: str | None = None,
) -> TaskAttachment:
    if content is None and not url:
        # Camunda's wording (TaskAttachmentResourceImpl.addAttachment).
        raise BadRequestError(
            "No content or url to remote content exists to create the task attachment."
        )
    if content is not None and len(content) > MAX_ATTACHMENT_BYTES:
        raise BadRequestError(
            f"An attachment can be at most {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB; "
            "link a bigger document by its url instead"
        )
    with transaction.atomic():
        row = TaskAttachment.objects.create(
            task_id=task.id,
            process_instance_id=task.process_instance_id,
            user_id=user_id,
            time=timezone.now(),
            name=name[:255],
            description=description,
            type=media_type[:255],
            url=None if content is not None else url,
            content=content,
        )
        _log(user_id, "AddAttachment", task, row)
        touch_task(task)
    return row


def attachment_of(task_id: str, attachment_id: str) -> TaskAttachment:
    found = TaskAttachment.objects.filter(
        task_id=task_id, pk__in=[int(attachment_id)] if attachment_id.isdigit() else []
    ).first()
    if found is None:
        raise NotFoundError(
            f"Task attachment with id {attachment_id} does not exist for task id {task_id}."
        )
    return found


def delete_attachment(task: Task, attachment_id: str, *, user_id: str | None = None) -> None:
    with transaction.atomic():
        row = attachment_of(task.id, attachment_id)
        _log(user_id, "DeleteAttachment", task, row)
        row.delete()
        touch_task(task)


def _log(user_id: str | None, operation: str, task: Task, row: TaskAttachment) -> None:
    OperationLog(user_id, operation, EntityType.ATTACHMENT, category="TaskWorker").add(
        "name",
        new_value=row.name or None,
        **task_context(task),
    ).save()


def attachment_response(row: TaskAttachment) -> HttpResponse:
    if row.content is None:
        raise NotFoundError(
            f"Attachment content for attachment with id '{row.pk}' does not exist for task "
            f"id '{row.task_id}'."
        )
    response = HttpResponse(bytes(row.content), content_type="application/octet-stream")
    # A header carries ASCII safely; the name as given stays in the AttachmentDto.
    plain = (row.name or "").encode("ascii", "ignore").decode().replace('"', "").replace("\\", "")
    filename = plain.strip() or f"attachment-{row.pk}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def variable_file_response(name: str, typed: TypedValue) -> HttpResponse:
    """A File variable downloads under its file name with its MIME type; Bytes as
    `<name>.bin`, application/octet-stream."""
    file = typed.value
    if not isinstance(file, FileValue):
        response = HttpResponse(bytes(file), content_type="application/octet-stream")
        response["Content-Disposition"] = content_disposition_header(True, f"{name}.bin")
        return response
    response = HttpResponse(file.content, content_type=file.mime_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, file.filename)
    return response
