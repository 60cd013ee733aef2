"""Batches: the list, one batch's live progress, and resuming a batch whose runner stopped."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from batches import services
from batches.kinds import KINDS
from batches.models import Batch
from batches.runner import is_stalled, progress_event, start_batch
from cockpit.views.errors import cockpit_page
from identity.resources import Permission

PAGE_SIZE = 50


@require_GET
@cockpit_page
def batch_list(request: HttpRequest) -> HttpResponse:
    """Every batch the user may read: running ones first, then the latest to end."""
    # Only counts are listed: a batch's frozen targets may run to thousands.
    rows = (
        Batch.objects.filter(services.readable_batches(request.user))
        .defer("targets", "failures")
        .order_by(F("ended").desc(nulls_first=True), "-created")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cockpit/batches.html", {"page": page})


def _context(batch: Batch) -> dict[str, object]:
    return {"batch": batch, "kind": KINDS[batch.type], "stalled": is_stalled(batch)}


@require_GET
@cockpit_page
def batch_detail(request: HttpRequest, batch_id: str) -> HttpResponse:
    batch = services.get_batch(str(batch_id), request.user)
    if request.GET.get("format") == "json":
        return JsonResponse(progress_event(batch))
    if request.GET.get("part") == "progress":
        return render(request, "cockpit/partials/batch_progress.html", _context(batch))
    return render(request, "cockpit/batch.html", _context(batch))


@require_POST
@cockpit_page
def batch_resume(request: HttpRequest, batch_id: str) -> HttpResponse:
    """Continue a batch whose runner stopped (its lease expired): from where it stopped."""
    batch = services.get_batch(str(batch_id), request.user)
    services.require_on_batch(request.user, Permission.UPDATE, batch)
    if is_stalled(batch):
        start_batch(batch.id)
        messages.success(request, f"Resumed at {batch.handled} of {batch.total}.")
    else:
        messages.info(request, "The batch is running, suspended or finished; nothing to resume.")
    return redirect("cockpit:batch", batch.id)
