"""Camunda's tenant check on reads: a user sees the engine data of their tenants and the data of
no tenant, nothing of other tenants.

A request sets where the tenants it may see come from (`tenant_scope`, identity/tenancy.py:
the user's tenant memberships, none for administrators); the default manager of every model
that holds tenant data then leaves out the rows of other tenants, in the same query. So lists,
counts and lookups by id of cockpit, tasklist and REST all obey it, and a row of another
tenant is simply not found. Outside a request (job executor, Celery, commands: `unscoped`)
nothing is filtered: the engine itself sees everything. A row belongs to a tenant through its
own `tenant_id` (deployments, definitions, decisions) or its process definition's (runtime
and history rows), or through its process instance's where it names no definition.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q

TenantSource = Callable[[], frozenset[str] | None]  # the visible tenants; None: all

_source: ContextVar[TenantSource | None] = ContextVar("legato_tenant_source", default=None)


def visible_tenants() -> frozenset[str] | None:
    """The tenants this request may see, or None when nothing is hidden."""
    source = _source.get()
    return None if source is None else source()


def current_source() -> TenantSource | None:
    """Where this request's visible tenants come from (None: everything is visible)."""
    return _source.get()


@contextmanager
def tenant_scope(source: TenantSource | None) -> Iterator[None]:
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


def unscoped() -> Any:
    """Everything visible, whatever the request: the engine's own reads inside a command."""
    return tenant_scope(None)


def hidden_definition_ids(tenants: frozenset[str]) -> models.QuerySet[Any]:
    definitions = apps.get_model("engine", "ProcessDefinition")._base_manager
    return definitions.filter(tenant_id__isnull=False).exclude(tenant_id__in=tenants).values("id")


def visible_definitions(field: str, instance_field: str) -> Q:
    """For a model read without the scoped manager (the operation log, whose hash chain is
    verified whole): its rows whose process definition and instance this request may see."""
    tenants = visible_tenants()
    if tenants is None:
        return Q()
    hidden = hidden_definition_ids(tenants)
    historic = apps.get_model("engine", "HistoricProcessInstance")._base_manager
    instances = historic.filter(process_definition_id__in=hidden).values("id")
    return ~Q(**{f"{field}__in": hidden}) & ~Q(**{f"{instance_field}__in": instances})


class TenantScopedManager(models.Manager):  # type: ignore[type-arg]
    """The default manager of a model with tenant data: see the module docstring. One of the
    keyword arguments names the field the tenant is found through; `tenant` may go with
    `definition`, for rows that have a tenant of their own where they have no definition
    (tasks of no process); `held_by_task` with `instance` or `historic_instance` names the
    field holding the id of the task of no process a row belongs to where it has no instance
    (its variables), whose tenant then decides."""

    def __init__(
        self,
        *,
        tenant: str | None = None,
        definition: str | None = None,
        instance: str | None = None,
        historic_instance: str | None = None,
        held_by_task: str | None = None,
    ) -> None:
        super().__init__()
        self._tenant = tenant
        self._definition = definition
        self._instance = instance
        self._historic_instance = historic_instance
        self._held_by_task = held_by_task

    def get_queryset(self) -> models.QuerySet[Any]:
        queryset = super().get_queryset()
        tenants = visible_tenants()
        if tenants is None:
            return queryset
        queryset = queryset.filter(self.visible(tenants))
        if self._held_by_task is not None:
            model = "Task" if self._instance is not None else "HistoricTaskInstance"
            tasks = apps.get_model("engine", model)._base_manager
            hidden = tasks.filter(tenant_id__isnull=False).exclude(tenant_id__in=tenants)
            queryset = queryset.exclude(**{f"{self._held_by_task}__in": hidden.values("id")})
        return queryset

    def visible(self, tenants: frozenset[str]) -> Q:
        own = None
        if self._tenant is not None:
            own = Q(**{f"{self._tenant}__isnull": True}) | Q(**{f"{self._tenant}__in": tenants})
            if self._definition is None:
                return own
        hidden = hidden_definition_ids(tenants)
        if self._definition is not None:
            by_definition = ~Q(**{f"{self._definition}__in": hidden})
            return by_definition if own is None else by_definition & own
        if self._instance is not None:
            instances = apps.get_model("engine", "ProcessInstance")._base_manager
            ids = instances.filter(process_definition_id__in=hidden).values("id")
            return ~Q(**{f"{self._instance}__in": ids})
        historic = apps.get_model("engine", "HistoricProcessInstance")._base_manager
        ids = historic.filter(process_definition_id__in=hidden).values("id")
        return ~Q(**{f"{self._historic_instance}__in": ids})
