"""Small builders for identity tests: users, groups and authorization rows."""

from __future__ import annotations

from django.contrib.auth.models import Group, User

from identity.models import Authorization, AuthorizationType
from identity.resources import Permission, Resource

GLOBAL, GRANT, REVOKE = AuthorizationType.GLOBAL, AuthorizationType.GRANT, AuthorizationType.REVOKE


def make_user(username: str, *groups: str, password: str = "s3cret-pass-9") -> User:
    user = User.objects.create_user(username, password=password, first_name=username.title())
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


def rule(
    type: int,
    resource_type: int,
    resource_id: str,
    *permissions: str,
    user: str | None = None,
    group: str | None = None,
) -> Authorization:
    if type == GLOBAL:
        user = "*"
    return Authorization.objects.create(
        type=type, user_id=user, group_id=group, resource_type=resource_type,
        resource_id=resource_id, permissions=list(permissions),
    )


def join_tenant(username: str, tenant_id: str) -> None:
    """Make the user a member of the tenant (created when missing): the tenant check then
    shows them its data."""
    from identity.models import Tenant, TenantMembership

    tenant, _ = Tenant.objects.get_or_create(id=tenant_id)
    TenantMembership.objects.create(tenant=tenant, user=User.objects.get(username=username))


def grant_applications(username: str, *applications: str) -> None:
    """ACCESS on these applications, which Camunda requires before any of their pages open."""
    for application in applications:
        rule(GRANT, Resource.APPLICATION, application, Permission.ACCESS, user=username)
