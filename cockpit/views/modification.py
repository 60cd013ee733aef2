"""Modify a running instance: cancel activity instances and start activities elsewhere, with a
preview of the direct changes before the operator confirms (Camunda Cockpit's "Modify")."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cockpit.permissions import may, require_instance
from cockpit.views.errors import cockpit_page
from engine import definitions
from engine.bpmn.model import GATEWAY_KINDS, NodeKind
from engine.errors import REFUSED, EngineError, NotFoundError
from engine.models import ProcessInstance
from engine.queries import activity_instance_tree
from engine.runtime.modification import (
    CancelActivityInstance,
    CancelTransitionInstance,
    Instruction,
    StartAfter,
    StartBefore,
)
from engine.runtime.queries import ActivityInstance
from engine.services.modification import modify_process_instance, preview_modification

# Elements an operator may start a token before: what Camunda's cockpit offers, less the
# elements that make no sense to enter directly.
_NOT_STARTABLE = frozenset({NodeKind.START_EVENT, NodeKind.BOUNDARY_EVENT}) | GATEWAY_KINDS


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


# A cancel choice naming a transition instance (a token waiting for its async continuation,
# typically the stuck step of an incident) rather than an activity instance.
_TRANSITION = "transition:"


def _active_choices(node: ActivityInstance) -> list[Choice]:
    found = []
    for child in node.children:
        label = f"{child.activity_name or child.activity_id} ({child.activity_id})"
        found.append(Choice(child.id, label))
        found.extend(_active_choices(child))
    for waiting in node.transitions:
        label = f"{waiting.activity_name or waiting.activity_id} ({waiting.activity_id}, waiting)"
        found.append(Choice(_TRANSITION + waiting.id, label))
    return found


def _cancel(choice: str) -> Instruction:
    if choice.startswith(_TRANSITION):
        return CancelTransitionInstance(choice.removeprefix(_TRANSITION))
    return CancelActivityInstance(choice)


def _start_choices(definition_id: str) -> list[Choice]:
    process = definitions.process_model(definition_id)
    nodes = [n for n in process.all_nodes.values() if n.kind not in _NOT_STARTABLE]
    return [Choice(n.id, f"{n.name or n.id} ({n.id})") for n in sorted(nodes, key=lambda n: n.id)]


def _instructions(request: HttpRequest) -> list[Instruction]:
    cancel = request.POST.getlist("cancel")
    before = [s for s in request.POST.getlist("start_before") if s]
    after = [s for s in request.POST.getlist("start_after") if s]
    return (
        [_cancel(c) for c in cancel]
        + [StartBefore(s) for s in before]
        + [StartAfter(s) for s in after]
    )


@require_http_methods(["GET", "POST"])
@cockpit_page
def instance_modify(request: HttpRequest, instance_id: str) -> HttpResponse:
    instance = ProcessInstance.objects.filter(pk=instance_id).first()
    if instance is None:
        raise NotFoundError(f"Process instance {instance_id} is not running any more.")
    key = instance.process_definition_id.split(":", 1)[0]
    require_instance(request.user, "modify", instance_id, key)
    context: dict[str, object] = {
        "instance": instance,
        "active": _active_choices(activity_instance_tree(instance_id)),
        "startable": _start_choices(instance.process_definition_id),
        "chosen_cancel": request.POST.getlist("cancel"),
        "chosen_start": request.POST.getlist("start_before"),
        "chosen_after": request.POST.getlist("start_after"),
        "annotation": request.POST.get("annotation", ""),
        # Camunda's skipCustomListeners / skipIoMappings of the activities started and ended
        "skip_listeners": request.POST.get("skip_listeners") == "yes",
        "skip_mappings": request.POST.get("skip_mappings") == "yes",
    }
    if request.method == "POST":
        instructions = _instructions(request)
        user_id = request.user.get_username()
        try:
            if not instructions:
                raise EngineError("Choose an activity to cancel or one to start.")
            if request.POST.get("action") == "apply" and request.POST.get("confirm") == "yes":
                modify_process_instance(
                    instance_id,
                    instructions,
                    annotation=request.POST.get("annotation") or None,
                    user_id=user_id,
                    skip_custom_listeners=bool(context["skip_listeners"]),
                    skip_io_mappings=bool(context["skip_mappings"]),
                )
                messages.success(request, "The instance was modified.")
                return redirect(reverse("cockpit:instance", args=[instance_id]))
            context["preview"] = preview_modification(instance_id, instructions, user_id=user_id)
        except REFUSED as error:
            context["error"] = str(error)
    context["may_modify"] = may(request.user, "modify", instance_id, key)
    return render(request, "cockpit/modify.html", context)
