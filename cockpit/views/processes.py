"""The processes list and a process definition's page with its diagram."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from cockpit.queries import (
    activity_counts,
    process_statistics,
    running_instances_of,
    versions_of,
)
from cockpit.views.errors import not_found
from engine.errors import NotFoundError
from engine.queries import get_process_definition, get_process_definition_xml

# Search terms longer than this cannot name a key or a name column value anyway.
MAX_SEARCH = 255


@require_GET
@login_required
def process_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:MAX_SEARCH]
    context = {"processes": list(process_statistics(search)), "q": search}
    # The live filter swaps only the table; a history restore needs the whole page again.
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        response = render(request, "cockpit/partials/process_table.html", context)
    else:
        response = render(request, "cockpit/processes.html", context)
    # Same URL, two bodies: caches must key on the htmx header too.
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@login_required
def process_definition(request: HttpRequest, definition_id: str) -> HttpResponse:
    try:
        definition = get_process_definition(definition_id)
    except NotFoundError as error:
        return not_found(request, str(error))
    context = {
        "definition": definition,
        "versions": list(versions_of(definition)),
        "activity_counts": activity_counts(definition.id),
        "running": running_instances_of([definition.id]),
    }
    return render(request, "cockpit/process_definition.html", context)


@require_GET
@login_required
def process_definition_xml(request: HttpRequest, definition_id: str) -> HttpResponse:
    """The deployed BPMN XML, byte for byte, for the page's bpmn-js viewer."""
    try:
        xml = get_process_definition_xml(definition_id)
    except NotFoundError as error:
        return HttpResponse(str(error), status=404, content_type="text/plain; charset=utf-8")
    response = HttpResponse(xml, content_type="application/xml")
    # A definition's XML never changes (a change is a new version), but it can be deleted.
    response["Cache-Control"] = "private, max-age=300"
    return response
