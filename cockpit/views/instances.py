"""The process instance page and its actions. Every action goes through an engine service,
is authorized here first, and answers with a redirect and a message in words (post/redirect/get).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cockpit.instance_view import InstanceView, load_instance
from cockpit.permissions import may, may_definition, require_history, require_instance
from cockpit.retry import retry_incident
from cockpit.variables import EDITABLE_TYPES, DeleteVariableForm, VariableForm
from cockpit.views.decisions import evaluated_decisions
from cockpit.views.errors import apply_change, cockpit_page
from engine.definitions import process_model
from engine.errors import REFUSED, AuthorizationError, NotFoundError
from engine.models import ProcessInstance, Task
from engine.runtime.modification import StartBefore
from engine.services.history_deletion import delete_historic_process_instance
from engine.services.identity_links import IdentityLink, add_identity_link, delete_identity_link
from engine.services.incidents import resolve_incident
from engine.services.restart import restart_process_instances
from engine.services.runtime import delete_process_instance, set_assignee, set_variables
from engine.services.suspension import activate_process_instance, suspend_process_instance
from identity.authorization import require_task
from identity.resources import Permission
from tasklist.access import may_start


def _load_readable(request: HttpRequest, instance_id: str) -> InstanceView:
    view = load_instance(instance_id)
    if view.running:
        require_instance(request.user, "read", instance_id, view.key)
    else:
        require_history(request.user, instance_id, view.key)
    return view


@require_GET
@cockpit_page
def instance_detail(request: HttpRequest, instance_id: str) -> HttpResponse:
    view = _load_readable(request, instance_id)
    user = request.user
    context = {
        "view": view,
        "can": {
            action: view.running and may(user, action, instance_id, view.key)
            for action in ("update_variables", "delete", "suspend", "retry", "modify")
        },
        "restart_at": _restartable(user, view),
        "can_delete_history": not view.running
        and may_definition(user, Permission.DELETE_HISTORY, view.key),
        "variable_types": EDITABLE_TYPES,
        "add_form": VariableForm(initial={"type": "String", "scope": instance_id}),
        "decisions": evaluated_decisions(user, instance_id),
    }
    # Live updates re-read only the sections; the diagram stays as it is.
    template = "cockpit/partials/instance_sections.html" if request.GET.get("part") == "sections" \
        else "cockpit/process_instance.html"
    return render(request, template, context)


def _restartable(user: object, view: InstanceView) -> list[tuple[str, str]]:
    """Where a finished instance can be restarted (nothing: the form is left out)."""
    if view.running or view.definition is None:
        return []
    return restart_targets(user, view.definition_id, view.key)


def restart_targets(user: object, definition_id: str, key: str) -> list[tuple[str, str]]:
    """(id, label) of the elements instances of a definition can be restarted before, the
    none start event first; nothing when the user may not start the definition."""
    if not may_start(user, key):
        return []
    model = process_model(definition_id)
    start = model.initial_start_event
    first = [start] if start is not None else []
    others = (n for n in model.all_nodes.values() if n is not start)
    rest = sorted(others, key=lambda n: (n.name or n.id).lower())
    return [(n.id, f"{n.name} ({n.id})" if n.name else n.id) for n in first + rest]


@require_POST
@cockpit_page
def instance_restart(request: HttpRequest, instance_id: str) -> HttpResponse:
    """Start a finished instance again before the chosen element (Camunda Cockpit EE's
    restart), with the variables it ended with or, on request, those it started with."""
    view = _load_readable(request, instance_id)
    if view.running:
        messages.error(request, "Nothing changed: the instance is still running.")
        return back_to_instance(instance_id)
    activity = request.POST.get("activity", "")
    if activity not in {node_id for node_id, _ in _restartable(request.user, view)}:
        messages.error(request, "Nothing changed: choose where the new instance starts.")
        return back_to_instance(instance_id)
    try:
        [started] = restart_process_instances(
            view.definition_id,
            [instance_id],
            [StartBefore(activity)],
            initial=request.POST.get("initial") == "yes",
            without_business_key=request.POST.get("without_business_key") == "yes",
            skip_custom_listeners=request.POST.get("skip_listeners") == "yes",
            skip_io_mappings=request.POST.get("skip_io_mappings") == "yes",
            user_id=request.user.get_username(),
        )
    except AuthorizationError:
        raise
    except REFUSED as error:
        messages.error(request, f"Nothing changed: {error}")
        return back_to_instance(instance_id)
    messages.success(request, f"Restarted as a new instance before {activity}.")
    return back_to_instance(started.id)


def back_to_instance(instance_id: str, anchor: str = "") -> HttpResponseRedirect:
    url = reverse("cockpit:instance", args=[instance_id])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _running(instance_id: str) -> ProcessInstance:
    instance = ProcessInstance.objects.filter(pk=instance_id).only(
        "id", "process_definition_id"
    ).first()
    if instance is None:
        raise NotFoundError(f"Process instance {instance_id} is not running any more.")
    return instance


def _task(task_id: str) -> Task | None:
    """The task whose own variable is edited (none: the execution's)."""
    return Task.objects.filter(pk=task_id).first() if task_id else None


def _key(instance: ProcessInstance) -> str:
    return instance.process_definition_id.split(":", 1)[0]


@require_POST
@cockpit_page
def variable_set(request: HttpRequest, instance_id: str) -> HttpResponse:
    instance = _running(instance_id)
    require_instance(request.user, "update_variables", instance_id, _key(instance))
    form = VariableForm(request.POST)
    if not form.is_valid():
        problems = "; ".join(f"{field}: {' '.join(errors)}" if field != "__all__" else
                             " ".join(errors) for field, errors in form.errors.items())
        messages.error(request, f"The variable was not saved. {problems}")
        return back_to_instance(instance_id, "variables")
    name, scope = form.cleaned_data["name"].strip(), form.cleaned_data["scope"] or instance_id
    try:
        set_variables(scope, {name: form.cleaned_data["typed"]}, local=scope != instance_id,
                      user_id=request.user.get_username(),
                      through_task=_task(form.cleaned_data["task"]))
    except REFUSED as error:
        messages.error(request, f"The variable {name} was not saved: {error}")
    else:
        messages.success(request, f"Variable {name} saved ({form.cleaned_data['type']}).")
    return back_to_instance(instance_id, "variables")


@require_POST
@cockpit_page
def variable_delete(request: HttpRequest, instance_id: str) -> HttpResponse:
    instance = _running(instance_id)
    require_instance(request.user, "update_variables", instance_id, _key(instance))
    form = DeleteVariableForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Name the variable to delete.")
        return back_to_instance(instance_id, "variables")
    name, scope = form.cleaned_data["name"], form.cleaned_data["scope"] or instance_id
    try:
        set_variables(scope, {}, removed=[name], local=scope != instance_id,
                      user_id=request.user.get_username(),
                      through_task=_task(form.cleaned_data["task"]))
    except REFUSED as error:
        messages.error(request, f"The variable {name} was not deleted: {error}")
    else:
        messages.success(request, f"Variable {name} deleted.")
    return back_to_instance(instance_id, "variables")


@require_POST
@cockpit_page
def incident_retry(request: HttpRequest, instance_id: str, incident_id: str) -> HttpResponse:
    try:
        retry_incident(incident_id, request.user)
    except AuthorizationError:
        raise
    except NotFoundError as error:
        messages.info(request, str(error))
    except REFUSED as error:
        messages.error(request, f"The retry failed: {error}")
    else:
        messages.success(request, "Retries set to 1: the job runs again now.")
    return back_to_instance(instance_id, "incidents")


@require_POST
@cockpit_page
def incident_resolve(request: HttpRequest, instance_id: str, incident_id: str) -> HttpResponse:
    """Resolve a custom incident (one raised through /execution/{id}/create-incident); the
    service checks UPDATE on the instance."""
    user = request.user.get_username()
    apply_change(request, lambda: resolve_incident(incident_id, user_id=user),
                 "Incident resolved.")
    return back_to_instance(instance_id, "incidents")


@require_POST
@cockpit_page
def task_assignee(request: HttpRequest, instance_id: str, task_id: str) -> HttpResponse:
    from identity.authorization import TaskInvolvement

    task = Task.objects.filter(pk=task_id, process_instance_id=instance_id).first()
    if task is None:
        raise NotFoundError(f"Task {task_id} is not open any more.")
    involvement = TaskInvolvement(assignee=task.assignee, owner=task.owner)
    key = task.process_definition_id.split(":", 1)[0]
    require_task(request.user, Permission.TASK_ASSIGN, task_id, involvement, key)
    assignee = request.POST.get("assignee", "").strip()[:150] or None
    try:
        set_assignee(task_id, assignee, user_id=request.user.get_username())
    except REFUSED as error:
        messages.error(request, f"The assignee was not changed: {error}")
    else:
        name = task.name or task.task_definition_key
        messages.success(request, f"Task {name} assigned to {assignee or 'nobody'}.")
    return back_to_instance(instance_id, "tasks")


@require_POST
@cockpit_page
def task_candidate_groups(request: HttpRequest, instance_id: str, task_id: str) -> HttpResponse:
    """Offer an open task to a group, or take the offer back (`remove`); the service checks
    TASK_ASSIGN on the task."""
    task = Task.objects.filter(pk=task_id, process_instance_id=instance_id).first()
    if task is None:
        raise NotFoundError(f"Task {task_id} is not open any more.")
    group = request.POST.get("group", "").strip()[:150]
    if not group:
        messages.error(request, "Name the candidate group.")
        return back_to_instance(instance_id, "tasks")
    link = IdentityLink("candidate", group_id=group)
    me = request.user.get_username()
    removing = "remove" in request.POST
    try:
        if removing:
            delete_identity_link(task_id, link, user_id=me)
        else:
            add_identity_link(task_id, link, user_id=me)
    except REFUSED as error:
        messages.error(request, f"The candidate groups were not changed: {error}")
    else:
        name = task.name or task.task_definition_key
        done = f"no longer offered to {group}" if removing else f"offered to {group}"
        messages.success(request, f"Task {name} {done}.")
    return back_to_instance(instance_id, "tasks")


@require_POST
@cockpit_page
def instance_cancel(request: HttpRequest, instance_id: str) -> HttpResponse:
    instance = _running(instance_id)
    require_instance(request.user, "delete", instance_id, _key(instance))
    reason = request.POST.get("reason", "").strip()[:4000]
    if not reason or request.POST.get("confirm") != "yes":
        messages.error(request, "Nothing was canceled: give a reason and confirm.")
        return back_to_instance(instance_id, "cancel")
    try:
        delete_process_instance(
            instance_id, reason, user_id=request.user.get_username(),
            skip_custom_listeners=request.POST.get("skip_listeners") == "yes",
            skip_io_mappings=request.POST.get("skip_io_mappings") == "yes",
        )
    except REFUSED as error:
        messages.error(request, f"The instance was not canceled: {error}")
    else:
        messages.success(request, f"Instance canceled: {reason}")
    return back_to_instance(instance_id)


@require_POST
@cockpit_page
def instance_suspension(request: HttpRequest, instance_id: str) -> HttpResponse:
    instance = _running(instance_id)
    require_instance(request.user, "suspend", instance_id, _key(instance))
    suspend = request.POST.get("action") == "suspend"
    change = suspend_process_instance if suspend else activate_process_instance
    try:
        change(instance_id, user_id=request.user.get_username())
    except REFUSED as error:
        messages.error(request, f"Nothing changed: {error}")
    else:
        messages.success(request, "Instance suspended." if suspend else "Instance resumed.")
    return back_to_instance(instance_id)


@require_POST
@cockpit_page
def instance_history_delete(request: HttpRequest, instance_id: str) -> HttpResponse:
    """Delete a finished instance's history (DELETE_HISTORY on its definition, checked by
    the service); then back to the processes."""
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Nothing was deleted: confirm first.")
        return back_to_instance(instance_id, "delete-history")
    try:
        delete_historic_process_instance(instance_id, user_id=request.user.get_username())
    except AuthorizationError:
        raise
    except REFUSED as error:
        messages.error(request, f"The history was not deleted: {error}")
        return back_to_instance(instance_id, "delete-history")
    messages.success(request, f"The history of instance {instance_id} was deleted.")
    return redirect("cockpit:processes")
