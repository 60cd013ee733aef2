"""The processes list and a process definition's page: diagram, instances, suspension."""

from __future__ import annotations

from datetime import UTC, datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_POST

from batches.models import BatchType
from batches.runner import create_batch
from cockpit.documentation import documentation_of
from cockpit.filters import InstanceFilterForm, StartedRangeForm
from cockpit.permissions import (
    may_definition,
    may_suspend_definition,
    readable_definitions,
    require_definition,
)
from cockpit.queries import (
    activity_counts,
    historic_activity_counts,
    process_statistics,
    running_instances_of,
    versions_of,
)
from cockpit.readiness import readiness_of
from cockpit.scheduling import NotADate, describe, form_date
from cockpit.views.errors import apply_change, cockpit_page
from cockpit.views.instances import restart_targets
from cockpit.views.job_definitions import job_definition_rows
from engine.errors import NotFoundError
from engine.models import Incident, Job
from engine.queries import (
    get_process_definition,
    get_process_definition_xml,
    list_process_definitions,
    static_called_definitions,
)
from engine.queries.definitions import unresolved_counts
from engine.services.job_changes import delete_job
from engine.services.scheduled_suspension import STATE_CHANGES, scheduled_changes
from engine.services.suspension import activate_process_definition, suspend_process_definition
from identity.resources import Permission

# Search terms longer than this cannot name a key or a name column value anyway.
MAX_SEARCH = 255
INSTANCES_PER_PAGE = 25
INCIDENTS_SHOWN = 50


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


