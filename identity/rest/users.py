"""`/user`, `/group` and `/identity` as Camunda 7's REST API shapes them.

The lists and counts parse their query parameters with USER_QUERY and GROUP_QUERY, which the
OpenAPI document (engine/rest/openapi_identity.py) lists as well. An empty parameter counts as
absent, and `*Like` filters match a substring in any case (their `%` wildcards are dropped).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, User
from django.db.models import QuerySet
from rest_framework.request import Request
from rest_framework.response import Response

from engine.errors import BadRequestError
from engine.rest.params import Kind, ListQuery, Param
from engine.rest.resource_options import (
    Link,
    collection_options,
    instance_options,
    link,
    options_response,
)
from identity import accounts
from identity.authorization import ANY, is_authorized, readable_ids, require
from identity.models import GroupProfile
from identity.resources import Permission, Resource
from identity.rest.base import CamundaView, body, member_object, present

NO_CONTENT = Response(status=204)


def user_dto(user: User) -> dict[str, Any]:
    return {"id": user.username, "firstName": user.first_name, "lastName": user.last_name,
            "email": user.email}


def group_dto(group: Group) -> dict[str, Any]:
    profile = GroupProfile.objects.filter(group=group).first()
    return {"id": group.name, "name": profile.name if profile else group.name,
            "type": profile.type if profile else ""}


def _like(what: str) -> str:
    return f"Filter by a substring of the {what}, in any case (`%` wildcards are ignored)."


USER_QUERY = ListQuery(
    filters=(
        Param("id", Kind.STRING, "Filter by the id of the user."),
        Param("idIn", Kind.STRING_LIST, "Filter by a comma-separated list of user ids."),
        Param("firstName", Kind.STRING, "Filter by the first name of the user."),
        Param("firstNameLike", Kind.STRING, _like("first name")),
        Param("lastName", Kind.STRING, "Filter by the last name of the user."),
        Param("lastNameLike", Kind.STRING, _like("last name")),
        Param("email", Kind.STRING, "Filter by the email of the user."),
        Param("emailLike", Kind.STRING, _like("email")),
        Param("memberOfGroup", Kind.STRING, "Only the members of the group with this id."),
        Param("memberOfTenant", Kind.STRING, "Only the direct members of the tenant."),
    ),
    sort_fields={"userId": "username", "firstName": "first_name", "lastName": "last_name",
                 "email": "email"},
    default_order=("username",),
)
# USER_QUERY's filters (but idIn) -> the lookup each one applies.
_USER_LOOKUPS = {
    "id": "username", "firstName": "first_name", "lastName": "last_name", "email": "email",
    "firstNameLike": "first_name__icontains", "lastNameLike": "last_name__icontains",
    "emailLike": "email__icontains", "memberOfGroup": "groups__name",
    "memberOfTenant": "tenant_memberships__tenant_id",
}


def _users(request: Request, filters: dict[str, Any]) -> QuerySet[User]:
    query = User.objects.filter(readable_ids(request.user, Resource.USER).q("username"))
    for param, lookup in _USER_LOOKUPS.items():
        if param in filters:
            value = filters[param]
            query = query.filter(**{lookup: value.replace("%", "") if "Like" in param else value})
    if "idIn" in filters:
        query = query.filter(username__in=filters["idIn"])
    return query


class UserList(CamundaView):
    def get(self, request: Request) -> Response:
        parsed = USER_QUERY.parse(present(request.query_params))
        rows = parsed.page.apply(_users(request, parsed.filters).order_by(*parsed.order_by))
        return Response([user_dto(u) for u in rows])

    def options(self, request: Request) -> Response:
        """Camunda's UserRestServiceImpl.availableOperations: create only with CREATE."""
        may_create = is_authorized(request.user, Permission.CREATE, Resource.USER, ANY)
        return collection_options(request, "user", may_create)


class UserCount(CamundaView):
    def get(self, request: Request) -> Response:
        filters = USER_QUERY.parse_filters(present(request.query_params))
        return Response({"count": _users(request, filters).count()})


