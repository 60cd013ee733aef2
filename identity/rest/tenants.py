"""`/tenant` as Camunda 7's REST API shapes it: TenantDto `{id, name}`, memberships, OPTIONS.

Differences from Camunda (docs/rest.md): an unknown tenant, user or group is a 404 on every
call (Camunda: 204 on DELETE of an unknown tenant, 500 on memberships), a duplicate id a 400
(Camunda: 500 from the database), and an existing membership is a 204 (Camunda: 500).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.request import Request
from rest_framework.response import Response

from engine.errors import BadRequestError
from engine.rest.params import Kind, ListQuery, Param, like
from engine.rest.resource_options import (
    collection_options,
    instance_options,
    link,
    options_response,
)
from identity import tenants
from identity.authorization import ANY, is_authorized, readable_ids, require
from identity.models import Tenant
from identity.resources import Permission, Resource
from identity.rest.base import CamundaView, body

NO_CONTENT = Response(status=204)

TENANT_QUERY = ListQuery(
    filters=(
        Param("id", Kind.STRING, "Filter by the id of the tenant."),
        Param("idIn", Kind.STRING_LIST, "Filter by a comma-separated list of tenant ids."),
        Param("name", Kind.STRING, "Filter by the name of the tenant."),
        Param("nameLike", Kind.STRING, "Filter by a substring of the name (SQL LIKE, %)."),
        Param("userMember", Kind.STRING, "Only tenants the user is a member of."),
        Param("groupMember", Kind.STRING, "Only tenants the group is a member of."),
        Param(
            "includingGroupsOfUser", Kind.BOOLEAN,
            "With userMember: also the tenants of the user's groups.",
        ),
    ),
    sort_fields={"id": "id", "name": "name"},
)


def tenant_dto(tenant: Tenant) -> dict[str, Any]:
    return {"id": tenant.id, "name": tenant.name or None}


def _tenants(request: Request, filters: dict[str, Any]) -> QuerySet[Tenant]:
    query = Tenant.objects.filter(readable_ids(request.user, Resource.TENANT).q("id"))
    if "id" in filters:
        query = query.filter(id=filters["id"])
    if "idIn" in filters:
        query = query.filter(id__in=filters["idIn"])
    if "name" in filters:
        query = query.filter(name=filters["name"])
    if "nameLike" in filters:
        query = query.filter(like("name", filters["nameLike"]))
    if "userMember" in filters:
        members = tenants.tenants_of_user(
            filters["userMember"], including_groups=bool(filters.get("includingGroupsOfUser"))
        )
        query = query.filter(id__in=members.values("id"))
    if "groupMember" in filters:
        query = query.filter(memberships__group__name=filters["groupMember"])
    return query


class TenantList(CamundaView):
    def get(self, request: Request) -> Response:
        parsed = TENANT_QUERY.parse(request.query_params)
        rows = parsed.page.apply(_tenants(request, parsed.filters).order_by(*parsed.order_by))
        return Response([tenant_dto(t) for t in rows])

    def options(self, request: Request) -> Response:
        """Camunda's TenantRestServiceImpl.availableOperations: create only with CREATE."""
        may_create = is_authorized(request.user, Permission.CREATE, Resource.TENANT, ANY)
        return collection_options(request, "tenant", may_create)


class TenantCount(CamundaView):
    def get(self, request: Request) -> Response:
        filters = TENANT_QUERY.parse_filters(request.query_params)
        return Response({"count": _tenants(request, filters).count()})


class TenantCreate(CamundaView):
    def post(self, request: Request) -> Response:
        data = body(request)
        if not data.get("id"):
            raise BadRequestError("A tenant needs an id")
        tenants.create_tenant(request.user, str(data["id"]), str(data.get("name") or ""))
        return NO_CONTENT


class TenantDetail(CamundaView):
    def get(self, request: Request, tenant: str) -> Response:
        require(request.user, Permission.READ, Resource.TENANT, tenant)
        return Response(tenant_dto(tenants.get_tenant(tenant)))

    def put(self, request: Request, tenant: str) -> Response:
        data = body(request)
        if data.get("id") not in (None, tenant):
            raise BadRequestError("The id of a tenant cannot be changed")
        tenants.update_tenant(request.user, tenant, name=str(data.get("name") or ""))
        return NO_CONTENT

    def delete(self, request: Request, tenant: str) -> Response:
        tenants.delete_tenant(request.user, tenant)
        return NO_CONTENT

    def options(self, request: Request, tenant: str) -> Response:
        """Camunda's TenantResourceImpl.availableOperations."""
        return instance_options(
            request, "tenant", tenant,
            may_delete=is_authorized(request.user, Permission.DELETE, Resource.TENANT, tenant),
            may_update=is_authorized(request.user, Permission.UPDATE, Resource.TENANT, tenant),
        )


def _membership_options(request: Request, tenant_id: str, kind: str) -> Response:
    """Camunda's Tenant{User,Group}MembersResourceImpl.availableOperations."""
    path = ("tenant", tenant_id, kind)
    links = [link(request, "GET", "self", *path)]
    if is_authorized(request.user, Permission.DELETE, Resource.TENANT_MEMBERSHIP, tenant_id):
        links.append(link(request, "DELETE", "delete", *path))
    if is_authorized(request.user, Permission.CREATE, Resource.TENANT_MEMBERSHIP, tenant_id):
        links.append(link(request, "PUT", "create", *path))
    return options_response(links)


class TenantUserMembers(CamundaView):
    def options(self, request: Request, tenant: str) -> Response:
        return _membership_options(request, tenant, "user-members")


class TenantUserMember(CamundaView):
    def put(self, request: Request, tenant: str, user_id: str) -> Response:
        tenants.add_user_member(request.user, tenant, user_id)
        return NO_CONTENT

    def delete(self, request: Request, tenant: str, user_id: str) -> Response:
        tenants.remove_user_member(request.user, tenant, user_id)
        return NO_CONTENT


class TenantGroupMembers(CamundaView):
    def options(self, request: Request, tenant: str) -> Response:
        return _membership_options(request, tenant, "group-members")


class TenantGroupMember(CamundaView):
    def put(self, request: Request, tenant: str, group_id: str) -> Response:
        tenants.add_group_member(request.user, tenant, group_id)
        return NO_CONTENT

    def delete(self, request: Request, tenant: str, group_id: str) -> Response:
        tenants.remove_group_member(request.user, tenant, group_id)
        return NO_CONTENT
