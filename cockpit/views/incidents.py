"""All open incidents, filtered; retry one, a selection, or everything matching, as a batch."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from batches.models import Batch
from batches.runner import is_stalled, progress_event, start_batch
from cockpit.filters import IncidentFilterForm
from cockpit.permissions import readable_definitions
from cockpit.retry import create_retry_batch
from cockpit.views.errors import cockpit_page
from engine.errors import AuthorizationError, BadRequestError, NotFoundError
from engine.models import Incident
from identity.authorization import require
from identity.resources import Permission, Resource

PAGE_SIZE = 50
MAX_SELECTION = 10_000


@require_http_methods(["GET", "POST"])
@cockpit_page
def incident_list(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    form = IncidentFilterForm(source)
    matching = form.incidents(readable_definitions(request.user, "key"))
    if request.method == "POST":
        return _retry(request, form, matching)
    page = Paginator(matching, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": form.query_string(),
        "types": Incident.objects.values_list("incident_type", flat=True).distinct(),
        "batches": Batch.objects.filter(created_by=request.user.get_username())[:5],
    }
    return render(request, "cockpit/incidents.html", context)


def _retry(
    request: HttpRequest, form: IncidentFilterForm, matching: QuerySet[Incident]
) -> HttpResponse:
    back = f"{reverse('cockpit:incidents')}?{form.query_string()}"
    if request.POST.get("scope") == "all":
        chosen = matching
        description = f"Retry every incident matching {form.query_string() or 'no filter'}"
    else:
        ids = request.POST.getlist("incident")[:MAX_SELECTION]
        if not ids:
            messages.error(request, "Select at least one incident to retry.")
            return redirect(back)
        # Only ids the filter (and the user's permissions) still allow count.
        chosen = matching.filter(pk__in=ids)
        description = f"Retry {len(ids)} selected incident{'s' if len(ids) != 1 else ''}"
    try:
        batch = create_retry_batch(chosen[:MAX_SELECTION], request.user, description)
    except AuthorizationError:
        raise
    except BadRequestError as error:
        messages.error(request, str(error))
        return redirect(back)
    return redirect("cockpit:batch", batch.id)


def _batch(request: HttpRequest, batch_id: str) -> Batch:
    batch = Batch.objects.filter(pk=batch_id).first()
    if batch is None:
        raise NotFoundError(f"Batch {batch_id} does not exist.")
    if batch.created_by != request.user.get_username():
        require(request.user, Permission.READ, Resource.BATCH, str(batch.id))
    return batch


@require_GET
@cockpit_page
def batch_detail(request: HttpRequest, batch_id: str) -> HttpResponse:
    batch = _batch(request, batch_id)
    if request.GET.get("format") == "json":
        return JsonResponse(progress_event(batch))
    context = {"batch": batch, "stalled": is_stalled(batch)}
    if request.GET.get("part") == "progress":
        return render(request, "cockpit/partials/batch_progress.html", context)
    return render(request, "cockpit/batch.html", context)


@require_POST
@cockpit_page
def batch_resume(request: HttpRequest, batch_id: str) -> HttpResponse:
    """Continue a batch whose runner stopped (its lease expired): from where it stopped."""
    batch = _batch(request, batch_id)
    if batch.created_by != request.user.get_username():
        require(request.user, Permission.UPDATE, Resource.BATCH, str(batch.id))
    if is_stalled(batch):
        start_batch(batch.id)
        messages.success(request, f"Resumed at {batch.handled} of {batch.total}.")
    else:
        messages.info(request, "The batch is running or finished; nothing to resume.")
    return redirect("cockpit:batch", batch.id)
