"""What Camunda's Cockpit offers on an instance's jobs and incidents beside a single retry:
retry all its failed jobs, move a job's due date, suspend or activate it, annotate an
incident. The engine services check the permissions (UPDATE, SUSPEND or RETRY_JOB on the
instance, or their *_INSTANCE on its definition)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from cockpit.retry import RetryTarget, retry
from cockpit.scheduling import NotADate, form_date
from cockpit.views.errors import apply_change, cockpit_page
from cockpit.views.instances import back_to_instance
from engine.errors import REFUSED, AuthorizationError
from engine.models import Incident
from engine.services.incidents import ENGINE_TYPES, set_incident_annotation
from engine.services.jobs import set_job_due_date, set_job_suspended


@require_POST
@cockpit_page
def retry_all(request: HttpRequest, instance_id: str) -> HttpResponse:
    """Retry every failed job and external task of the instance, each on its own: one that
    cannot be retried is reported and the others go on."""
    targets = Incident.objects.filter(
        process_instance_id=instance_id, incident_type__in=ENGINE_TYPES
    ).exclude(configuration=None).order_by("timestamp")
    retried, failures = 0, []
    for incident in targets:
        try:
            retry(RetryTarget.of(incident), request.user)
        except AuthorizationError:
            raise
        except REFUSED as error:
            failures.append(str(error))
        else:
            retried += 1
    if retried:
        messages.success(request, f"Retries set to 1 on {retried} failed "
                         f"job{'' if retried == 1 else 's'}: they run again now.")
    for failure in failures:
        messages.error(request, f"Not retried: {failure}")
    if not retried and not failures:
        messages.info(request, "No failed job is left to retry.")
    return back_to_instance(instance_id, "incidents")


@require_POST
@cockpit_page
def job_due_date(request: HttpRequest, instance_id: str, job_id: str) -> HttpResponse:
    """`due` as the browser's datetime-local (read as UTC, as the page shows times), or
    empty: due now."""
    try:
        due = form_date(request.POST.get("due", ""))
    except NotADate as error:
        messages.error(request, f"Nothing changed: {error}.")
        return back_to_instance(instance_id, "jobs")
    user = request.user.get_username()
    apply_change(request, lambda: set_job_due_date(job_id, due, user_id=user),
                 f"The job is due {due:%Y-%m-%d %H:%M} UTC." if due else "The job is due now.")
    return back_to_instance(instance_id, "jobs")


@require_POST
@cockpit_page
def job_suspension(request: HttpRequest, instance_id: str, job_id: str) -> HttpResponse:
    suspend = request.POST.get("action") == "suspend"
    user = request.user.get_username()
    apply_change(request, lambda: set_job_suspended(job_id, suspend, user_id=user),
                 "Job suspended: it is not run until activated." if suspend else "Job activated.")
    return back_to_instance(instance_id, "jobs")


@require_POST
@cockpit_page
def incident_annotation(request: HttpRequest, instance_id: str, incident_id: str) -> HttpResponse:
    """A note for the next operator; empty clears it."""
    text = request.POST.get("annotation", "").strip()[:4000] or None
    user = request.user.get_username()
    apply_change(request, lambda: set_incident_annotation(incident_id, text, user_id=user),
                 "Annotation saved." if text else "Annotation cleared.")
    return back_to_instance(instance_id, f"incident-{incident_id}")
