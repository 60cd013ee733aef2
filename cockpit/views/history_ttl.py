"""Camunda Cockpit's "edit History Time To Live" of a process or a decision definition: days
after an instance (or an evaluation) ends, or empty for ever. UPDATE on the definition."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from cockpit.views.errors import apply_change, cockpit_page
from engine.models import DecisionDefinition, ProcessDefinition
from engine.queries import get_process_definition
from engine.queries.decisions import get_decision_definition
from engine.services.history_ttl import set_history_time_to_live


@require_POST
@cockpit_page
def definition_history_ttl(request: HttpRequest, definition_id: str) -> HttpResponse:
    return _change(request, get_process_definition(definition_id), "cockpit:definition")


@require_POST
@cockpit_page
def decision_history_ttl(request: HttpRequest, definition_id: str) -> HttpResponse:
    return _change(request, get_decision_definition(definition_id), "cockpit:decision")


def _change(
    request: HttpRequest, definition: ProcessDefinition | DecisionDefinition, page: str
) -> HttpResponse:
    text = request.POST.get("days", "").strip()
    if text and not text.isdigit():
        messages.error(request, f"Nothing changed: “{text}” is not a whole number of days.")
        return redirect(page, definition.id)
    days = int(text) if text else None
    shown = f"{days} day{'' if days == 1 else 's'}" if days is not None else "for ever"
    apply_change(
        request,
        lambda: set_history_time_to_live(
            definition, days, user_id=request.user.get_username()
        ),
        f"History of version {definition.version} is kept {shown}.",
    )
    return redirect(page, definition.id)
