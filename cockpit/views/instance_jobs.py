"""What Camunda's Cockpit offers on an instance's jobs and incidents beside a retry: move a
job's due date, suspend or activate it, annotate an incident. The engine services check the
permissions (UPDATE or SUSPEND on the instance, or their *_INSTANCE on its definition)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from cockpit.views.errors import cockpit_page
from cockpit.views.instances import back_to_instance
from engine.errors import AuthorizationError, EngineError
from engine.services.incidents import set_incident_annotation
from engine.services.jobs import set_job_due_date, set_job_suspended


def _apply(request: HttpRequest, change: Callable[[], None], done: str, failed: str) -> None:
    try:
        change()
    except AuthorizationError:
        raise
    except EngineError as error:
        messages.error(request, f"{failed}: {error}")
    else:
        messages.success(request, done)


@require_POST
@cockpit_page
def job_due_date(request: HttpRequest, instance_id: str, job_id: str) -> HttpResponse:
    """`due` as the browser's datetime-local (read as UTC, as the page shows times), or
    empty: due now."""
    text = request.POST.get("due", "").strip()
    due = parse_datetime(text) if text else None
    if text and due is None:
        messages.error(request, f"Nothing changed: '{text}' is not a date and time.")
        return back_to_instance(instance_id, "jobs")
    if due is not None and due.tzinfo is None:
        due = due.replace(tzinfo=UTC)
    user = request.user.get_username()
    _apply(request, lambda: set_job_due_date(job_id, due, user_id=user),
           f"The job is due {due:%Y-%m-%d %H:%M} UTC." if due else "The job is due now.",
           "The due date was not changed")
    return back_to_instance(instance_id, "jobs")


@require_POST
@cockpit_page
def job_suspension(request: HttpRequest, instance_id: str, job_id: str) -> HttpResponse:
    suspend = request.POST.get("action") == "suspend"
    user = request.user.get_username()
    _apply(request, lambda: set_job_suspended(job_id, suspend, user_id=user),
           "Job suspended: it is not run until activated." if suspend else "Job activated.",
           "Nothing changed")
    return back_to_instance(instance_id, "jobs")


@require_POST
@cockpit_page
def incident_annotation(request: HttpRequest, instance_id: str, incident_id: str) -> HttpResponse:
    """A note for the next operator; empty clears it."""
    text = request.POST.get("annotation", "").strip()[:4000] or None
    user = request.user.get_username()
    _apply(request, lambda: set_incident_annotation(incident_id, text, user_id=user),
           "Annotation saved." if text else "Annotation cleared.",
           "The annotation was not changed")
    return back_to_instance(instance_id, f"incident-{incident_id}")
