"""The task lists page, its htmx partials (the list, the counts) and saved filters."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from engine.errors import EngineError
from tasklist import filters
from tasklist.lists import LISTS, SORTS, ListParams, list_entries, page_of, visible_filters


def _title(request: HttpRequest, params: ListParams) -> str:
    if params.filter_id is not None:
        saved = visible_filters(request.user).filter(pk=params.filter_id).first()
        return saved.name if saved else "Filter"
    return LISTS[params.list]


@require_GET
@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    params = ListParams.from_query(request.GET)
    page = page_of(request.user, params)
    context = {
        "params": params,
        "page": page,
        "title": _title(request, params),
        "sorts": [(key, label) for key, (_, label) in SORTS.items()],
    }
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        response = render(request, "tasklist/partials/task_list.html", context)
    else:
        context["entries"] = list_entries(request.user, counted=page)
        context["may_save_filters"] = filters.may_create_filters(request.user)
        response = render(
            request, "tasklist/tasks.html", context, status=200 if page is not None else 403
        )
    # Same URL, two bodies: caches must key on the htmx header too.
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@login_required
def list_counts(request: HttpRequest) -> HttpResponse:
    """The side bar with fresh counts (live updates re-fetch it)."""
    context = {
        "params": ListParams.from_query(request.GET),
        "entries": list_entries(request.user),
    }
    return render(request, "tasklist/partials/lists_nav.html", context)


def _names(text: str) -> list[str]:
    return sorted({part.strip() for part in text.replace(";", ",").split(",") if part.strip()})


@require_POST
@login_required
def filter_create(request: HttpRequest) -> HttpResponse:
    """Save the current view (list, search, sort, optional criteria) as a filter."""
    params = ListParams.from_query(request.POST)
    name = request.POST.get("name", "").strip()[:255]
    if not name:
        messages.error(request, "Give the filter a name.")
        return redirect(reverse("tasklist:tasks") + "?" + params.query_string())
    query: dict[str, object] = {"list": params.list if params.filter_id is None else "all"}
    if params.q:
        query["search"] = params.q
    for key in ("candidate_group", "process_definition_key", "assignee"):
        value = request.POST.get(key, "").strip()
        if value:
            query[key] = value
    try:
        saved = filters.create_filter(
            request.user,
            name=name,
            description=request.POST.get("description", "").strip(),
            query=query,
            shared_users=_names(request.POST.get("shared_users", "")),
            shared_groups=_names(request.POST.get("shared_groups", "")),
        )
    except EngineError as error:  # no CREATE on Filter, or a value the query cannot hold
        messages.error(request, str(error))
        return redirect(reverse("tasklist:tasks") + "?" + params.query_string())
    messages.success(request, f"Filter “{name}” saved.")
    return redirect(reverse("tasklist:tasks") + f"?list=filter-{saved.pk}")


@require_POST
@login_required
def filter_delete(request: HttpRequest, filter_id: int) -> HttpResponse:
    try:
        saved = filters.delete_filter(request.user, filter_id)
    except EngineError:
        messages.error(request, "This filter is gone, or you may not delete it.")
    else:
        messages.success(request, f"Filter “{saved.name}” deleted.")
    return redirect("tasklist:tasks")
