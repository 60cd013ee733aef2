"""OpenAPI of a task's attachments (`/task/{id}/attachment`) and of changing the comments of a
task or of a process instance."""

from __future__ import annotations

from typing import Any

from engine.rest.openapi_runtime import _ERROR, _NO_CONTENT, _array_of, _json, _ref, dto

Schema = dict[str, Any]

ATTACHMENT_SCHEMAS: dict[str, Schema] = {
    "AttachmentDto": dto(
        "links:a id:S name:s description:s taskId:S type:s url:s createTime:d removalTime:d "
        "rootProcessInstanceId:s"
    ),
}
ATTACHMENT_PATH_PARAMETER_NAMES = {"attachment_id": "attachmentId"}

_MULTIPART = {"content": {"multipart/form-data": {"schema": {
    "type": "object",
    "properties": {
        "attachment-name": {"type": "string"},
        "attachment-description": {"type": "string"},
        "attachment-type": {"type": "string"},
        "url": {"type": "string"},
        "content": {"type": "string", "format": "binary"},
    },
}}}}

_COMMENT_CHANGE = {"content": {"application/json": {"schema": {"type": "object", "properties": {
    "id": {"type": "string"}, "message": {"type": "string"}}}}}}


def operations() -> list[Any]:
    from engine.rest.openapi import Operation

    errors = {"400": _ERROR, "403": _ERROR, "404": _ERROR}
    base = "task/<str:task_id>/attachment"
    pi = "process-instance/<str:instance_id>/comment"
    one = f"{base}/<str:attachment_id>"
    return [
        Operation(base, "get", "getAttachments", "The task's attachments",
                  {"200": _json(_array_of("AttachmentDto")), **errors}),
        Operation(f"{base}/create", "post", "addAttachment",
                  "Attach a file (content) or a link (url) to a task",
                  {"200": _json(_ref("AttachmentDto")), **errors}, request_body=_MULTIPART),
        Operation(one, "get", "getAttachment", "One attachment",
                  {"200": _json(_ref("AttachmentDto")), **errors}),
        Operation(one, "delete", "deleteAttachment", "Remove an attachment",
                  {**_NO_CONTENT, **errors}),
        Operation("task/comment", "put", "updateTaskCommentByBody",
                  "Change a comment of a task `{id, taskId, message}`",
                  {**_NO_CONTENT, **errors}, request_body={"content": {"application/json": {
                      "schema": {"type": "object", "properties": {
                          "id": {"type": "string"}, "taskId": {"type": "string"},
                          "message": {"type": "string"}}}}}}),
        Operation("task/<str:task_id>/comment", "put", "updateTaskComment",
                  "Change a comment of the task `{id, message}` (400: unknown comment)",
                  {**_NO_CONTENT, **errors}, request_body=_COMMENT_CHANGE),
        Operation(pi, "get", "getProcessInstanceComments", "The comments on the instance's tasks",
                  {"200": _json(_array_of("CommentDto")), **errors}),
        Operation(pi, "put", "updateProcessInstanceComment",
                  "Change a comment of a running instance `{id, message}` (400: unknown "
                  "comment or finished instance)", {**_NO_CONTENT, **errors},
                  request_body=_COMMENT_CHANGE),
        Operation(pi, "delete", "deleteProcessInstanceComments",
                  "Delete every comment of a running instance", {**_NO_CONTENT, **errors}),
        Operation(f"{pi}/<str:comment_id>", "delete", "deleteProcessInstanceComment",
                  "Delete one comment of a running instance (an unknown one: nothing)",
                  {**_NO_CONTENT, **errors}),
        Operation("task/<str:task_id>/comment", "delete", "deleteTaskComments",
                  "Delete every comment of a task", {**_NO_CONTENT, **errors}),
        Operation("task/<str:task_id>/comment/<str:comment_id>", "delete", "deleteTaskComment",
                  "Delete one comment of a task", {**_NO_CONTENT, **errors}),
        Operation(f"{one}/data", "get", "getAttachmentData", "An attached file's bytes",
                  {"200": {"description": "The bytes", "content": {"application/octet-stream": {
                      "schema": {"type": "string", "format": "binary"}}}}, **errors}),
    ]
