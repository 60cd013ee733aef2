"""`/authorization` as Camunda 7's REST API shapes it, and the Legato history export.

The list and count parse their query parameters with AUTHORIZATION_QUERY, which the OpenAPI
document (engine/rest/openapi_identity.py) lists as well; an empty parameter counts as absent.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.dateparse import parse_datetime
from rest_framework.request import Request
from rest_framework.response import Response

from engine.errors import AuthorizationError, BadRequestError
from engine.rest.params import Kind, ListQuery, Param
from engine.rest.resource_options import collection_options, instance_options
from identity import authorization_admin as admin
from identity.authorization import ANY, identity_of, is_authorized
from identity.export import ExportFilter, export_response, may_export
from identity.models import Authorization
from identity.resources import Permission, Resource, permissions_of, resource_label
from identity.rest.base import CamundaView, body, present


def authorization_dto(rule: Authorization) -> dict[str, Any]:
    return {
        "id": rule.pk, "type": rule.type, "permissions": rule.permissions,
        "userId": rule.user_id, "groupId": rule.group_id, "resourceType": rule.resource_type,
        "resourceId": rule.resource_id, "removalTime": rule.removal_time,
        "rootProcessInstanceId": rule.root_process_instance_id,
    }


def _int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise BadRequestError(f"Cannot set query parameter '{name}' to value '{raw}'") from None


AUTHORIZATION_QUERY = ListQuery(
    filters=(
        Param("id", Kind.STRING, "Filter by the id of the authorization."),
        Param("type", Kind.INTEGER, "Filter by the authorization type: 0 global, 1 grant, "
              "2 revoke."),
        Param("userIdIn", Kind.STRING_LIST, "Filter by a comma-separated list of user ids."),
        Param("groupIdIn", Kind.STRING_LIST, "Filter by a comma-separated list of group ids."),
        Param("resourceType", Kind.INTEGER, "Filter by the resource type (its integer, e.g. "
              "6 process definition)."),
        Param("resourceId", Kind.STRING, "Filter by the resource id."),
    ),
    sort_fields={"resourceType": "resource_type", "resourceId": "resource_id"},
    default_order=("resource_type", "resource_id", "user_id", "group_id"),
)


def _rules(request: Request, filters: dict[str, Any]) -> QuerySet[Authorization]:
    query = admin.list_authorizations(
        request.user,
        user_ids=[u for u in filters.get("userIdIn", ()) if u],
        group_ids=[g for g in filters.get("groupIdIn", ()) if g],
        resource_type=filters.get("resourceType"),
        resource_id=filters.get("resourceId"),
        type=filters.get("type"),
    )
    if "id" in filters:
        query = query.filter(pk=filters["id"])
    return query


def _spec(data: dict[str, Any], type_: int | None = None) -> admin.AuthorizationSpec:
    try:
        permissions, user_id, group_id = (
            data.get("permissions") or (), data.get("userId"), data.get("groupId")
        )
        if not isinstance(permissions, list | tuple) or not all(
            isinstance(name, str) for name in [*permissions, *filter(None, (user_id, group_id))]
        ):
            raise TypeError("permissions, userId and groupId are names")
        return admin.AuthorizationSpec(
            type=int(data["type"]) if type_ is None else type_,
            resource_type=int(data["resourceType"]),
            resource_id=str(data.get("resourceId") or ""),
            permissions=tuple(permissions),
            user_id=user_id, group_id=group_id,
        )
    except (KeyError, TypeError, ValueError):
        raise BadRequestError(
            "An authorization needs type (0, 1 or 2), resourceType (an integer), resourceId, "
            "permissions and userId or groupId"
        ) from None


class AuthorizationList(CamundaView):
    def get(self, request: Request) -> Response:
        parsed = AUTHORIZATION_QUERY.parse(present(request.query_params))
        rows = parsed.page.apply(_rules(request, parsed.filters).order_by(*parsed.order_by))
        return Response([authorization_dto(r) for r in rows])

    def options(self, request: Request) -> Response:
        """Camunda's AuthorizationRestServiceImpl.availableOperations."""
        may_create = is_authorized(request.user, Permission.CREATE, Resource.AUTHORIZATION, ANY)
        return collection_options(request, "authorization", may_create)


