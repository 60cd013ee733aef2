"""`/filter`: Camunda's saved task filters, on the Tasklist's own filter rows.

Changes go through `tasklist.filters` (permissions, operation log); a filter's tasks are
found by GET /task's `filter_tasks`, so they are only the tasks the caller may read, and
written as GET /task writes them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.request import Request
from rest_framework.response import Response

from engine.models import Task
from engine.rest import serializers, task_hal
from engine.rest.base import EngineView, json_body
from engine.rest.filter_query import (
    camunda_query,
    extended,
    stored_order,
    stored_query,
    task_filters,
)
from engine.rest.params import Kind, ListQuery, Param, ParsedQuery, flag, invalid_request, like
from engine.rest.resource_options import Link, collection_options, link, options_response
from engine.rest.tasks import TASK_QUERY, filter_tasks, task_dtos, task_list_response
from identity.authorization import identity_of
from identity.resources import Permission
from tasklist import filters
from tasklist.lists import search
from tasklist.models import TaskFilter

RESOURCE_TYPE = "Task"  # the only kind of filter Camunda 7 has (and the Tasklist saves)
FILTER_QUERY = ListQuery(
    filters=(
        Param("filterId", Kind.STRING, "Filter by the id of the filter."),
        Param("resourceType", Kind.STRING, "Filter by the resource type (only Task exists)."),
        Param("name", Kind.STRING, "Filter by the name."),
        Param("nameLike", Kind.STRING, "Name with SQL LIKE."),
        Param("owner", Kind.STRING, "Filter by the owner."),
    ),
    sort_fields={"filterId": "pk", "resourceType": "pk", "name": "name", "owner": "owner"},
)
ITEM_COUNT = Param("itemCount", Kind.BOOLEAN, "Add `itemCount`: the tasks each filter finds.")
# FilterDto properties kept in columns of their own; the rest is kept as sent.
_COLUMNS = {"description": "", "priority": 0}


def filter_tasks_of(
    request: Request, saved: TaskFilter, extension: dict[str, Any] | None = None
) -> QuerySet[Task]:
    """The tasks the filter (extended by a request's task query) finds for the caller."""
    viewer = identity_of(request.user)
    assert viewer is not None  # a request always has a user, authenticated by now
    criteria, text = task_filters(extended(saved.query, extension), viewer)
    tasks = filter_tasks(request, criteria)
    return search(tasks, text) if text else tasks


def filter_dto(request: Request, saved: TaskFilter, item_count: bool = False) -> serializers.Dto:
    """FilterDto; `itemCount` is null unless asked for."""
    properties = {**saved.properties}
    properties.update(
        {
            name: getattr(saved, name)
            for name, empty in _COLUMNS.items()
            if getattr(saved, name) != empty
        }
    )
    return {
        "id": str(saved.pk),
        "resourceType": RESOURCE_TYPE,
        "name": saved.name,
        "owner": saved.owner,
        "query": camunda_query(saved.query),
        "properties": properties,
        "itemCount": filter_tasks_of(request, saved).count() if item_count else None,
    }


def _readable(request: Request, found: dict[str, Any]) -> QuerySet[TaskFilter]:
    rows = filters.readable_filters(request.user)
    if "filterId" in found:
        text = found["filterId"]
        rows = rows.filter(pk=int(text)) if text.isdigit() and len(text) < 19 else rows.none()
    if "resourceType" in found and found["resourceType"] != RESOURCE_TYPE:
        rows = rows.none()
    if "name" in found:
        rows = rows.filter(name=found["name"])
    if "nameLike" in found:
        rows = rows.filter(like("name", found["nameLike"]))
    if "owner" in found:
        rows = rows.filter(owner=found["owner"])
    return rows


class FilterList(EngineView):
    """GET /filter: the filters the caller may read."""

    def get(self, request: Request) -> Response:
        found = FILTER_QUERY.parse(request.query_params)
        rows = _readable(request, found.filters).order_by(*found.order_by)
        counted = flag(request.query_params, ITEM_COUNT.name)
        return Response([filter_dto(request, f, counted) for f in found.page.apply(rows)])

    def options(self, request: Request) -> Response:
        """Camunda's FilterRestServiceImpl.availableOperations: create only with CREATE."""
        return collection_options(request, "filter", filters.may_create_filters(request.user))


class FilterCount(EngineView):
    """GET /filter/count."""

    def get(self, request: Request) -> Response:
        found = FILTER_QUERY.parse_filters(request.query_params)
        return Response(serializers.count_dto(_readable(request, found).count()))


def _fields(body: dict[str, Any]) -> dict[str, Any]:
    """The service's keyword arguments from a FilterDto body (POST /create, PUT)."""
    resource_type = body.get("resourceType")
    if resource_type != RESOURCE_TYPE:
        raise invalid_request(
            f"Filters of resource type '{resource_type}' are not supported: only 'Task'"
        )
    name, owner = body.get("name"), body.get("owner")
    if not isinstance(name, str):
        raise invalid_request("A filter needs a name")
    if owner is not None and not isinstance(owner, str):
        raise invalid_request("A filter's owner must be a user id")
    properties = body.get("properties") or {}
    if not isinstance(properties, dict):
        raise invalid_request("A filter's properties must be a JSON object")
    properties = dict(properties)
    columns = {key: properties.pop(key, None) for key in _COLUMNS}
    if columns["description"] is not None and not isinstance(columns["description"], str):
        raise invalid_request("The property 'description' must be a string")
    return {
        "name": name,
        "owner": owner,
        "query": stored_query(body.get("query")),
        "description": columns["description"] or "",
        "priority": 0 if columns["priority"] is None else columns["priority"],
        "properties": properties,
    }


class FilterCreate(EngineView):
    """POST /filter/create: 200 with the new FilterDto."""

    def post(self, request: Request) -> Response:
        saved = filters.create_filter(request.user, **_fields(json_body(request)))
        return Response(filter_dto(request, saved))


class FilterDetail(EngineView):
    """GET, PUT and DELETE /filter/{id}."""

    def get(self, request: Request, filter_id: str) -> Response:
        saved = filters.get_filter(request.user, filter_id)
        return Response(filter_dto(request, saved, flag(request.query_params, ITEM_COUNT.name)))

    def put(self, request: Request, filter_id: str) -> Response:
        filters.update_filter(request.user, filter_id, **_fields(json_body(request)))
        return Response(status=204)

    def delete(self, request: Request, filter_id: str) -> Response:
        filters.delete_filter(request.user, filter_id)
        return Response(status=204)

    def options(self, request: Request, filter_id: str) -> Response:
        """Camunda's FilterResourceImpl.availableOperations: the reading links (the filter,
        its tasks by GET and POST) with READ, then delete and update (PUT) by permission."""
        def may(permission: str) -> bool:
            return filters.may_use_filter(request.user, filter_id, permission)

        links: list[Link] = []
        if may(Permission.READ):
            links.append(link(request, "GET", "self", "filter", filter_id))
            for part in ("singleResult", "list", "count"):
                links += [link(request, method, part, "filter", filter_id, part)
                          for method in ("GET", "POST")]
        if may(Permission.DELETE):
            links.append(link(request, "DELETE", "delete", "filter", filter_id))
        if may(Permission.UPDATE):
            links.append(link(request, "PUT", "update", "filter", filter_id))
        return options_response(links)


def _extension(request: Request) -> tuple[dict[str, Any] | None, ParsedQuery]:
    """The extending task query of a POST, and the order and page the request asks for:
    `sorting` in the body, firstResult/maxResults in the query string (as POST /task)."""
    if request.method != "POST":
        return None, TASK_QUERY.parse(request.query_params, {})
    body = json_body(request)
    paging = {key: body.pop(key, None) for key in ("sorting", "firstResult", "maxResults")}
    return body, TASK_QUERY.parse(request.query_params, paging)


class FilterTaskList(EngineView):
    """GET and POST /filter/{id}/list: TaskDtos, paged by firstResult/maxResults; as HAL
    (`application/hal+json`), with the values of the filter's `properties.variables`."""

    renderer_classes = task_hal.RENDERERS

    def get(self, request: Request, filter_id: str) -> Response:
        saved = filters.get_filter(request.user, filter_id)
        extension, paging = _extension(request)
        tasks = filter_tasks_of(request, saved, extension)
        # The filter's own sorting first, then the request's (Camunda's mergeOrdering).
        page = list(paging.page.apply(tasks.order_by(*stored_order(saved.query),
                                                     *paging.order_by)))
        names = filters.variable_names(saved.properties)
        return task_list_response(request, page, tasks, names)

    post = get


class FilterTaskCount(EngineView):
    """GET and POST /filter/{id}/count."""

    def get(self, request: Request, filter_id: str) -> Response:
        saved = filters.get_filter(request.user, filter_id)
        tasks = filter_tasks_of(request, saved, _extension(request)[0])
        return Response(serializers.count_dto(tasks.count()))

    post = get


class FilterSingleResult(EngineView):
    """GET and POST /filter/{id}/singleResult: the one task, 204 when none."""

    def get(self, request: Request, filter_id: str) -> Response:
        saved = filters.get_filter(request.user, filter_id)
        found = list(filter_tasks_of(request, saved, _extension(request)[0])[:2])
        if len(found) > 1:
            # Camunda's FilterResourceImpl answers a query with several results so.
            raise invalid_request("Filter does not returns a valid single result")
        return Response(task_dtos(found)[0]) if found else Response(status=204)

    post = get
