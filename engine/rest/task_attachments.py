"""`/task/{id}/attachment`: list, create (multipart: `attachment-name`,
`attachment-description`, `attachment-type`, `url`, `content`), get, data, delete. The rows
are the tasklist's (tasklist.models.TaskAttachment); reading needs READ on the task, adding
and deleting TASK_WORK or UPDATE, as for comments."""

from __future__ import annotations

from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response

from engine.rest import serializers
from engine.rest.base import AnyAcceptMixin, EngineView, user_id
from engine.rest.dates import format_date
from engine.rest.deployments import text_part
from engine.rest.task_access import require_read_task_or_history
from engine.rest.task_actions import workable_task
from tasklist.attachments import (
    add_attachment,
    attachment_of,
    attachment_response,
    delete_attachment,
)
from tasklist.models import TaskAttachment


def attachment_dto(request: Request, row: TaskAttachment) -> serializers.Dto:
    """AttachmentDto."""
    return {
        "links": [
            serializers.self_link(
                request, "rest-task-attachment", task_id=row.task_id, attachment_id=str(row.pk)
            )
        ],
        "id": str(row.pk),
        "name": row.name or None,
        "description": row.description or None,
        "taskId": row.task_id,
        "type": row.type or None,
        "url": row.url,
        "createTime": format_date(row.time),
        "removalTime": None,
        "rootProcessInstanceId": row.process_instance_id,
    }


class Attachments(EngineView):
    """GET /task/{id}/attachment."""

    def get(self, request: Request, task_id: str) -> Response:
        require_read_task_or_history(request, task_id)
        rows = TaskAttachment.objects.filter(task_id=task_id).defer("content")
        return Response([attachment_dto(request, row) for row in rows])


class AttachmentCreate(EngineView):
    """POST /task/{id}/attachment/create (multipart/form-data): AttachmentDto."""

    def post(self, request: Request, task_id: str) -> Response:
        task = workable_task(request, task_id)
        upload = request.FILES.get("content")
        row = add_attachment(
            task,
            name=text_part(request, "attachment-name") or "",
            description=text_part(request, "attachment-description") or "",
            media_type=text_part(request, "attachment-type") or "",
            url=text_part(request, "url"),
            content=bytes(upload.read()) if upload is not None else None,
            user_id=user_id(request),
        )
        return Response(attachment_dto(request, row))


class AttachmentDetail(EngineView):
    """GET and DELETE /task/{id}/attachment/{attachmentId}."""

    def get(self, request: Request, task_id: str, attachment_id: str) -> Response:
        require_read_task_or_history(request, task_id)
        return Response(attachment_dto(request, attachment_of(task_id, attachment_id)))

    def delete(self, request: Request, task_id: str, attachment_id: str) -> Response:
        task = workable_task(request, task_id)
        delete_attachment(task, attachment_id, user_id=user_id(request))
        return Response(status=204)


class AttachmentData(AnyAcceptMixin, EngineView):
    """GET /task/{id}/attachment/{attachmentId}/data: the bytes (a link has none: 404)."""

    def get(self, request: Request, task_id: str, attachment_id: str) -> HttpResponse:
        require_read_task_or_history(request, task_id)
        return attachment_response(attachment_of(task_id, attachment_id))
