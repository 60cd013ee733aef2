"""Read-only statistics the cockpit shows and engine.queries does not offer yet.

Camunda's cockpit gets these from its webapp plugin (`process-definition/statistics`), whose
per-key counting is a known slow query when done per row; here every count is a correlated
subquery of one SQL statement, so a page costs the same number of queries for 3 keys or 3,000.
Move these into engine.queries once the runtime store owns instance statistics.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Lower

from engine.models import Deployment, Incident, ProcessDefinition, ProcessInstance, Resource
from engine.queries import list_deployments, list_process_definitions


def _count_of(rows: QuerySet[Any]) -> Coalesce:
    """`(SELECT COUNT(id) FROM ... WHERE ...)` as a column; 0 when no row matches.

    COUNT as a plain Func keeps Django from adding a GROUP BY, so the subquery yields exactly
    one row however many rows match.
    """
    counted = rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def process_statistics(search: str = "") -> QuerySet[ProcessDefinition]:
    """The latest version of every key, annotated with counts over all versions of that key.

    Annotations: `version_count`, `running_instances`, `open_incidents`. Camunda's processes
    list counts instances and incidents of every version of a key, not only the latest.
    """
    latest = list_process_definitions(latest_version=True)
    if search:
        latest = latest.filter(Q(key__icontains=search) | Q(name__icontains=search))
    versions = ProcessDefinition.objects.filter(key=OuterRef("key"))
    instances = ProcessInstance.objects.filter(process_definition__key=OuterRef("key"))
    # Incident rows name their definition by id only (no foreign key): match the key's ids.
    incidents = Incident.objects.filter(
        process_definition_id__in=ProcessDefinition.objects.filter(
            key=OuterRef(OuterRef("key"))
        ).values("id")
    )
    return latest.annotate(
        version_count=_count_of(versions),
        running_instances=_count_of(instances),
        open_incidents=_count_of(incidents),
    ).order_by(Lower(Coalesce("name", "key")), "key")


@dataclass(frozen=True)
class Overview:
    """The dashboard's numbers."""

    running_instances: int
    open_incidents: int
    deployed_processes: int


def overview() -> Overview:
    return Overview(
        running_instances=ProcessInstance.objects.count(),
        open_incidents=Incident.objects.count(),
        deployed_processes=ProcessDefinition.objects.values("key").distinct().count(),
    )


ActivityCounts = dict[str, dict[str, int]]


def activity_counts(definition_id: str) -> ActivityCounts:
    """`{activity_id: {"running": n, "incidents": m}}` for the diagram's badges.

    Incidents are counted from their rows. Running tokens per activity live in the instance
    state, which the runtime store will project; until it lands every `running` is 0.
    """
    counts: ActivityCounts = {}
    rows = (
        Incident.objects.filter(process_definition_id=definition_id, activity_id__isnull=False)
        .values("activity_id")
        .annotate(n=Count("*"))
        .values_list("activity_id", "n")
    )
    for activity_id, number in rows:
        counts[activity_id] = {"running": 0, "incidents": number}
    return counts


def running_instances_of(definition_ids: list[str]) -> int:
    return ProcessInstance.objects.filter(process_definition_id__in=definition_ids).count()


def versions_of(definition: ProcessDefinition) -> QuerySet[ProcessDefinition]:
    """Every version of the definition's key (same tenant), newest first."""
    return (
        ProcessDefinition.objects.filter(key=definition.key, tenant_id=definition.tenant_id)
        .only("id", "version", "version_tag")
        .order_by("-version")
    )


def deployments_with_contents() -> QuerySet[Deployment]:
    """Deployments newest first, with their resources (names only) and definitions prefetched."""
    return list_deployments().prefetch_related(
        Prefetch("resources", queryset=Resource.objects.defer("content").order_by("name")),
        Prefetch(
            "process_definitions", queryset=ProcessDefinition.objects.order_by("key", "version")
        ),
    )