@require_GET
@cockpit_page
def process_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:MAX_SEARCH]
    rows = list(process_statistics(search).filter(readable_definitions(request.user, "key")))
    unresolved = unresolved_counts(rows)
    for row in rows:
        row.unresolved = unresolved[row.id]
    context = {"processes": rows, "q": search}
    if not context["processes"] and not search:
        # "Nothing deployed" and "nothing you may read" need different advice.
        context["hidden_by_permissions"] = list_process_definitions().exists()
    # The live filter swaps only the table; a history restore needs the whole page again.
    if _is_htmx(request):
        response = render(request, "cockpit/partials/process_table.html", context)
    else:
        response = render(request, "cockpit/processes.html", context)
    # Same URL, two bodies: caches must key on the htmx header too.
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@cockpit_page
def process_definition(request: HttpRequest, definition_id: str) -> HttpResponse:
    definition = get_process_definition(definition_id)
    require_definition(request.user, Permission.READ, definition.key)
    can_read_instances = may_definition(request.user, Permission.READ_INSTANCE, definition.key)
    form = InstanceFilterForm(request.GET or None)
    page = None
    running = running_instances_of([definition.id]) if can_read_instances else 0
    # Finished instances are history: Camunda asks READ_HISTORY on the definition for them.
    can_read_history = may_definition(request.user, Permission.READ_HISTORY, definition.key)
    missing = None
    if form.finished() and not can_read_history:
        missing = "READ_HISTORY"
    elif not form.finished() and not can_read_instances:
        missing = "READ_INSTANCE"
    if missing is None:
        rows = form.instances(definition.id)  # unbound: every running instance
        paginator = Paginator(rows, INSTANCES_PER_PAGE)
        if not form.filters():
            paginator.count = running  # the same rows: counted once
        page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "definition": definition,
        "versions": list(versions_of(definition)),
        "activity_counts": activity_counts(definition.id) if can_read_instances else {},
        "running": running,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_read_instances": can_read_instances,
        "can_list": can_read_instances or can_read_history,
        "can_read_history": can_read_history,
        "history_range": StartedRangeForm(auto_id="history_%s"),
        "missing": missing,
        "can_suspend": may_suspend_definition(request.user, definition.key),
        "can_update": may_definition(request.user, Permission.UPDATE, definition.key),
        "restart_at": restart_targets(request.user, definition.id, definition.key)
        if form.finished() and can_read_history
        else [],
    }
    if _is_htmx(request):
        response = render(request, "cockpit/partials/instance_list.html", context)
    else:
        context["job_definitions"] = job_definition_rows(definition)
        context["scheduled_changes"] = [
            describe(job, definition.id)
            for job in scheduled_changes(definition_id=definition.id, key=definition.key)
        ]
        # Camunda Cockpit's Incidents tab: the open incidents of this version.
        context["incidents"] = (
            list(Incident.objects.filter(process_definition_id=definition.id)
                 .order_by("-timestamp", "id")[:INCIDENTS_SHOWN])
            if can_read_instances else []
        )
        context["called"] = [
            (row, activities)
            for row, activities in static_called_definitions(definition)
            if may_definition(request.user, Permission.READ, row.key)
        ]
        context["readiness"] = readiness_of(definition)
        context["documentation"] = documentation_of(definition)
        response = render(request, "cockpit/process_definition.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@cockpit_page
def activity_counts_json(request: HttpRequest, definition_id: str) -> JsonResponse:
    """The diagram's badge counts, re-read by the page on live events."""
    definition = get_process_definition(definition_id)
    require_definition(request.user, Permission.READ_INSTANCE, definition.key)
    return JsonResponse(
        {
            "counts": activity_counts(definition.id),
            "running": running_instances_of([definition.id]),
        }
    )


@require_GET
@cockpit_page
def historic_activity_counts_json(request: HttpRequest, definition_id: str) -> JsonResponse:
    """The History and Heatmap views' counts, read only when the user picks one of them.

    Refused as the page is (READ on the definition, its tenant visible), and the counts are
    history: READ_HISTORY too, as Camunda's `history/process-definition/{id}/statistics`.
    """
    definition = get_process_definition(definition_id)
    require_definition(request.user, Permission.READ, definition.key)
    require_definition(request.user, Permission.READ_HISTORY, definition.key)
    form = StartedRangeForm(request.GET)
    if not form.is_valid():
        return JsonResponse(
            {"type": "InvalidRequestException", "message": form.error_text()}, status=400
        )
    counts = historic_activity_counts(definition.id, **form.bounds())
    most = max((c["finished"] + c["canceled"] for c in counts.values()), default=0)
    return JsonResponse({"counts": counts, "max": most})


@require_POST
@cockpit_page
def definition_suspension(request: HttpRequest, definition_id: str) -> HttpResponse:
    definition = get_process_definition(definition_id)
    suspend = request.POST.get("action") == "suspend"
    with_instances = request.POST.get("include_instances") == "yes"
    # Camunda: SUSPEND or UPDATE on the definition; with instances also SUSPEND_INSTANCE or
    # UPDATE_INSTANCE.
    _require_one(request, definition.key, Permission.SUSPEND, Permission.UPDATE)
    if with_instances:
        _require_one(
            request, definition.key, Permission.SUSPEND_INSTANCE, Permission.UPDATE_INSTANCE
        )
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Nothing changed: confirm the change first.")
        return redirect("cockpit:definition", definition.id)
    try:
        at = form_date(request.POST.get("at", ""))
    except NotADate as error:
        messages.error(request, f"Nothing changed: {error}.")
        return redirect("cockpit:definition", definition.id)
    change = suspend_process_definition if suspend else activate_process_definition
    what = "suspended" if suspend else "activated"
    extra = " with its instances" if with_instances else ""
    when = f" at {at:%Y-%m-%d %H:%M} UTC" if at is not None else ""
    apply_change(
        request,
        lambda: change(
            definition.id,
            include_process_instances=with_instances,
            at=at,
            user_id=request.user.get_username(),
        ),
        f"Version {definition.version} will be {what}{extra}{when}." if at is not None
        else f"Version {definition.version} {what}{extra}.",
    )
    return redirect("cockpit:definition", definition.id)


@require_POST
@cockpit_page
def cancel_scheduled_change(request: HttpRequest, definition_id: str, job_id: str) -> HttpResponse:
    """Drop a suspension or activation still to come (the job goes; Camunda's deleteJob)."""
    definition = get_process_definition(definition_id)
    user = request.user.get_username()
    if not Job.objects.filter(pk=job_id, type__in=STATE_CHANGES).exists():
        messages.error(request, "Nothing changed: that change has been made or cancelled.")
    else:
        apply_change(request, lambda: delete_job(job_id, user_id=user),
                     "The scheduled change is cancelled.")
    return redirect("cockpit:definition", definition.id)


@require_POST
@cockpit_page
def definition_restart(request: HttpRequest, definition_id: str) -> HttpResponse:
    """Restart every finished instance the list's filters (the query string) find, in an
    instance-restart batch; then show the batch."""
    definition = get_process_definition(definition_id)
    require_definition(request.user, Permission.READ_HISTORY, definition.key)
    form = InstanceFilterForm(request.GET)
    activity = request.POST.get("activity", "")
    targets = restart_targets(request.user, definition.id, definition.key)
    if not form.finished() or activity not in {node_id for node_id, _ in targets}:
        messages.error(request, "Nothing changed: filter the finished instances and choose "
                       "where they start.")
        return redirect("cockpit:definition", definition.id)
    ids = [str(pk) for pk in form.instances(definition.id).values_list("id", flat=True)]
    if not ids:
        messages.error(request, "Nothing changed: no finished instance matches the filters.")
        return redirect("cockpit:definition", definition.id)
    options = {
        "processDefinitionId": definition.id,
        "instructions": [{"type": "startBeforeActivity", "activityId": activity}],
        "initialVariables": request.POST.get("initial") == "yes",
        "withoutBusinessKey": request.POST.get("without_business_key") == "yes",
        "skipCustomListeners": False,
        "skipIoMappings": False,
    }
    batch = create_batch(
        BatchType.INSTANCE_RESTART,
        ids,
        request.user,
        description=f"Restart {len(ids)} instance{'' if len(ids) == 1 else 's'} of "
        f"{definition.name or definition.key} before {activity}",
        options=options,
    )
    messages.success(request, f"Restarting {len(ids)} instance{'' if len(ids) == 1 else 's'}.")
    return redirect("cockpit:batch", batch.id)


@require_POST
@cockpit_page
def definition_removal_time(request: HttpRequest, definition_id: str) -> HttpResponse:
    """Set when the history of every finished instance the filters find is removed, in a
    process-set-removal-time batch; then show the batch."""
    from engine.services.removal_time import ABSOLUTE, CALCULATED, CLEARED, RemovalTime

    definition = get_process_definition(definition_id)
    require_definition(request.user, Permission.READ_HISTORY, definition.key)
    form = InstanceFilterForm(request.GET)
    mode = request.POST.get("mode", "")
    removal = None
    if mode in (CALCULATED, CLEARED):
        removal = RemovalTime(mode)
    elif mode == ABSOLUTE and (day := parse_date(request.POST.get("date", ""))) is not None:
        removal = RemovalTime(ABSOLUTE, datetime.combine(day, time.min, tzinfo=UTC))
    ids = [str(pk) for pk in form.instances(definition.id).values_list("id", flat=True)]
    if not form.finished() or removal is None or not ids:
        messages.error(request, "Nothing changed: filter the finished instances and choose "
                       "when their history is removed (a date, or a way to work it out).")
        return redirect("cockpit:definition", definition.id)
    batch = create_batch(
        BatchType.PROCESS_SET_REMOVAL_TIME,
        ids,
        request.user,
        description=f"Set the removal time of {len(ids)} instance{'' if len(ids) == 1 else 's'} "
        f"of {definition.name or definition.key}",
        options={"removalTime": removal.to_json(), "hierarchical": False},
    )
    messages.success(request, f"Setting the removal time of {len(ids)} "
                     f"instance{'' if len(ids) == 1 else 's'}.")
    return redirect("cockpit:batch", batch.id)


def _require_one(request: HttpRequest, key: str, *permissions: str) -> None:
    if not any(may_definition(request.user, p, key) for p in permissions):
        require_definition(request.user, permissions[0], key)


@require_GET
@login_required
def process_definition_xml(request: HttpRequest, definition_id: str) -> HttpResponse:
    """The deployed BPMN XML, byte for byte, for the page's bpmn-js viewer."""
    try:
        definition = get_process_definition(definition_id)
        xml = get_process_definition_xml(definition_id)
    except NotFoundError as error:
        return HttpResponse(str(error), status=404, content_type="text/plain; charset=utf-8")
    if not may_definition(request.user, Permission.READ, definition.key):
        return HttpResponse(
            f"You may not read process definition {definition.key}.",
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(xml, content_type="application/xml")
    # A definition's XML never changes (a change is a new version), but it can be deleted.
    response["Cache-Control"] = "private, max-age=300"
    return response
