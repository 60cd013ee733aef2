"""Which tenants a user may see (Camunda's authenticated tenant ids), and the request scope that
applies them to every read of engine data (engine/models/tenancy.py).

A user sees the tenants they belong to, directly or through a group, and the data of no tenant.
Members of the admin group and superusers see every tenant, as Camunda's tenant check spares
`camunda-admin`; so does the engine itself (no user). When no data belongs to a tenant the
user cannot see, nothing is filtered at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from engine.errors import EngineError
from engine.models import (
    DecisionDefinition,
    Deployment,
    HistoricTaskInstance,
    ProcessDefinition,
    Task,
)
from engine.models.tenancy import hidden_definition_ids, tenant_scope, unscoped
from identity.authorization import Actor, identity_of
from identity.models import TenantMembership


class TenantCheckError(EngineError):
    """Camunda: a command on data of a tenant the user does not belong to."""

    camunda_type = "ProcessEngineException"


def tenants_of(actor: Actor) -> frozenset[str] | None:
    """The tenants `actor` may see, or None for all (the engine, administrators)."""
    identity = identity_of(actor)
    if identity is None or identity.admin:
        return None
    memberships = TenantMembership.objects.filter(user__username=identity.user_id)
    by_group = TenantMembership.objects.filter(group__name__in=identity.group_ids)
    return frozenset(memberships.union(by_group).values_list("tenant_id", flat=True))


def hidden_tenants_exist(tenants: frozenset[str]) -> bool:
    """Whether any data belongs to a tenant outside `tenants`."""
    with unscoped():
        return (
            hidden_definition_ids(tenants).exists()
            or Deployment.objects.filter(tenant_id__isnull=False)
            .exclude(tenant_id__in=tenants)
            .exists()
            or DecisionDefinition.objects.filter(tenant_id__isnull=False)
            .exclude(tenant_id__in=tenants)
            .exists()
            # tasks of no process that have a tenant of their own, open or ended
            or any(
                model.objects.filter(tenant_id__isnull=False).exclude(tenant_id__in=tenants)
                .exists()
                for model in (Task, HistoricTaskInstance)
            )
        )


def visible_tenants_of(actor: Actor) -> frozenset[str] | None:
    """The tenants to filter reads by, or None when the user would miss nothing."""
    tenants = tenants_of(actor)
    if tenants is None or not hidden_tenants_exist(tenants):
        return None
    return tenants


def require_tenant_of_definition(actor: Actor, definition_id: str | None, what: str) -> None:
    """Refuse a command on data of `definition_id` when its tenant is not the user's."""
    if actor is None or not definition_id:
        return
    with unscoped():
        tenant = (
            ProcessDefinition.objects.filter(pk=definition_id)
            .values_list("tenant_id", flat=True)
            .first()
        )
    require_tenant(actor, tenant, what)


def require_tenant(actor: Actor, tenant_id: str | None, what: str) -> None:
    """Refuse a command on data of `tenant_id` when it is not one of the user's tenants."""
    if actor is None or tenant_id is None:
        return
    tenants = tenants_of(actor)
    if tenants is not None and tenant_id not in tenants:
        raise TenantCheckError(f"Cannot {what} because it belongs to no authenticated tenant.")


class TenantScopeMiddleware:
    """Every request reads engine data through its user's tenants. The user is looked up when
    the first read happens, so REST's HTTP Basic users (authenticated by the view) count."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with tenant_scope(_request_tenants(request)):
            return self.get_response(request)


def _request_tenants(request: HttpRequest) -> Callable[[], frozenset[str] | None]:
    cache: dict[str, Any] = {}

    def tenants() -> frozenset[str] | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # nobody yet: nothing is served to an anonymous request
        key = user.get_username()
        if key not in cache:
            cache[key] = visible_tenants_of(user)
        return cache[key]

    return tenants
