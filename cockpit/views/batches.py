"""Batches: the list, one batch's live progress, resuming a batch whose runner stopped, and
suspending, activating and deleting batches through the same services as `/engine-rest`
(which check the permission and write the user operation log)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.db.models.query import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from batches import services
from batches.kinds import KINDS
from batches.models import Batch
from batches.runner import is_stalled, progress_event, start_batch
from cockpit.views.errors import apply_change, cockpit_page
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
    shown = Batch.objects.filter(pk__in=[batch.pk for batch in page.object_list])
    return render(request, "cockpit/batches.html", {"page": page, **_allowed(request, shown)})


def _allowed(request: HttpRequest, batches: QuerySet[Batch]) -> dict[str, object]:
    """The ids of `batches` the user may suspend, delete, or remove from history: one query
    per permission, so the list offers only what the services will allow."""

    def ids(permission: str) -> set[object]:
        readable = batches.filter(services.readable_batches(request.user, permission))
        return set(readable.values_list("pk", flat=True))

    return {
        "updatable": ids(Permission.UPDATE),
        "deletable": ids(Permission.DELETE),
        "history_deletable": ids(Permission.DELETE_HISTORY),
    }


def _context(request: HttpRequest, batch: Batch) -> dict[str, object]:
    return {
        "batch": batch,
        "kind": KINDS[batch.type],
        "stalled": is_stalled(batch),
        **_allowed(request, Batch.objects.filter(pk=batch.pk)),
    }


@require_GET
@cockpit_page
def batch_detail(request: HttpRequest, batch_id: str) -> HttpResponse:
    batch = services.get_batch(str(batch_id), request.user)
    if request.GET.get("format") == "json":
        return JsonResponse(progress_event(batch))
    if request.GET.get("part") == "progress":
        return render(request, "cockpit/partials/batch_progress.html", _context(request, batch))
    return render(request, "cockpit/batch.html", _context(request, batch))


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


def _back(request: HttpRequest, batch_id: object) -> HttpResponse:
    """To the list when the form was there or the batch is gone, else to the batch's page."""
    if request.POST.get("from") == "list" or not Batch.objects.filter(pk=batch_id).exists():
        return redirect("cockpit:batches")
    return redirect("cockpit:batch", batch_id)


@require_POST
@cockpit_page
def batch_suspension(request: HttpRequest, batch_id: str) -> HttpResponse:
    """Suspend or activate a running batch, as `PUT /batch/{id}/suspended` (UPDATE)."""
    suspend = request.POST.get("action") == "suspend"
    apply_change(
        request,
        lambda: services.set_batch_suspended(str(batch_id), suspend, request.user),
        "Batch suspended: its runner stops after the chunk in hand."
        if suspend
        else "Batch activated: it goes on where it stopped.",
    )
    return _back(request, batch_id)


@require_POST
@cockpit_page
def batch_delete(request: HttpRequest, batch_id: str) -> HttpResponse:
    """A running batch: stop it for good, as `DELETE /batch/{id}` (DELETE; `cascade` removes
    its history too). A finished one: remove it from history, as `DELETE /history/batch/{id}`
    (DELETE_HISTORY). Either needs the confirmation box ticked."""
    batch = services.get_batch(str(batch_id), request.user)
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Nothing changed: confirm the deletion first.")
        return _back(request, batch.id)
    if batch.finished:
        apply_change(
            request,
            lambda: services.delete_historic_batch(str(batch.id), request.user),
            "Batch removed from history.",
        )
    else:
        cascade = request.POST.get("cascade") == "yes"
        apply_change(
            request,
            lambda: services.delete_batch(str(batch.id), cascade, request.user),
            "Batch deleted with its history." if cascade else "Batch deleted; history keeps it.",
        )
    return _back(request, batch.id)