class UserCreate(CamundaView):
    def post(self, request: Request) -> Response:
        data = body(request)
        profile, credentials = member_object(data, "profile"), member_object(data, "credentials")
        if not profile.get("id") or not credentials.get("password"):
            raise BadRequestError("A user needs profile.id and credentials.password")
        accounts.create_user(
            request.user, profile["id"], credentials["password"],
            first_name=profile.get("firstName") or "", last_name=profile.get("lastName") or "",
            email=profile.get("email") or "",
        )
        return NO_CONTENT


class UserProfile(CamundaView):
    def get(self, request: Request, user: str) -> Response:
        require(request.user, Permission.READ, Resource.USER, user)
        return Response(user_dto(accounts.get_user(user)))

    def put(self, request: Request, user: str) -> Response:
        data = body(request)
        accounts.update_profile(
            request.user, user, first_name=data.get("firstName") or "",
            last_name=data.get("lastName") or "", email=data.get("email") or "",
        )
        return NO_CONTENT


class UserCredentials(CamundaView):
    def put(self, request: Request, user: str) -> Response:
        data = body(request)
        if not data.get("password"):
            raise BadRequestError("The new password is missing")
        accounts.set_password(request.user, user, data["password"],
                              data.get("authenticatedUserPassword"))
        return NO_CONTENT


class UserUnlock(CamundaView):
    """POST /user/{id}/unlock: administrators only."""

    def post(self, request: Request, user: str) -> Response:
        accounts.unlock_user(request.user, user)
        return NO_CONTENT


class UserDetail(CamundaView):
    def delete(self, request: Request, user: str) -> Response:
        accounts.delete_user(request.user, user)
        return NO_CONTENT

    def options(self, request: Request, user: str) -> Response:
        """Camunda's UserResourceImpl.availableOperations: `self` and `update` are the
        profile's GET and PUT, `delete` the user's own DELETE."""
        links = [link(request, "GET", "self", "user", user, "profile")]
        if is_authorized(request.user, Permission.DELETE, Resource.USER, user):
            links.append(link(request, "DELETE", "delete", "user", user))
        if is_authorized(request.user, Permission.UPDATE, Resource.USER, user):
            links.append(link(request, "PUT", "update", "user", user, "profile"))
        return options_response(links)


GROUP_QUERY = ListQuery(
    filters=(
        Param("id", Kind.STRING, "Filter by the id of the group."),
        Param("idIn", Kind.STRING_LIST, "Filter by a comma-separated list of group ids."),
        Param("name", Kind.STRING, "Filter by the name of the group."),
        Param("nameLike", Kind.STRING, _like("name")),
        Param("type", Kind.STRING, "Filter by the type of the group."),
        Param("member", Kind.STRING, "Only the groups the user with this id is a member of."),
        Param("memberOfTenant", Kind.STRING, "Only the groups that are direct members of the "
              "tenant."),
    ),
    sort_fields={"id": "name", "name": "profile__name", "type": "profile__type"},
    default_order=("name",),
)
# GROUP_QUERY's filters (but idIn) -> the lookup each one applies.
_GROUP_LOOKUPS = {
    "id": "name", "name": "profile__name", "nameLike": "profile__name__icontains",
    "type": "profile__type", "member": "user__username",
    "memberOfTenant": "tenant_memberships__tenant_id",
}


def _groups(request: Request, filters: dict[str, Any]) -> QuerySet[Group]:
    query = Group.objects.filter(readable_ids(request.user, Resource.GROUP).q("name"))
    for param, lookup in _GROUP_LOOKUPS.items():
        if param in filters:
            value = filters[param]
            query = query.filter(**{lookup: value.replace("%", "") if "Like" in param else value})
    if "idIn" in filters:
        query = query.filter(name__in=filters["idIn"])
    return query


class GroupList(CamundaView):
    """GET and POST /group (the POST form: GroupQueryDto in the body, `sorting` a list)."""

    def get(self, request: Request) -> Response:
        return self._list(request, None)

    def post(self, request: Request) -> Response:
        return self._list(request, body(request))

    def _list(self, request: Request, data: dict[str, Any] | None) -> Response:
        parsed = GROUP_QUERY.parse(present(request.query_params), data)
        rows = parsed.page.apply(_groups(request, parsed.filters).order_by(*parsed.order_by))
        return Response([group_dto(g) for g in rows])

    def options(self, request: Request) -> Response:
        """Camunda's GroupRestServiceImpl.availableOperations: create only with CREATE."""
        may_create = is_authorized(request.user, Permission.CREATE, Resource.GROUP, ANY)
        return collection_options(request, "group", may_create)


