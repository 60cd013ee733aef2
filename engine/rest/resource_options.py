"""Camunda's ResourceOptionsDto: what an OPTIONS request on a resource answers.

Camunda's `availableOperations` resources answer `{"links": [{method, href, rel}, ...]}`
rather than a description of the resource, and list only the operations the caller's
authorizations allow (checked on the resource's type with its id, or `*` for a collection).
"""

from __future__ import annotations

from urllib.parse import quote

from rest_framework.request import Request
from rest_framework.response import Response

Link = dict[str, str]


def link(request: Request, method: str, rel: str, *segments: str) -> Link:
    """One AtomLink to `/engine-rest/<segments>`; ids are escaped, as Camunda's UriBuilder."""
    path = "/".join(quote(segment, safe="") for segment in segments)
    return {"method": method, "href": request.build_absolute_uri(f"/engine-rest/{path}"),
            "rel": rel}


def options_response(links: list[Link]) -> Response:
    return Response({"links": links})


def collection_options(request: Request, resource: str, may_create: bool) -> Response:
    """A collection's options (`/user`, `/group`, `/tenant`, `/authorization`, `/filter`):
    list and count for everyone, create only with CREATE on the resource type."""
    links = [link(request, "GET", "list", resource), link(request, "GET", "count", resource,
                                                            "count")]
    if may_create:
        links.append(link(request, "POST", "create", resource, "create"))
    return options_response(links)


def instance_options(request: Request, resource: str, resource_id: str, *, may_delete: bool,
                     may_update: bool) -> Response:
    """One instance's options (`/group/{id}`, `/tenant/{id}`, `/authorization/{id}`): self for
    everyone, delete and update (PUT) with DELETE and UPDATE on that id."""
    links = [link(request, "GET", "self", resource, resource_id)]
    if may_delete:
        links.append(link(request, "DELETE", "delete", resource, resource_id))
    if may_update:
        links.append(link(request, "PUT", "update", resource, resource_id))
    return options_response(links)
