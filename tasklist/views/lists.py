"""The task lists page, its htmx partials (the list, the counts) and saved filters (saving a
view, the variables a filter's task cards show, the sort its list keeps, deleting)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from engine.errors import REFUSED
from tasklist import filters
from tasklist.lists import (
    LISTS,
    SORTS,
    ListParams,
    TaskPage,
    applied_sort,
    list_entries,
    page_of,
    sorting_to_save,
)
from tasklist.stored_sorting import FILTER_ORDER, VARIABLE_SORT


def _title(params: ListParams, page: TaskPage | None) -> str:
    if params.filter_id is not None:
        return page.saved.name if page is not None and page.saved is not None else "Filter"
    return LISTS[params.list]


def _sorts(page: TaskPage | None) -> list[tuple[str, str]]:
    """The sort control's choices: the fixed ones, the filter's variable columns, and the
    filter's stored sorting when no other choice can show it."""
    sorts = [(key, label) for key, (_, label) in SORTS.items()]
    columns = page.columns if page is not None else []
    sorts += [(VARIABLE_SORT + name, label) for name, label in columns]
    if page is not None and page.filter_order:
        sorts.append((FILTER_ORDER, "Filter's order"))
    return sorts


@require_GET
@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    params = ListParams.from_query(request.GET)
    page = page_of(request.user, params)
    saved = page.saved if page is not None else None
    context: dict[str, object] = {
        "params": params,
        "page": page,
        "title": _title(params, page),
        "sorts": _sorts(page),
        "sort": page.sort if page is not None else applied_sort(params, None, []),
        "saved": saved,
        "may_edit_filter": saved is not None and filters.may_update_filter(request.user, saved),
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


def _variable_columns(request: HttpRequest) -> list[dict[str, str]]:
    """The form's variable rows as Camunda's `properties.variables`: rows whose name is left
    empty are dropped (that is how a row is removed without script); an empty label shows
    the name."""
    names = request.POST.getlist("variable_name")
    labels = request.POST.getlist("variable_label")
    columns = []
    for index, name in enumerate(names):
        label = labels[index].strip() if index < len(labels) else ""
        if name.strip():
            columns.append({"name": name.strip(), "label": label or name.strip()})
    return columns


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
    columns = _variable_columns(request)
    try:
        saved = filters.create_filter(
            request.user,
            name=name,
            description=request.POST.get("description", "").strip(),
            query=query,
            properties={"variables": columns} if columns else {},
            shared_users=_names(request.POST.get("shared_users", "")),
            shared_groups=_names(request.POST.get("shared_groups", "")),
        )
    except REFUSED as error:  # no CREATE on Filter, or a value the query cannot hold
        messages.error(request, str(error))
        return redirect(reverse("tasklist:tasks") + "?" + params.query_string())
    messages.success(request, f"Filter “{name}” saved.")
    return redirect(reverse("tasklist:tasks") + f"?list=filter-{saved.pk}")


@require_POST
@login_required
def filter_variables(request: HttpRequest, filter_id: int) -> HttpResponse:
    """Replace the variables a filter's task cards show (its `properties.variables`)."""
    back = reverse("tasklist:tasks") + f"?list=filter-{filter_id}"
    try:
        saved = filters.get_filter(request.user, filter_id)
        properties = {**saved.properties, "variables": _variable_columns(request)}
        filters.update_filter(
            request.user,
            filter_id,
            name=saved.name,
            query=saved.query,
            owner=saved.owner,
            description=saved.description,
            priority=saved.priority,
            properties=properties,
        )
    except REFUSED as error:  # gone, no UPDATE on it, or a column it cannot hold
        messages.error(request, str(error))
        return redirect(back)
    messages.success(request, f"Variables of “{saved.name}” saved.")
    return redirect(back)


@require_POST
@login_required
def filter_sorting(request: HttpRequest, filter_id: int) -> HttpResponse:
    """Keep the list's sort on the filter: its query's `sorting`, in Camunda's shape."""
    params = ListParams.from_query(
        {
            "list": f"filter-{filter_id}",
            "sort": request.POST.get("sort", ""),
            "order": request.POST.get("order", ""),
        }
    )
    try:
        saved = filters.get_filter(request.user, filter_id)
        sorting = sorting_to_save(request.user, params, saved)
        filters.update_filter(
            request.user,
            filter_id,
            name=saved.name,
            query={**saved.query, "sorting": sorting},
            owner=saved.owner,
            description=saved.description,
            priority=saved.priority,
            properties=saved.properties,
        )
    except REFUSED as error:  # gone, no UPDATE on it, or a sort it cannot keep
        messages.error(request, str(error))
        return redirect(reverse("tasklist:tasks") + "?" + params.query_string())
    messages.success(request, f"“{saved.name}” now keeps this sort.")
    # Without a sort in the URL: the list shows the filter's sorting, as others will see it.
    return redirect(reverse("tasklist:tasks") + f"?list=filter-{filter_id}")


@require_POST
@login_required
def filter_delete(request: HttpRequest, filter_id: int) -> HttpResponse:
    try:
        saved = filters.delete_filter(request.user, filter_id)
    except REFUSED:
        messages.error(request, "This filter is gone, or you may not delete it.")
    else:
        messages.success(request, f"Filter “{saved.name}” deleted.")
    return redirect("tasklist:tasks")
