"""A task's attachments on its page: attach a file or a link, download, remove; and the files
its variables hold (an embedded form's `cam-file-download` links). Reading needs what reading
the task needs; attaching and removing what working on it needs."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from engine.errors import NotFoundError
from engine.models import Task
from engine.queries import get_task_variables
from tasklist.access import refuse
from tasklist.attachments import (
    add_attachment,
    attachment_of,
    attachment_response,
    delete_attachment,
    variable_file_response,
)
from tasklist.views.task import act_on_task, forbidden, gone, load


@require_POST
@login_required
def attach(request: HttpRequest, task_id: str) -> HttpResponse:
    upload = request.FILES.get("file")
    url = request.POST.get("url", "").strip()
    name = request.POST.get("name", "").strip() or (upload.name if upload else url)

    def run(task: Task) -> str:
        add_attachment(
            task,
            name=name,
            description=request.POST.get("description", "").strip(),
            media_type=(upload.content_type or "") if upload else "",
            url=url or None,
            content=bytes(upload.read()) if upload else None,
            user_id=request.user.get_username(),
        )
        return f"Attached “{name}”."

    return act_on_task(request, task_id, "work", "attach to", run)


@require_POST
@login_required
def remove(request: HttpRequest, task_id: str, attachment_id: str) -> HttpResponse:
    def run(task: Task) -> str:
        delete_attachment(task, attachment_id, user_id=request.user.get_username())
        return "Attachment removed."

    return act_on_task(request, task_id, "work", "remove an attachment from", run)


def _read_task(
    request: HttpRequest, task_id: str, serve: Callable[[Task], HttpResponse]
) -> HttpResponse:
    """`serve(task)` for whoever may see the task; a missing one is gone, an unknown or
    missing file a 404 page."""
    task, rights = load(request, task_id)
    if task is None or rights is None:
        return gone(request, task_id)
    if not rights.read:
        return forbidden(request, str(refuse(request.user, "see", task)))
    try:
        return serve(task)
    except NotFoundError as error:
        return render(request, "tasklist/not_found.html", {"message": str(error)}, status=404)


@require_GET
@login_required
def download(request: HttpRequest, task_id: str, attachment_id: str) -> HttpResponse:
    return _read_task(
        request, task_id, lambda _task: attachment_response(attachment_of(task_id, attachment_id))
    )


@require_GET
@login_required
def variable_file(request: HttpRequest, task_id: str, name: str) -> HttpResponse:
    """The File (or Bytes) variable `name` as the task sees it."""

    def serve(task: Task) -> HttpResponse:
        typed = get_task_variables(task).get(name)
        if typed is None or typed.type not in ("File", "Bytes") or typed.value is None:
            raise NotFoundError(f"The task has no file in the variable '{name}'.")
        return variable_file_response(name, typed)

    return _read_task(request, task_id, serve)
