"""Which tenants an event reaches (Camunda's tenantId / withoutTenantId of a message
correlation, a signal or a condition evaluation, and the tenant of a thrown signal)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TenantFilter:
    """The subscriptions and start events of `tenant_id` (None: of no tenant), and with
    `with_shared` those of no tenant as well: a signal thrown in a tenant's instance reaches
    its own tenant and the definitions shared by all (ThrowSignalEventActivityBehavior)."""

    tenant_id: str | None
    with_shared: bool = False

    @classmethod
    def of_thrower(cls, tenant_id: str | None) -> TenantFilter:
        return cls(tenant_id, with_shared=tenant_id is not None)

    def admits(self, tenant_id: str | None) -> bool:
        if tenant_id is None:
            return self.tenant_id is None or self.with_shared
        return tenant_id == self.tenant_id
