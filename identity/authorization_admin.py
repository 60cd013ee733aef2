"""Creating, changing and deleting authorizations: validated, checked and logged."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from engine.errors import BadRequestError, NotFoundError
from engine.models.oplog import Category, EntityType, OperationType
from engine.services.oplog import OperationLog
from identity.accounts import actor_id
from identity.authorization import Actor, readable_ids, require
from identity.live_access import rule_changed
from identity.models import Authorization, AuthorizationType
from identity.resources import ANY, Permission, Resource, permissions_of


@dataclass(frozen=True)
class AuthorizationSpec:
    """What a form or REST body asks for; `validated()` says in words what is wrong."""

    type: int
    resource_type: int
    resource_id: str
    permissions: tuple[str, ...]
    user_id: str | None = None
    group_id: str | None = None

    def validated(self) -> AuthorizationSpec:
        if self.type not in AuthorizationType.values:
            raise BadRequestError(f"Authorization type {self.type} is not 0, 1 or 2")
        try:
            valid = permissions_of(Resource(self.resource_type))
        except ValueError:
            raise BadRequestError(f"Resource type {self.resource_type} is not known") from None
        unknown = [p for p in self.permissions if p not in valid]
        if unknown:
            raise BadRequestError(
                f"The permission{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
                f"cannot be used for resource type {Resource(self.resource_type).label}"
            )
        user_id, group_id = self.user_id or None, self.group_id or None
        if (user_id is None) == (group_id is None):
            raise BadRequestError("An authorization names either a user or a group, not both")
        if self.type == AuthorizationType.GLOBAL and user_id != ANY:
            raise BadRequestError("A global authorization applies to every user: user id '*'")
        if self.type != AuthorizationType.GLOBAL and ANY in (user_id, group_id):
            raise BadRequestError(
                "Grant and revoke name one user or group; use a global authorization for '*'"
            )
        if not self.resource_id:
            raise BadRequestError("The resource id is missing: use '*' for every resource")
        names = tuple(dict.fromkeys(self.permissions)) or (Permission.NONE,)
        return AuthorizationSpec(
            self.type, self.resource_type, self.resource_id, names, user_id, group_id
        )


_LOGGED = ("type", "user_id", "group_id", "resource_type", "resource_id", "permissions")
_PROPERTY = {
    "type": "type", "user_id": "userId", "group_id": "groupId",
    "resource_type": "resource", "resource_id": "resourceId", "permissions": "permissions",
}


def _value(authorization: Authorization, field: str) -> object:
    value = getattr(authorization, field)
    return ",".join(value) if isinstance(value, list) else value


def _log(actor: Actor, operation: str) -> OperationLog:
    return OperationLog(actor_id(actor), operation, EntityType.AUTHORIZATION,
                        category=Category.ADMIN)


def get_authorization(actor: Actor, authorization_id: str) -> Authorization:
    require(actor, Permission.READ, Resource.AUTHORIZATION, authorization_id)
    found = Authorization.objects.filter(pk=authorization_id).first()
    if found is None:
        raise NotFoundError(f"Authorization with id {authorization_id} does not exist.")
    return found


def list_authorizations(
    actor: Actor,
    *,
    user_ids: Iterable[str] = (),
    group_ids: Iterable[str] = (),
    resource_type: int | None = None,
    resource_id: str | None = None,
    type: int | None = None,
):  # -> QuerySet[Authorization]
    """Authorizations the actor may read, filtered; one query when evaluated."""
    query = Authorization.objects.filter(readable_ids(actor, Resource.AUTHORIZATION).q("id"))
    users, groups = list(user_ids), list(group_ids)
    if users:
        query = query.filter(user_id__in=users)
    if groups:
        query = query.filter(group_id__in=groups)
    if resource_type is not None:
        query = query.filter(resource_type=resource_type)
    if resource_id:
        query = query.filter(resource_id=resource_id)
    if type is not None:
        query = query.filter(type=type)
    return query.order_by("resource_type", "resource_id", "user_id", "group_id")


@transaction.atomic
def create_authorization(actor: Actor, spec: AuthorizationSpec) -> Authorization:
    require(actor, Permission.CREATE, Resource.AUTHORIZATION)
    spec = spec.validated()
    authorization = Authorization(
        type=spec.type, user_id=spec.user_id, group_id=spec.group_id,
        resource_type=spec.resource_type, resource_id=spec.resource_id,
        permissions=list(spec.permissions),
    )
    _save(authorization)
    rule_changed(authorization.user_id, authorization.group_id)
    log = _log(actor, OperationType.CREATE)
    for field in _LOGGED:
        log.add(_PROPERTY[field], new_value=_value(authorization, field))
    log.add("authorizationId", new_value=authorization.pk).save()
    return authorization


@transaction.atomic
def update_authorization(
    actor: Actor, authorization_id: str, spec: AuthorizationSpec
) -> Authorization:
    require(actor, Permission.UPDATE, Resource.AUTHORIZATION, authorization_id)
    authorization = Authorization.objects.select_for_update().filter(pk=authorization_id).first()
    if authorization is None:
        raise NotFoundError(f"Authorization with id {authorization_id} does not exist.")
    # Camunda keeps the type of an existing authorization; only the rest can change.
    spec = AuthorizationSpec(authorization.type, *_rest(spec)).validated()
    before = {field: _value(authorization, field) for field in _LOGGED}
    named_before = (authorization.user_id, authorization.group_id)
    authorization.user_id, authorization.group_id = spec.user_id, spec.group_id
    authorization.resource_type, authorization.resource_id = spec.resource_type, spec.resource_id
    authorization.permissions = list(spec.permissions)
    _save(authorization)
    # Both whom it named and whom it names now may hear other groups.
    rule_changed(authorization.user_id, authorization.group_id)
    if named_before != (authorization.user_id, authorization.group_id):
        rule_changed(*named_before)
    log = _log(actor, OperationType.UPDATE)
    for field in _LOGGED:
        after = _value(authorization, field)
        if after != before[field]:
            log.add(_PROPERTY[field], org_value=before[field], new_value=after)
    log.add("authorizationId", new_value=authorization.pk).save()
    return authorization


def _rest(spec: AuthorizationSpec) -> tuple:
    return (spec.resource_type, spec.resource_id, spec.permissions, spec.user_id, spec.group_id)


def _save(authorization: Authorization) -> None:
    try:
        with transaction.atomic():
            authorization.save()
    except IntegrityError:
        raise BadRequestError(
            "An authorization of this type for this user or group on this resource exists "
            "already: change that one instead"
        ) from None


@transaction.atomic
def delete_authorization(actor: Actor, authorization_id: str) -> None:
    require(actor, Permission.DELETE, Resource.AUTHORIZATION, authorization_id)
    authorization = Authorization.objects.filter(pk=authorization_id).first()
    if authorization is None:
        raise NotFoundError(f"Authorization with id {authorization_id} does not exist.")
    log = _log(actor, OperationType.DELETE)
    for field in _LOGGED:
        log.add(_PROPERTY[field], org_value=_value(authorization, field))
    authorization.delete()
    rule_changed(authorization.user_id, authorization.group_id)
    log.add("authorizationId", org_value=authorization_id).save()
