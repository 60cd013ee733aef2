"""Rows of a migrated process instance (effect `InstanceMigrated`): what kept its id now names
the target definition and the target activities.

Migration is an operator's command on a few instances, not the engine's hot path, so this
module writes with the ORM, a statement per kind of row (per activity where ids differ);
the store's held writes are sent before the first of them (engine.store.rows).
"""

from __future__ import annotations

from engine import definitions
from engine.models import (
    EventSubscription,
    ExternalTask,
    HistoricActivityInstance,
    HistoricIncident,
    HistoricProcessInstance,
    HistoricTaskInstance,
    Incident,
    Job,
    ProcessInstance,
    Task,
)
from engine.runtime import effects as fx
from engine.runtime.job_definitions import job_definition_id


def write_migrated(effect: fx.InstanceMigrated, *, history: bool) -> None:
    """Rewrite the runtime rows (and with `history` the history rows) of one instance."""
    target = definitions.runtime_definition(effect.target_definition_id)
    instance_id = effect.process_instance_id
    ProcessInstance.objects.filter(pk=instance_id).update(process_definition_id=target.id)
    for task in effect.tasks:
        Task.objects.filter(pk=task.id).update(
            process_definition_id=target.id,
            task_definition_key=task.task_definition_key,
            execution_id=task.execution_id,  # another one when scopes were added or removed
        )
    for job in effect.jobs:
        new_definition = job_definition_id(target.id, job.activity_id, job.kind)
        Job.objects.filter(pk=job.id).update(
            process_definition_id=target.id,
            process_definition_key=target.key,
            activity_id=job.activity_id,
            job_definition_id=new_definition,
        )
        # a failed job's incident follows its job definition
        Incident.objects.filter(configuration=job.id).update(job_definition_id=new_definition)
        HistoricIncident.objects.filter(configuration=job.id).update(
            job_definition_id=new_definition
        )
    for subscription in effect.subscriptions:
        EventSubscription.objects.filter(pk=subscription.id).update(
            process_definition_id=target.id,
            activity_id=subscription.activity_id,
            event_name=subscription.event_name,
        )
    for external in effect.external_tasks:
        ExternalTask.objects.filter(pk=external.id).update(
            process_definition_id=target.id,
            process_definition_key=target.key,
            activity_id=external.activity_id,
            execution_id=external.execution_id,
        )
    # row by row: a plan may swap two ids, which one UPDATE per activity would mix up
    renamed = effect.activity_map
    for incident in Incident.objects.filter(process_instance_id=instance_id):
        Incident.objects.filter(pk=incident.pk).update(
            process_definition_id=target.id,
            activity_id=renamed.get(incident.activity_id or "", incident.activity_id),
            failed_activity_id=renamed.get(
                incident.failed_activity_id or "", incident.failed_activity_id
            ),
        )
    if history:
        _write_history(effect, target.id)


def _write_history(effect: fx.InstanceMigrated, target_id: str) -> None:
    """Camunda rewrites the historic instance, the activity instances that are still running
    and the open tasks and incidents; finished history keeps the definition it ran on."""
    target = definitions.runtime_definition(target_id)
    instance_id = effect.process_instance_id
    HistoricProcessInstance.objects.filter(pk=instance_id).update(
        process_definition_id=target.id,
        process_definition_key=target.key,
        process_definition_name=target.process.name,
        process_definition_version=target.version,
    )
    by_activity: dict[str, list[str]] = {}
    for activity_instance_id, activity_id in effect.activity_instances.items():
        by_activity.setdefault(activity_id, []).append(activity_instance_id)
    for activity_id, activity_instance_ids in by_activity.items():
        HistoricActivityInstance.objects.filter(pk__in=activity_instance_ids).update(
            activity_id=activity_id, process_definition_id=target.id
        )
    for activity_instance_id, parent_id in effect.parent_activity_instances.items():
        # moved into an added sub-process or out of a removed one
        HistoricActivityInstance.objects.filter(pk=activity_instance_id).update(
            parent_activity_instance_id=parent_id
        )
    for task in effect.tasks:
        HistoricTaskInstance.objects.filter(pk=task.id).update(
            process_definition_id=target.id,
            task_definition_key=task.task_definition_key,
            execution_id=task.execution_id,
        )
    open_incidents = HistoricIncident.objects.filter(
        process_instance_id=instance_id, end_time__isnull=True
    )
    for incident in open_incidents:
        HistoricIncident.objects.filter(pk=incident.pk).update(
            process_definition_id=target.id,
            activity_id=effect.activity_map.get(incident.activity_id or "", incident.activity_id),
        )
