"""The auditor's page: the audit trail with filters, export, chain check, cleanup runs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from batches.history import cleanable_report
from batches.models import Batch
from batches.services import readable_batches
from engine.errors import AuthorizationError, BadRequestError
from identity.audit import verify_chain
from identity.authorization import Permission, readable_ids
from identity.cleanup import cleanable_process_definitions
from identity.export import (
    FORMATS,
    KINDS,
    ExportFilter,
    export_queryset,
    export_response,
    may_export,
)
from identity.forms import AuditFilterForm
from identity.models import HistoryCleanupRun
from identity.resources import Resource
from identity.views.common import page

TRAIL_LIMIT = 200


def _require_auditor(request: HttpRequest) -> None:
    if not may_export(request.user):
        raise AuthorizationError(
            "The audit trail needs READ_HISTORY on a process definition or READ on an operation "
            "log category. Ask an administrator to apply the auditor preset to your group."
        )


def _filter(form: AuditFilterForm) -> ExportFilter:
    if not form.is_valid():
        return ExportFilter()
    data = form.cleaned_data
    return ExportFilter(
        after=data["after"], before=data["before"],
        process_definition_key=data["process_definition_key"] or None,
        process_instance_id=data["process_instance_id"] or None,
        user_id=data["user_id"] or None,
    )


@page
def audit(request: HttpRequest) -> HttpResponse:
    _require_auditor(request)
    form = AuditFilterForm(request.GET or None)
    flt = _filter(form)
    trail = export_queryset(request.user, "user-operation", flt).order_by("-id")[:TRAIL_LIMIT]
    context = {
        "form": form, "trail": list(trail), "limit": TRAIL_LIMIT, "kinds": list(KINDS),
        "formats": FORMATS, "query": request.GET.urlencode(),
    }
    if request.htmx and request.htmx.target == "audit-trail":
        return render(request, "identity/partials/audit_trail.html", context)
    context["cleanup_runs"] = HistoryCleanupRun.objects.all()[:20]
    # What the next run would remove, of what this auditor may read.
    readable = readable_ids(request.user, Resource.PROCESS_DEFINITION, Permission.READ_HISTORY)
    context["cleanable"] = list(
        cleanable_process_definitions(timezone.now())
        .filter(readable.q("key"), finished__gt=0)
        .order_by("-cleanable", "key", "version")[:50]
    )
    finished_batches = Batch.objects.filter(readable_batches(request.user, Permission.READ_HISTORY))
    context["cleanable_batches"] = cleanable_report(finished_batches, timezone.now())
    return render(request, "identity/audit.html", context)


@page
def audit_export(request: HttpRequest) -> HttpResponse:
    _require_auditor(request)
    form = AuditFilterForm(request.GET)
    if request.GET and not form.is_valid():
        return HttpResponse("The filter is not valid: " + form.errors.as_text(), status=400,
                            content_type="text/plain")
    try:
        return export_response(request, request.user, request.GET.get("kind", "user-operation"),
                               request.GET.get("format", "csv"), _filter(form))
    except BadRequestError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain")


@page
def audit_verify(request: HttpRequest) -> HttpResponse:
    _require_auditor(request)
    return render(request, "identity/partials/chain_status.html", {"report": verify_chain()})
