"""The Job definitions section of a process definition's page: what jobs its activities make,
suspending or activating them and overriding their jobs' priority (with their existing jobs,
on request)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from cockpit.scheduling import NotADate, form_date
from cockpit.views.errors import apply_change, cockpit_page
from engine import definitions
from engine.errors import NotFoundError
from engine.models import JobDefinition, ProcessDefinition
from engine.queries import get_process_definition
from engine.services.job_definitions import (
    set_job_definition_priority,
    set_job_definition_suspended,
)


@dataclass(frozen=True)
class JobDefinitionRow:
    row: JobDefinition
    activity_name: str | None


def job_definition_rows(definition: ProcessDefinition) -> list[JobDefinitionRow]:
    """The definition's job definitions in activity order, with their activities' names."""
    model = definitions.process_model(definition.id)
    rows = JobDefinition.objects.filter(process_definition_id=definition.id)
    return [
        JobDefinitionRow(row, node.name if (node := model.find_node(row.activity_id)) else None)
        for row in rows.order_by("activity_id", "job_configuration")
    ]


def _job_definition(definition_id: str, job_definition_id: str) -> ProcessDefinition:
    definition = get_process_definition(definition_id)
    row = JobDefinition.objects.filter(pk=job_definition_id, process_definition_id=definition.id)
    if not row.exists():
        raise NotFoundError(f"Job definition {job_definition_id} does not exist")
    return definition


def _section(definition: ProcessDefinition) -> HttpResponse:
    return redirect(reverse("cockpit:definition", args=[definition.id]) + "#job-definitions")


@require_POST
@cockpit_page
def job_definition_priority(
    request: HttpRequest, definition_id: str, job_definition_id: str
) -> HttpResponse:
    """Override the priority of the jobs it creates (empty: their activity's again)."""
    definition = _job_definition(definition_id, job_definition_id)
    text = request.POST.get("priority", "").strip()
    try:
        priority = int(text) if text else None
    except ValueError:
        messages.error(request, f"Nothing changed: '{text}' is not a whole number.")
        return _section(definition)
    include_jobs = request.POST.get("include_jobs") == "yes"
    apply_change(
        request,
        lambda: set_job_definition_priority(
            job_definition_id, priority, include_jobs=include_jobs,
            user_id=request.user.get_username(),
        ),
        f"Jobs of this definition now get priority {priority}."
        if priority is not None else "The overriding priority is cleared.",
    )
    return _section(definition)


@require_POST
@cockpit_page
def job_definition_suspension(
    request: HttpRequest, definition_id: str, job_definition_id: str
) -> HttpResponse:
    definition = _job_definition(definition_id, job_definition_id)
    suspend = request.POST.get("action") == "suspend"
    include_jobs = request.POST.get("include_jobs") == "yes"
    try:
        at = form_date(request.POST.get("at", ""))
    except NotADate as error:
        messages.error(request, f"Nothing changed: {error}.")
        return _section(definition)
    what = "suspended" if suspend else "activated"
    extra = " with its jobs" if include_jobs else ""
    apply_change(
        request,
        lambda: set_job_definition_suspended(
            job_definition_id,
            suspend,
            include_jobs=include_jobs,
            at=at,
            user_id=request.user.get_username(),
        ),
        f"Job definition will be {what}{extra} at {at:%Y-%m-%d %H:%M} UTC." if at is not None
        else f"Job definition {what}{extra}.",
    )
    return _section(definition)
