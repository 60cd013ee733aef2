"""Read-only statistics the cockpit shows and engine.queries does not offer yet.

Camunda's cockpit gets these from its webapp plugin (`process-definition/statistics`), whose
per-key counting is a known slow query when done per row; here every count is a correlated
subquery of one SQL statement, so a page costs the same number of queries for 3 keys or 3,000.
Move these into engine.queries once the runtime store owns instance statistics.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
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
from django.utils import timezone

from engine.models import (
    Deployment,
    Execution,
    HistoricActivityInstance,
    Incident,
    Job,
    ProcessDefinition,
    ProcessInstance,
    Resource,
    Task,
)
from engine.queries import list_deployments, list_process_definitions
from engine.runtime.modification import MI_BODY_SUFFIX


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
    """The dashboard's numbers, each counted over what the user may read."""

    running_instances: int
    open_incidents: int
    deployed_processes: int
    incidents_by_type: list[tuple[str, int]]
    incidents_by_process: list[tuple[str, int]]
    jobs_due: int
    jobs_failing: int
    open_tasks: int


def overview(instances: Q | None = None, definitions: Q | None = None) -> Overview:
    """`instances` filters process instances, `definitions` definitions: what the user may read
    (cockpit.permissions.readable_definitions with the matching key column)."""
    readable_definitions = ProcessDefinition.objects.filter(definitions or Q())
    definition_ids = readable_definitions.values("id")
    incidents = Incident.objects.filter(process_definition_id__in=definition_ids)
    jobs = Job.objects.filter(process_definition_id__in=definition_ids)
    now = timezone.now()
    return Overview(
        running_instances=ProcessInstance.objects.filter(instances or Q()).count(),
        open_incidents=incidents.count(),
        deployed_processes=readable_definitions.values("key").distinct().count(),
        incidents_by_type=list(
            incidents.values_list("incident_type").annotate(n=Count("*")).order_by("-n")
        ),
        incidents_by_process=_incidents_by_key(incidents),
        jobs_due=jobs.filter(
            Q(due_date__isnull=True) | Q(due_date__lte=now), retries__gt=0, suspended=False
        ).count(),
        jobs_failing=jobs.filter(retries=0).count(),
        open_tasks=Task.objects.filter(process_definition_id__in=definition_ids).count(),
    )


def _incidents_by_key(incidents: QuerySet[Incident]) -> list[tuple[str, int]]:
    """Open incidents per definition key, most first (ids are `key:version:uuid`)."""
    per_id = incidents.values_list("process_definition_id").annotate(n=Count("*"))
    per_key: dict[str, int] = {}
    for definition_id, number in per_id:
        key = (definition_id or "").split(":", 1)[0]
        per_key[key] = per_key.get(key, 0) + number
    return sorted(per_key.items(), key=lambda item: (-item[1], item[0]))


ActivityCounts = dict[str, dict[str, int]]


def activity_counts(definition_id: str) -> ActivityCounts:
    """`{activity_id: {"running": n, "incidents": m}}` for the diagram's badges.

    Running tokens are the instance's execution rows resting in an activity (Camunda counts
    activity instances; a scope such as a sub-process counts as running too). Two grouped
    queries, whatever the number of instances, each on an index of the definition's rows.
    """
    counts: ActivityCounts = {}
    running = (
        Execution.objects.filter(process_definition_id=definition_id, activity_id__isnull=False)
        .values("activity_id")
        .annotate(n=Count("*"))
        .values_list("activity_id", "n")
    )
    for activity_id, number in running:
        counts[activity_id] = {"running": number, "incidents": 0}
    incidents = (
        Incident.objects.filter(process_definition_id=definition_id, activity_id__isnull=False)
        .values("activity_id")
        .annotate(n=Count("*"))
        .values_list("activity_id", "n")
    )
    for activity_id, number in incidents:
        counts.setdefault(activity_id, {"running": 0, "incidents": 0})["incidents"] = number
    return counts


def ended_activity_instances(
    definition_id: str,
    started_after: datetime | None = None,
    started_before: datetime | None = None,
) -> QuerySet[HistoricActivityInstance]:
    """The ended activity instances of one version (multi-instance bodies left out), by the
    rows' own definition id and its index (`hi_act_definition`): twice as fast as going
    through the historic process instances (the REST statistics) when the definition owns
    most of the history, and a definition with little history reads only its own."""
    rows = HistoricActivityInstance.objects.filter(
        process_definition_id=definition_id, end_time__isnull=False
    ).exclude(activity_id__endswith=MI_BODY_SUFFIX)
    if started_after is not None:
        rows = rows.filter(start_time__gte=started_after)
    if started_before is not None:
        rows = rows.filter(start_time__lt=started_before)
    return rows


def historic_activity_counts(
    definition_id: str,
    *,
    started_after: datetime | None = None,
    started_before: datetime | None = None,
) -> ActivityCounts:
    """`{activity_id: {"finished": n, "canceled": m}}`: the ended activity instances of one
    version in history, for the diagram's History and Heatmap views.

    `finished` counts the ones that completed, `canceled` the ones cut off (a deleted instance,
    an interrupting boundary event); still-running ones are the Running view's. A multi-instance
    activity counts its instances, not its body (`X#multiInstanceBody`): the count says how
    often X ran. `started_after` is inclusive, `started_before` exclusive.

    One grouped query on the rows' own definition id (`ended_activity_instances`).
    """
    rows = ended_activity_instances(definition_id, started_after, started_before)
    grouped = (
        rows.order_by()
        .values("activity_id")
        .annotate(
            finished=Count("id", filter=Q(canceled=False)),
            canceled=Count("id", filter=Q(canceled=True)),
        )
        .values_list("activity_id", "finished", "canceled")
    )
    counts: ActivityCounts = {}
    for activity_id, finished, canceled in grouped:
        counts[activity_id] = {"finished": finished, "canceled": canceled}
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
