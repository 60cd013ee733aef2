"""Creating a standalone task from the tasklist (Camunda Tasklist's "Create task"), and a
subtask from its parent's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from engine.errors import REFUSED
from engine.services.standalone_tasks import create_task
from identity.tenants import tenants_of_user
from tasklist.access import may_create_tasks, refuse
from tasklist.views.task import forbidden, form_date, gone, load

MAX_NAME = 255


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """GET: the form; POST: create the task and open it. Its creator owns it (and so keeps
    it in sight when it goes to someone else) and is its assignee unless they name another."""
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405)
    if not may_create_tasks(request.user):
        return forbidden(request, "You may not create tasks: that needs CREATE on tasks.")
    me = request.user.get_username()
    # Camunda Tasklist offers the tenants the user belongs to (and none).
    tenants = list(tenants_of_user(me, including_groups=True).order_by("id"))
    values = {"name": "", "description": "", "assignee": me, "due_date": "", "priority": "50",
              "tenant_id": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {key: request.POST.get(key, "").strip() for key in values}
        task_fields = _read(values, errors)
        if values["tenant_id"] and values["tenant_id"] not in {t.id for t in tenants}:
            errors["tenant_id"] = "Choose one of your tenants."
        task_fields["tenant_id"] = values["tenant_id"] or None
        if not errors:
            try:
                task_id = create_task(owner=me, user_id=me, **task_fields)
            except REFUSED as error:
                messages.error(request, f"Could not create the task: {error}")
            else:
                messages.success(request, f"Task “{values['name']}” created.")
                return redirect("tasklist:task", task_id=task_id)
    status = 422 if errors else 200
    context = {"values": values, "errors": errors, "tenants": tenants}
    return render(request, "tasklist/create_task.html", context, status=status)


@require_POST
@login_required
def create_subtask(request: HttpRequest, task_id: str) -> HttpResponse:
    """A subtask of the task whose page this is (Camunda: a new task with a parent task),
    owned by its creator and assigned as they say; back to the parent's page."""
    parent, rights = load(request, task_id)
    if parent is None or rights is None:
        return gone(request, task_id)
    if not rights.read:
        return forbidden(request, str(refuse(request.user, "see", parent)))
    if not may_create_tasks(request.user):
        return forbidden(request, "You may not create subtasks: that needs CREATE on tasks.")
    me = request.user.get_username()
    name = request.POST.get("name", "").strip()
    assignee = request.POST.get("assignee", "").strip()[:150] or None
    if not name or len(name) > MAX_NAME:
        messages.error(request, f"Give the subtask a name of at most {MAX_NAME} characters.")
        return redirect("tasklist:task", task_id=task_id)
    try:
        create_task(name=name, assignee=assignee, owner=me, parent_task_id=task_id, user_id=me)
    except REFUSED as error:
        messages.error(request, f"Could not create the subtask: {error}")
    else:
        messages.success(request, f"Subtask “{name}” created.")
    return redirect("tasklist:task", task_id=task_id)


def _read(values: dict[str, str], errors: dict[str, str]) -> dict[str, object]:
    """The task's fields from the posted form; what is wrong goes into `errors`."""
    if not values["name"]:
        errors["name"] = "Give the task a name."
    elif len(values["name"]) > MAX_NAME:
        errors["name"] = f"A name can be at most {MAX_NAME} characters long."
    try:
        due = form_date(values["due_date"])
    except ValueError:
        errors["due_date"] = "Not a date; use the date picker."
        due = None
    try:
        priority = int(values["priority"] or 50)
    except ValueError:
        errors["priority"] = "The priority is a whole number (50 is normal)."
        priority = 50
    return {
        "name": values["name"],
        "description": values["description"] or None,
        "assignee": values["assignee"][:150] or None,
        "due_date": due,
        "priority": priority,
    }
