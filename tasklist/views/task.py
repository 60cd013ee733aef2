"""A task's page and its actions: claim, unclaim, assign, delegate, dates, comments, diagram."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_GET, require_POST

from engine.errors import REFUSED, NotFoundError
from engine.models import (
    HistoricActivityInstance,
    ProcessDefinition,
    ProcessInstance,
    Task,
    TaskCandidate,
)
from engine.queries import get_process_definition_xml
from engine.services import runtime
from engine.services.identity_links import IdentityLink, add_identity_link, delete_identity_link
from engine.services.standalone_tasks import sub_tasks
from tasklist import comments, embedded_forms, generated_forms, generic_form
from tasklist.access import TaskRights, may_create_tasks, refuse, visible
from tasklist.comments import MAX_COMMENT, delete_comment
from tasklist.form_keys import external_link
from tasklist.models import TaskAttachment, TaskComment
from tasklist.task_forms import FormSpec, task_form


def optional_service(name: str) -> Callable[..., Any] | None:
    """Engine services the lead adds in engine/services/runtime.py; until they exist the page
    leaves their actions out instead of failing."""
    found = getattr(runtime, name, None)
    return found if callable(found) else None


def gone(request: HttpRequest, task_id: str) -> HttpResponse:
    context = {
        "message": "This task no longer exists: it was completed or its process was cancelled."
    }
    return render(request, "tasklist/not_found.html", context, status=404)


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "tasklist/forbidden.html", {"message": message}, status=403)


def task_context(
    request: HttpRequest,
    task: Task,
    rights: TaskRights,
    *,
    spec: FormSpec | None = None,
    submitted: Any = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    spec = spec or task_form(task)
    fields = []
    generic_rows = generic_form.rows_for_page(submitted) if spec.kind == "none" else []
    if spec.kind == "generated":
        fields = generated_forms.field_views(
            spec.fields, spec.values, submitted=submitted, errors=errors
        )
    me = request.user.get_username()
    embedded_markup = ""
    if spec.embedded is not None:
        embedded_markup = embedded_forms.render(
            spec.embedded,
            spec.typed,
            submitted=submitted,
            errors=errors,
            disabled=task.assignee != me,
            file_url=lambda name: reverse("tasklist:variable-file", args=[task.id, name]),
        )
    external = ""
    if spec.kind == "external":
        back = request.build_absolute_uri(reverse("tasklist:task", args=[task.id]))
        external = external_link(spec.address, taskId=task.id, callbackUrl=back)
    definition = ProcessDefinition.objects.filter(pk=task.process_definition_id).first()
    instance = ProcessInstance.objects.filter(pk=task.process_instance_id).first()
    history = HistoricActivityInstance.objects.filter(
        process_instance_id=task.process_instance_id or ""  # none for a standalone task
    ).order_by("start_time", "sequence_counter", "id")
    return {
        "task": task,
        "rights": rights,
        "mine": task.assignee == me,
        "locked": task.assignee != me,
        "definition": definition,
        "business_key": instance.business_key if instance else None,
        "form": spec,
        "fields": fields,
        "generic_rows": generic_rows,
        "generic_types": generic_form.TYPES,
        "form_errors": errors or {},
        "embedded_markup": embedded_markup,
        "external_link": external,
        "comments": TaskComment.objects.filter(task_id=task.id),
        "attachments": TaskAttachment.objects.filter(task_id=task.id).defer("content"),
        "task_log": task_log(request, task.id),
        "candidates": list(
            TaskCandidate.objects.filter(task_id=task.id)
            .order_by("id")
            .values_list("user_id", "group_id")
        ),
        "history": list(history[:200]),
        "now": timezone.now(),
        "can_delegate": optional_service("delegate_task") is not None,
        "can_resolve": optional_service("resolve_task") is not None,
        "can_update": optional_service("update_task") is not None,
        **family(request, task),
    }


def family(request: HttpRequest, task: Task) -> dict[str, Any]:
    """The task's parent and its subtasks, as far as the user may see them, and whether they
    may add a subtask (CREATE on tasks, as for any task of no process)."""
    subtasks = sub_tasks(task.id)
    ids = [t.id for t in subtasks] + ([task.parent_task_id] if task.parent_task_id else [])
    seen = set(Task.objects.filter(visible(request.user), pk__in=ids).values_list("id", flat=True))
    parent = Task.objects.filter(pk=task.parent_task_id).first() if task.parent_task_id else None
    return {
        "parent": parent,
        "parent_visible": parent is not None and parent.id in seen,
        "subtasks": [t for t in subtasks if t.id in seen],
        "hidden_subtasks": sum(1 for t in subtasks if t.id not in seen),
        "can_add_subtask": may_create_tasks(request.user),
    }


@require_GET
@login_required
def subtasks(request: HttpRequest, task_id: str) -> HttpResponse:
    """The task page's list of subtasks alone (live updates re-fetch it)."""
    task, rights = load(request, task_id)
    if task is None or rights is None:
        return HttpResponse(status=404)  # the page's own notice says the task is gone
    if not rights.read:
        return HttpResponse(status=403)
    context = {"task": task, **family(request, task)}
    return render(request, "tasklist/partials/subtasks.html", context)


