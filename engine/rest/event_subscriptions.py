"""`/event-subscription` and `/event-subscription/count` (Camunda's EventSubscriptionRestService,
GET only): the message, signal and conditional subscriptions of waiting executions and of
deployed start events.

Lists hold the subscriptions of instances the caller may read (READ on the instance or
READ_INSTANCE on its definition, Camunda's AuthorizationManager.configureEventSubscriptionQuery);
a start event's subscription belongs to no instance and shows only with a `*` grant.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.request import Request

from engine import queries
from engine.models import EventSubscription
from engine.rest import serializers
from engine.rest.base import readable_instances
from engine.rest.listing import list_views
from engine.rest.params import Kind, ListQuery, Param, tenant_filter

S, B, L = Kind.STRING, Kind.BOOLEAN, Kind.STRING_LIST

EVENT_SUBSCRIPTION_QUERY = ListQuery(
    filters=(
        Param("eventSubscriptionId", S, "Only the subscription with this id."),
        Param("eventName", S, "Only subscriptions for events with this name."),
        Param("eventType", S, "Only subscriptions of this type: `message`, `signal`, "
              "`compensate` or `conditional` (Legato keeps no compensate subscriptions)."),
        Param("executionId", S, "Only subscriptions of this execution."),
        Param("processInstanceId", S, "Only subscriptions of this process instance."),
        Param("activityId", S, "Only subscriptions of this activity (the catching event)."),
        Param("tenantIdIn", L, "Only subscriptions of definitions of these tenants."),
        Param("withoutTenantId", B, "Only subscriptions of no tenant."),
        Param("includeEventSubscriptionsWithoutTenantId", B,
              "With tenantIdIn: also subscriptions of no tenant."),
    ),
    sort_fields={"created": "created", "tenantId": "tenant_id"},
)

# Parameter -> keyword of queries.list_event_subscriptions.
_EXACT = {
    "eventSubscriptionId": "event_subscription_id",
    "eventName": "event_name",
    "eventType": "event_type",
    "executionId": "execution_id",
    "processInstanceId": "process_instance_id",
    "activityId": "activity_id",
}


def filter_event_subscriptions(
    request: Request, filters: dict[str, Any]
) -> QuerySet[EventSubscription]:
    rows = queries.list_event_subscriptions(
        **{keyword: filters[param] for param, keyword in _EXACT.items() if param in filters},
        readable=readable_instances(request, "process_instance_id", "instance_key"),
    )
    tenants = tenant_filter(
        filters,
        without_tenant="withoutTenantId",
        include_without_tenant="includeEventSubscriptionsWithoutTenantId",
    )
    return rows if tenants is None else rows.filter(tenants)


def event_subscription_dtos(rows: list[Any]) -> list[serializers.Dto]:
    return [serializers.event_subscription_dto(row, row.tenant_id) for row in rows]


EventSubscriptionList, EventSubscriptionCount = list_views(
    EVENT_SUBSCRIPTION_QUERY, filter_event_subscriptions, event_subscription_dtos, post=False
)
