"""All open incidents, filtered; retry one, a selection, or everything matching, as a batch."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from batches.models import Batch
from cockpit.filters import IncidentFilterForm
from cockpit.permissions import readable_definitions
from cockpit.retry import create_retry_batch
from cockpit.views.errors import cockpit_page
from engine.errors import AuthorizationError, BadRequestError
from engine.models import Incident

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