def task_log(request: HttpRequest, task_id: str) -> list[dict[str, Any]]:
    """Camunda Tasklist's History tab: the operations on the task, newest first, each with
    the properties it changed; what the user may read of the operation log only."""
    from engine.rest.history_logs import filter_user_operations

    rows = filter_user_operations(request, {"taskId": task_id}).order_by("-timestamp", "-id")
    operations: dict[str, dict[str, Any]] = {}
    for row in rows[:200]:
        entry = operations.setdefault(
            row.operation_id,
            {"type": row.operation_type, "user": row.user_id, "time": row.timestamp, "changes": []},
        )
        if row.property:
            entry["changes"].append((row.property, row.org_value, row.new_value))
    return list(operations.values())


def load(request: HttpRequest, task_id: str) -> tuple[Task | None, TaskRights | None]:
    task = Task.objects.filter(pk=task_id).first()
    if task is None:
        return None, None
    return task, TaskRights(request.user, task)


@require_GET
@login_required
def task_detail(request: HttpRequest, task_id: str) -> HttpResponse:
    task, rights = load(request, task_id)
    if task is None or rights is None:
        return gone(request, task_id)
    if not rights.read:
        return forbidden(request, str(refuse(request.user, "see", task)))
    return render(request, "tasklist/task.html", task_context(request, task, rights))


def act_on_task(
    request: HttpRequest,
    task_id: str,
    needs: str,
    action: str,
    run: Callable[[Task], str],
) -> HttpResponse:
    """Check the right, run the engine service, say what happened in words, back to the task."""
    task, rights = load(request, task_id)
    if task is None or rights is None:
        return gone(request, task_id)
    if not getattr(rights, needs):
        messages.error(request, str(refuse(request.user, action, task)))
        return redirect("tasklist:task", task_id=task_id)
    try:
        messages.success(request, run(task))
    except NotFoundError:
        return gone(request, task_id)
    except REFUSED as error:
        messages.error(request, f"Could not {action} the task: {error}")
    if not Task.objects.filter(pk=task_id).exists():
        return redirect("tasklist:tasks")
    return redirect("tasklist:task", task_id=task_id)


@require_POST
@login_required
def claim(request: HttpRequest, task_id: str) -> HttpResponse:
    me = request.user.get_username()

    def run(task: Task) -> str:
        runtime.claim_task(task.id, me, user_id=me)
        return f"You claimed “{task.name or task.id}”."

    return act_on_task(request, task_id, "work", "claim", run)


@require_POST
@login_required
def unclaim(request: HttpRequest, task_id: str) -> HttpResponse:
    me = request.user.get_username()

    def run(task: Task) -> str:
        runtime.unclaim_task(task.id, user_id=me)
        return f"“{task.name or task.id}” is unclaimed and back in the group list."

    return act_on_task(request, task_id, "work", "unclaim", run)


@require_POST
@login_required
def assign(request: HttpRequest, task_id: str) -> HttpResponse:
    me = request.user.get_username()
    assignee = request.POST.get("assignee", "").strip()[:150] or None

    def run(task: Task) -> str:
        runtime.set_assignee(task.id, assignee, user_id=me)
        return f"Assigned to {assignee}." if assignee else "The task has no assignee now."

    return act_on_task(request, task_id, "assign", "assign", run)