class GroupCount(CamundaView):
    """GET and POST /group/count."""

    def get(self, request: Request) -> Response:
        return self._count(request, None)

    def post(self, request: Request) -> Response:
        return self._count(request, body(request))

    def _count(self, request: Request, data: dict[str, Any] | None) -> Response:
        filters = GROUP_QUERY.parse(present(request.query_params), data).filters
        return Response({"count": _groups(request, filters).count()})


class GroupCreate(CamundaView):
    def post(self, request: Request) -> Response:
        data = body(request)
        if not data.get("id"):
            raise BadRequestError("A group needs an id")
        accounts.create_group(request.user, data["id"], data.get("name") or "",
                              data.get("type") or "")
        return NO_CONTENT


class GroupDetail(CamundaView):
    def get(self, request: Request, group: str) -> Response:
        require(request.user, Permission.READ, Resource.GROUP, group)
        return Response(group_dto(accounts.get_group(group)))

    def put(self, request: Request, group: str) -> Response:
        data = body(request)
        accounts.update_group(request.user, group, name=data.get("name") or "",
                              group_type=data.get("type"))
        return NO_CONTENT

    def delete(self, request: Request, group: str) -> Response:
        accounts.delete_group(request.user, group)
        return NO_CONTENT

    def options(self, request: Request, group: str) -> Response:
        """Camunda's GroupResourceImpl.availableOperations."""
        return instance_options(
            request, "group", group,
            may_delete=is_authorized(request.user, Permission.DELETE, Resource.GROUP, group),
            may_update=is_authorized(request.user, Permission.UPDATE, Resource.GROUP, group),
        )


class GroupMembers(CamundaView):
    """OPTIONS /group/{id}/members, Camunda's GroupMembersResourceImpl.availableOperations:
    no `self` (the resource has no GET), delete and create by the membership permissions."""

    def options(self, request: Request, group: str) -> Response:
        path = ("group", group, "members")
        links: list[Link] = []
        if is_authorized(request.user, Permission.DELETE, Resource.GROUP_MEMBERSHIP, group):
            links.append(link(request, "DELETE", "delete", *path))
        if is_authorized(request.user, Permission.CREATE, Resource.GROUP_MEMBERSHIP, group):
            links.append(link(request, "PUT", "create", *path))
        return options_response(links)


class GroupMember(CamundaView):
    def put(self, request: Request, group: str, user_id: str) -> Response:
        accounts.add_member(request.user, group, user_id)
        return NO_CONTENT

    def delete(self, request: Request, group: str, user_id: str) -> Response:
        accounts.remove_member(request.user, group, user_id)
        return NO_CONTENT


class IdentityGroups(CamundaView):
    """GET /identity/groups?userId=: the user's groups and the other members of them."""

    def get(self, request: Request) -> Response:
        user_id = request.query_params.get("userId")
        if not user_id:
            raise BadRequestError("No user id was supplied")
        require(request.user, Permission.READ, Resource.USER, user_id)
        groups = Group.objects.filter(user__username=user_id).order_by("name")
        members = User.objects.filter(groups__in=groups).distinct().order_by("username")
        return Response({
            "groups": [{"id": g.name, "name": group_dto(g)["name"]} for g in groups],
            "groupUsers": [
                {"id": u.username, "firstName": u.first_name, "lastName": u.last_name,
                 "displayName": u.get_full_name() or u.username}
                for u in members
            ],
        })


class IdentityVerify(CamundaView):
    def post(self, request: Request) -> Response:
        data = body(request)
        username, password = data.get("username"), data.get("password")
        if not username or not password:
            raise BadRequestError("Username and password are required")
        user = authenticate(username=username, password=password)
        # Camunda's AuthenticationResult: verifyUser only checks the password, so `tenants`
        # and `groups` stay null (its OpenAPI says "Will be null").
        return Response({
            "authenticatedUser": username,
            "authenticated": user is not None,
            "tenants": None,
            "groups": None,
        })
