"""`/user`, `/group` and `/identity` as Camunda 7's REST API shapes them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, User
from rest_framework.request import Request
from rest_framework.response import Response

from engine.errors import BadRequestError
from identity import accounts
from identity.authorization import readable_ids, require
from identity.models import GroupProfile
from identity.resources import Permission, Resource
from identity.rest.base import CamundaView, body, paged

NO_CONTENT = Response(status=204)


def user_dto(user: User) -> dict[str, Any]:
    return {"id": user.username, "firstName": user.first_name, "lastName": user.last_name,
            "email": user.email}


def group_dto(group: Group) -> dict[str, Any]:
    profile = GroupProfile.objects.filter(group=group).first()
    return {"id": group.name, "name": profile.name if profile else group.name,
            "type": profile.type if profile else ""}


def _users(request: Request):  # -> QuerySet[User]
    query = User.objects.filter(readable_ids(request.user, Resource.USER).q("username"))
    params = request.query_params
    filters = {
        "id": "username", "firstName": "first_name", "lastName": "last_name", "email": "email",
        "firstNameLike": "first_name__icontains", "lastNameLike": "last_name__icontains",
        "emailLike": "email__icontains", "memberOfGroup": "groups__name",
        "memberOfTenant": "tenant_memberships__tenant_id",
    }
    for param, lookup in filters.items():
        if params.get(param):
            value = params[param].replace("%", "") if param.endswith("Like") else params[param]
            query = query.filter(**{lookup: value})
    if params.get("idIn"):
        query = query.filter(username__in=params["idIn"].split(","))
    order = "-username" if params.get("sortOrder") == "desc" else "username"
    return query.order_by(order)


class UserList(CamundaView):
    def get(self, request: Request) -> Response:
        return Response([user_dto(u) for u in paged(request, _users(request))])


class UserCount(CamundaView):
    def get(self, request: Request) -> Response:
        return Response({"count": _users(request).count()})


class UserCreate(CamundaView):
    def post(self, request: Request) -> Response:
        data = body(request)
        profile, credentials = data.get("profile") or {}, data.get("credentials") or {}
        if not profile.get("id") or not credentials.get("password"):
            raise BadRequestError("A user needs profile.id and credentials.password")
        accounts.create_user(
            request.user, profile["id"], credentials["password"],
            first_name=profile.get("firstName") or "", last_name=profile.get("lastName") or "",
            email=profile.get("email") or "",
        )
        return NO_CONTENT


class UserProfile(CamundaView):
    def get(self, request: Request, user_id: str) -> Response:
        require(request.user, Permission.READ, Resource.USER, user_id)
        return Response(user_dto(accounts.get_user(user_id)))

    def put(self, request: Request, user_id: str) -> Response:
        data = body(request)
        accounts.update_profile(
            request.user, user_id, first_name=data.get("firstName") or "",
            last_name=data.get("lastName") or "", email=data.get("email") or "",
        )
        return NO_CONTENT


class UserCredentials(CamundaView):
    def put(self, request: Request, user_id: str) -> Response:
        data = body(request)
        if not data.get("password"):
            raise BadRequestError("The new password is missing")
        accounts.set_password(request.user, user_id, data["password"],
                              data.get("authenticatedUserPassword"))
        return NO_CONTENT


class UserUnlock(CamundaView):
    """POST /user/{id}/unlock: administrators only."""

    def post(self, request: Request, user_id: str) -> Response:
        accounts.unlock_user(request.user, user_id)
        return NO_CONTENT


class UserDetail(CamundaView):
    def delete(self, request: Request, user_id: str) -> Response:
        accounts.delete_user(request.user, user_id)
        return NO_CONTENT


def _groups(request: Request):  # -> QuerySet[Group]
    query = Group.objects.filter(readable_ids(request.user, Resource.GROUP).q("name"))
    params = request.query_params
    if params.get("id"):
        query = query.filter(name=params["id"])
    if params.get("idIn"):
        query = query.filter(name__in=params["idIn"].split(","))
    if params.get("name"):
        query = query.filter(profile__name=params["name"])
    if params.get("nameLike"):
        query = query.filter(profile__name__icontains=params["nameLike"].replace("%", ""))
    if params.get("type"):
        query = query.filter(profile__type=params["type"])
    if params.get("member"):
        query = query.filter(user__username=params["member"])
    if params.get("memberOfTenant"):
        query = query.filter(tenant_memberships__tenant_id=params["memberOfTenant"])
    return query.order_by("name")


class GroupList(CamundaView):
    def get(self, request: Request) -> Response:
        return Response([group_dto(g) for g in paged(request, _groups(request))])


class GroupCount(CamundaView):
    def get(self, request: Request) -> Response:
        return Response({"count": _groups(request).count()})


class GroupCreate(CamundaView):
    def post(self, request: Request) -> Response:
        data = body(request)
        if not data.get("id"):
            raise BadRequestError("A group needs an id")
        accounts.create_group(request.user, data["id"], data.get("name") or "",
                              data.get("type") or "")
        return NO_CONTENT


class GroupDetail(CamundaView):
    def get(self, request: Request, group_id: str) -> Response:
        require(request.user, Permission.READ, Resource.GROUP, group_id)
        return Response(group_dto(accounts.get_group(group_id)))

    def put(self, request: Request, group_id: str) -> Response:
        data = body(request)
        accounts.update_group(request.user, group_id, name=data.get("name") or "",
                              group_type=data.get("type"))
        return NO_CONTENT

    def delete(self, request: Request, group_id: str) -> Response:
        accounts.delete_group(request.user, group_id)
        return NO_CONTENT


class GroupMember(CamundaView):
    def put(self, request: Request, group_id: str, user_id: str) -> Response:
        accounts.add_member(request.user, group_id, user_id)
        return NO_CONTENT

    def delete(self, request: Request, group_id: str, user_id: str) -> Response:
        accounts.remove_member(request.user, group_id, user_id)
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
        return Response({"authenticatedUser": username, "authenticated": user is not None})
