"""Message, signal and conditional start events: only the newest version of a key is started
by them.

Camunda keeps them as event subscriptions without a process instance; a new version takes
them over, and deleting the newest version gives them back to the one before.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from engine import definitions
from engine.bpmn.model import Definitions, EventKind
from engine.models import EventSubscription, Job, ProcessDefinition


def subscribe_start_events(
    rows: Sequence[ProcessDefinition],
    now: datetime | None = None,
    parsed: dict[str, Definitions] | None = None,
) -> None:
    """The given versions take over the start events of their keys from every other version
    of the same tenant.

    `parsed` (by resource name) spares re-reading files a deployment has just parsed."""
    EventSubscription.objects.filter(
        process_instance_id__isnull=True, process_definition_id__in=_versions_of(rows)
    ).delete()
    subscriptions = []
    for row in rows:
        file = (parsed or {}).get(row.resource_name) or definitions.definitions_of_resource(
            row.deployment_id, row.resource_name
        )
        for start in file.process(row.key).start_events:
            trigger = start.definition
            if trigger.kind is EventKind.MESSAGE and trigger.message_ref:
                name = file.messages[trigger.message_ref].name
            elif trigger.kind is EventKind.SIGNAL and trigger.signal_ref:
                name = file.signals[trigger.signal_ref].name
            elif trigger.kind is EventKind.CONDITIONAL:
                name = None  # found by evaluate_start_conditions, by type alone
            else:
                continue
            subscriptions.append(
                EventSubscription(
                    id=str(uuid.uuid4()),
                    event_type=trigger.kind.value,
                    event_name=name,
                    activity_id=start.id,
                    process_definition_id=row.id,
                    created=now or timezone.now(),
                )
            )
    EventSubscription.objects.bulk_create(subscriptions)


def _versions_of(rows: Sequence[ProcessDefinition]) -> QuerySet[ProcessDefinition, str]:
    """The ids of every version of the rows' keys, each key within its row's tenant: a key
    deployed for two tenants is two processes (Camunda keeps their start events apart)."""
    same = Q(pk__in=[])
    for row in rows:
        same |= Q(key=row.key, tenant_id=row.tenant_id)
    return ProcessDefinition.objects.filter(same).values_list("id", flat=True)


def schedule_timer_starts(rows: Sequence[ProcessDefinition]) -> None:
    """Timer start events of the new versions get their jobs; older versions' timer-start
    jobs are removed (Camunda reschedules timer starts when a new version is deployed)."""
    from engine.runtime.starts import timer_start_jobs
    from engine.services.runtime import clock, environment
    from engine.store.django_store import DjangoStore

    Job.objects.filter(
        process_instance_id__isnull=True,
        type="timer-start-event",
        process_definition_id__in=_versions_of(rows),
    ).delete()
    store = DjangoStore()
    for row in rows:
        effects = timer_start_jobs(definitions.runtime_definition(row.id), clock(), environment())
        if effects:
            store.record(None, effects)


def restore_start_events(key: str, tenant_id: str | None, *, deleted_version: int) -> None:
    """After deleting version `deleted_version`, the newest remaining version takes over."""
    newest = (
        ProcessDefinition.objects.filter(key=key, tenant_id=tenant_id).order_by("-version").first()
    )
    if newest is None or newest.version > deleted_version:
        return  # no version left, or the deleted one was not the newest
    subscribe_start_events([newest])
    schedule_timer_starts([newest])
