"""Event subscriptions as Camunda's EventSubscriptionQuery reads them (ACT_RU_EVENT_SUBSCR):
those of waiting executions and those of deployed start events (no instance, no execution)."""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery

from engine.models import EventSubscription, ProcessDefinition, ProcessInstance
from engine.queries.executions import shown_as, with_public_execution


def list_event_subscriptions(
    *,
    event_subscription_id: str | None = None,
    event_name: str | None = None,
    event_type: str | None = None,
    execution_id: str | None = None,
    process_instance_id: str | None = None,
    activity_id: str | None = None,
    readable: Q | None = None,
) -> QuerySet[EventSubscription]:
    """Every filter given must hold; `readable` narrows the rows to what a caller may read.

    The rows carry `tenant_id` (of their definition) and `instance_key` (the definition key
    of their instance, null for a start event's subscription), which the table lacks.
    """
    rows = EventSubscription.objects.annotate(
        tenant_id=Subquery(
            ProcessDefinition.objects.filter(pk=OuterRef("process_definition_id")).values(
                "tenant_id"
            )[:1]
        ),
        # Camunda checks READ_INSTANCE on the key of the subscription's execution, so a
        # start event's subscription (no execution) is readable through `*` grants only.
        instance_key=Subquery(
            ProcessInstance.objects.filter(pk=OuterRef("process_instance_id")).values(
                "process_definition__key"
            )[:1]
        ),
    )
    exact = {
        "pk": event_subscription_id,
        "event_name": event_name,
        "event_type": event_type,
        "process_instance_id": process_instance_id,
        "activity_id": activity_id,
    }
    rows = rows.filter(**{field: value for field, value in exact.items() if value is not None})
    if execution_id is not None:
        rows = rows.filter(shown_as(execution_id))
    rows = with_public_execution(rows)
    return rows if readable is None else rows.filter(readable)