class AuthorizationCount(CamundaView):
    def get(self, request: Request) -> Response:
        filters = AUTHORIZATION_QUERY.parse_filters(present(request.query_params))
        return Response({"count": _rules(request, filters).count()})


class AuthorizationCreate(CamundaView):
    def post(self, request: Request) -> Response:
        rule = admin.create_authorization(request.user, _spec(body(request)))
        return Response(authorization_dto(rule))


class AuthorizationDetail(CamundaView):
    def get(self, request: Request, authorization_id: str) -> Response:
        return Response(authorization_dto(admin.get_authorization(request.user, authorization_id)))

    def put(self, request: Request, authorization_id: str) -> Response:
        admin.update_authorization(request.user, authorization_id, _spec(body(request), 0))
        return Response(status=204)

    def delete(self, request: Request, authorization_id: str) -> Response:
        admin.delete_authorization(request.user, authorization_id)
        return Response(status=204)

    def options(self, request: Request, authorization_id: str) -> Response:
        """Camunda's AuthorizationResourceImpl.availableOperations."""
        def may(permission: str) -> bool:
            return is_authorized(request.user, permission, Resource.AUTHORIZATION,
                                 authorization_id)

        return instance_options(request, "authorization", authorization_id,
                                may_delete=may(Permission.DELETE),
                                may_update=may(Permission.UPDATE))


class AuthorizationCheck(CamundaView):
    """GET /authorization/check: may the authenticated user (or, for admins, `userId`) ...?"""

    def get(self, request: Request) -> Response:
        params = request.query_params
        permission = params.get("permissionName")
        resource_type = _int_param(request, "resourceType")
        if not permission or resource_type is None:
            raise BadRequestError("Query parameters 'permissionName' and 'resourceType' are "
                                  "required")
        if permission not in _valid_permissions(resource_type):
            # Camunda's ResourceTypeUtil.getPermissionByNameAndResourceType (a 400)
            raise BadRequestError(f"The permission '{permission}' is not valid for "
                                  f"'{resource_label(resource_type)}' resource type.")
        actor: Any = request.user
        if params.get("userId"):
            # Checking someone else's permissions reveals them: only who may read authorizations.
            if not is_authorized(request.user, "READ", Resource.AUTHORIZATION):
                raise AuthorizationError("Checking another user's permissions needs READ on "
                                         "resource type Authorization")
            actor = params["userId"]
        resource_id = params.get("resourceId") or "*"
        return Response({
            "permissionName": permission,
            "resourceName": params.get("resourceName") or resource_label(resource_type),
            "resourceId": resource_id,
            "authorized": is_authorized(actor, permission, resource_type, resource_id),
        })


def _valid_permissions(resource_type: int) -> tuple[str, ...]:
    try:
        return permissions_of(resource_type)
    except ValueError:  # no such resource type: no permission is valid for it
        return ()


def _time(request: Request, name: str):  # -> datetime | None
    raw = request.query_params.get(name)
    if not raw:
        return None
    # Camunda's date format is yyyy-MM-dd'T'HH:mm:ss.SSSZ, e.g. 2024-01-31T10:00:00.000+0100.
    parsed = parse_datetime(raw.replace(" ", "+"))
    if parsed is None or parsed.tzinfo is None:
        raise BadRequestError(f"Cannot convert value '{raw}' of '{name}' to a date with a "
                              "time zone")
    return parsed


class HistoryExport(CamundaView):
    """GET /history/export (Legato): one kind of history as CSV or JSON Lines, streamed."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # `format` names the file format here; DRF would take it as a renderer override.
        return (self.renderer_classes[0](), "application/json")

    def get(self, request: Request) -> HttpResponse:
        if not may_export(request.user):
            identity = identity_of(request.user)
            raise AuthorizationError(
                f"The user with id '{identity.user_id if identity else ''}' may read no "
                "history: it needs READ_HISTORY on a process definition or READ on an "
                "operation log category"
            )
        params = request.query_params
        flt = ExportFilter(
            after=_time(request, "after"), before=_time(request, "before"),
            process_definition_key=params.get("processDefinitionKey") or None,
            process_instance_id=params.get("processInstanceId") or None,
            user_id=params.get("userId") or None,
        )
        return export_response(request._request, request.user, params.get("kind", ""),
                               params.get("format", "csv"), flt)
