"""Tenants and their user and group memberships, as Camunda 7's identity service has them.

Same contract as identity.accounts: the acting user comes first, each function checks
Camunda's permission (Tenant, Tenant membership; both with the tenant id) and logs the change
(category Admin) in its transaction, and errors are engine errors.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.db.models import Q, QuerySet

from engine.errors import BadRequestError, NotFoundError
from engine.models.oplog import Category, EntityType, OperationType
from engine.services.limits import check_fits
from engine.services.oplog import OperationLog
from identity.accounts import actor_id, check_id, get_group, get_user
from identity.authorization import Actor, require
from identity.live_access import access_changed
from identity.models import Authorization, AuthorizationType, Tenant, TenantMembership
from identity.resources import Permission, Resource


def _log(actor: Actor, operation: str, entity: str) -> OperationLog:
    return OperationLog(actor_id(actor), operation, entity, category=Category.ADMIN)


def get_tenant(tenant_id: str) -> Tenant:
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        # Camunda's TenantResourceImpl wording.
        raise NotFoundError(f"Tenant with id {tenant_id} does not exist")
    return tenant


def tenants_of_user(user_id: str, *, including_groups: bool = False) -> QuerySet[Tenant]:
    """The tenants the user belongs to; with `including_groups` also through their groups
    (Camunda's TenantQuery.userMember(...).includingGroupsOfUser(true))."""
    member = Q(memberships__user__username=user_id)
    if including_groups:
        member |= Q(memberships__group__user__username=user_id)
    return Tenant.objects.filter(member).distinct()


@transaction.atomic
def create_tenant(actor: Actor, tenant_id: str, name: str = "") -> Tenant:
    require(actor, Permission.CREATE, Resource.TENANT)
    check_id("Tenant", tenant_id)
    check_fits(Tenant, name=name)
    if Tenant.objects.filter(pk=tenant_id).exists():
        raise BadRequestError(f"A tenant with id '{tenant_id}' already exists")
    # Camunda's DefaultAuthorizationProvider.newTenant grants nothing: members get READ below.
    tenant = Tenant.objects.create(id=tenant_id, name=name)
    _log(actor, OperationType.CREATE, EntityType.TENANT).add(
        "tenantId", new_value=tenant_id
    ).save()
    return tenant


@transaction.atomic
def update_tenant(actor: Actor, tenant_id: str, *, name: str) -> Tenant:
    require(actor, Permission.UPDATE, Resource.TENANT, tenant_id)
    check_fits(Tenant, name=name)
    tenant = get_tenant(tenant_id)
    log = _log(actor, OperationType.UPDATE, EntityType.TENANT)
    if tenant.name != name:
        log.add("name", org_value=tenant.name, new_value=name)
        tenant.name = name
        tenant.save(update_fields=["name"])
    log.add("tenantId", new_value=tenant_id).save()
    return tenant


@transaction.atomic
def delete_tenant(actor: Actor, tenant_id: str) -> None:
    require(actor, Permission.DELETE, Resource.TENANT, tenant_id)
    tenant = get_tenant(tenant_id)
    members = list(tenant.memberships.values_list("user__username", "group__name"))
    access_changed(users=[u for u, _ in members if u], groups=[g for _, g in members if g])
    # As Camunda's deleteTenant: its memberships (cascade) and the rules about it go too.
    Authorization.objects.filter(resource_type=Resource.TENANT, resource_id=tenant_id).delete()
    tenant.delete()
    _log(actor, OperationType.DELETE, EntityType.TENANT).add(
        "tenantId", org_value=tenant_id
    ).save()


def _member(user: User | None, group: Group | None) -> tuple[Q, dict[str, str], str, str]:
    """The membership filter, the rule columns and the log property and id of one member."""
    if user is not None:
        return Q(user=user), {"user_id": user.username}, "userId", user.username
    assert group is not None
    return Q(group=group), {"group_id": group.name}, "groupId", group.name


def _member_changed(user: User | None, group: Group | None) -> None:
    access_changed(users=[user.username] if user else [], groups=[group.name] if group else [])


def _add(actor: Actor, tenant: Tenant, user: User | None, group: Group | None) -> None:
    membership, who, prop, member_id = _member(user, group)
    if tenant.memberships.filter(membership).exists():
        return  # an existing membership answers 204, as group memberships do
    TenantMembership.objects.create(tenant=tenant, user=user, group=group)
    _member_changed(user, group)
    # Camunda's DefaultAuthorizationProvider.tenantMembershipCreated: READ on the tenant.
    rule, created = Authorization.objects.get_or_create(
        type=AuthorizationType.GRANT, resource_type=Resource.TENANT, resource_id=tenant.id,
        **who, defaults={"permissions": [Permission.READ]},
    )
    if not created and not rule.grants(Permission.READ):
        rule.permissions = [p for p in rule.permissions if p != Permission.NONE]
        rule.permissions.append(Permission.READ)
        rule.save(update_fields=["permissions"])
    _log(actor, OperationType.CREATE, EntityType.TENANT_MEMBERSHIP).add(
        prop, new_value=member_id
    ).add("tenantId", new_value=tenant.id).save()


def _remove(actor: Actor, tenant: Tenant, user: User | None, group: Group | None) -> None:
    membership, who, prop, member_id = _member(user, group)
    if not tenant.memberships.filter(membership).delete()[0]:
        return
    _member_changed(user, group)
    # As Camunda's deleteTenant*Membership: the member's own rules on the tenant go too.
    Authorization.objects.filter(
        resource_type=Resource.TENANT, resource_id=tenant.id, **who
    ).delete()
    _log(actor, OperationType.DELETE, EntityType.TENANT_MEMBERSHIP).add(
        prop, org_value=member_id
    ).add("tenantId", org_value=tenant.id).save()


@transaction.atomic
def add_user_member(actor: Actor, tenant_id: str, user_id: str) -> None:
    require(actor, Permission.CREATE, Resource.TENANT_MEMBERSHIP, tenant_id)
    _add(actor, get_tenant(tenant_id), get_user(user_id), None)


@transaction.atomic
def remove_user_member(actor: Actor, tenant_id: str, user_id: str) -> None:
    require(actor, Permission.DELETE, Resource.TENANT_MEMBERSHIP, tenant_id)
    _remove(actor, get_tenant(tenant_id), get_user(user_id), None)


@transaction.atomic
def add_group_member(actor: Actor, tenant_id: str, group_id: str) -> None:
    require(actor, Permission.CREATE, Resource.TENANT_MEMBERSHIP, tenant_id)
    _add(actor, get_tenant(tenant_id), None, get_group(group_id))


@transaction.atomic
def remove_group_member(actor: Actor, tenant_id: str, group_id: str) -> None:
    require(actor, Permission.DELETE, Resource.TENANT_MEMBERSHIP, tenant_id)
    _remove(actor, get_tenant(tenant_id), None, get_group(group_id))