@require_POST
@login_required
def delegate(request: HttpRequest, task_id: str) -> HttpResponse:
    me = request.user.get_username()
    assignee = request.POST.get("assignee", "").strip()[:150]
    service = optional_service("delegate_task")
    if service is None or not assignee:
        messages.error(request, "Name the person to delegate the task to.")
        return redirect("tasklist:task", task_id=task_id)

    def run(task: Task) -> str:
        service(task.id, assignee, user_id=me)
        return f"Delegated to {assignee}; it comes back to the owner when resolved."

    return act_on_task(request, task_id, "assign", "delegate", run)


@require_POST
@login_required
def candidates(request: HttpRequest, task_id: str) -> HttpResponse:
    """Offer the task to a user or group, or take the offer back (`remove`)."""
    me = request.user.get_username()
    kind = request.POST.get("kind", "group")
    name = request.POST.get("name", "").strip()[:150]
    if kind not in ("user", "group") or not name:
        messages.error(request, "Name the user or group to offer the task to.")
        return redirect("tasklist:task", task_id=task_id)
    removing = "remove" in request.POST
    link = IdentityLink("candidate", **{f"{kind}_id": name})

    def run(task: Task) -> str:
        if removing:
            delete_identity_link(task.id, link, user_id=me)
            return f"The {kind} {name} is no longer a candidate."
        add_identity_link(task.id, link, user_id=me)
        return f"Offered to the {kind} {name}."

    return act_on_task(request, task_id, "assign", "change the candidates of", run)


def form_date(text: str) -> datetime | None:
    """An HTML date or datetime-local input value, in the server's time zone."""
    text = text.strip()
    if not text:
        return None
    parsed = parse_datetime(text)
    if parsed is None:
        day = parse_date(text)
        if day is None:
            raise ValueError(text)
        parsed = datetime(day.year, day.month, day.day)
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


@require_POST
@login_required
def set_dates(request: HttpRequest, task_id: str) -> HttpResponse:
    me = request.user.get_username()
    service = optional_service("update_task")
    try:
        due = form_date(request.POST.get("due_date", ""))
        follow_up = form_date(request.POST.get("follow_up_date", ""))
    except ValueError as error:
        messages.error(request, f"“{error}” is not a date; use the date picker (YYYY-MM-DD).")
        return redirect("tasklist:task", task_id=task_id)
    if service is None:
        messages.error(request, "Setting dates is not available on this server yet.")
        return redirect("tasklist:task", task_id=task_id)

    def run(task: Task) -> str:
        service(task.id, due_date=due, follow_up_date=follow_up, user_id=me)
        return "Due and follow-up dates saved."

    return act_on_task(request, task_id, "work", "change the dates of", run)


@require_POST
@login_required
def add_comment(request: HttpRequest, task_id: str) -> HttpResponse:
    message = request.POST.get("message", "").strip()
    if not message:
        messages.error(request, "Write a comment before adding it.")
        return redirect("tasklist:task", task_id=task_id)
    if len(message) > MAX_COMMENT:
        messages.error(request, f"A comment can be at most {MAX_COMMENT} characters long.")
        return redirect("tasklist:task", task_id=task_id)

    def run(task: Task) -> str:
        comments.add_comment(task, message, user_id=request.user.get_username())
        return "Comment added."

    return act_on_task(request, task_id, "work", "comment on", run)


@require_POST
@login_required
def remove_comment(request: HttpRequest, task_id: str, comment_id: str) -> HttpResponse:
    def run(task: Task) -> str:
        delete_comment(task, comment_id, user_id=request.user.get_username())
        return "Comment deleted."

    return act_on_task(request, task_id, "work", "delete a comment on", run)


@require_GET
@login_required
def diagram_xml(request: HttpRequest, task_id: str) -> HttpResponse:
    """The BPMN XML of the task's process, for its bpmn-js diagram (read right on the task)."""
    task, rights = load(request, task_id)
    if task is None or rights is None or not rights.read or task.process_definition_id is None:
        return HttpResponse("No such task.", status=404, content_type="text/plain; charset=utf-8")
    xml = get_process_definition_xml(task.process_definition_id)
    response = HttpResponse(xml, content_type="application/xml")
    response["Cache-Control"] = "private, max-age=300"
    return response
