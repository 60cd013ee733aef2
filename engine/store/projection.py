"""Effects of one command -> rows, in a few bulk statements (never one per element).

The interpreter's effects say what changed; this module writes the runtime projection
(tasks, subscriptions, jobs, external tasks, variables) and the history rows. It groups
effects by kind so a straight-through instance costs one INSERT per table it touches.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from engine.models import (
    EventSubscription,
    ExternalTask,
    Job,
    VariableInstance,
)
from engine.runtime import effects as fx
from engine.runtime.job_definitions import job_definition_id
from engine.runtime.values import TypedValue
from engine.store.decision_history import write_decision_instances
from engine.store.identity_links import log_identity_links
from engine.store.job_overrides import apply_job_definitions
from engine.store.logs import log_external_tasks, log_jobs
from engine.store.migration_rows import write_migrated
from engine.store.moved_work import write_moved_work
from engine.store.subtasks import probe_subtasks
from engine.store.tables import (
    HISTORIC_ACTIVITIES,
    HISTORIC_DETAILS,
    HISTORIC_INSTANCES,
    HISTORIC_VARIABLES,
    VARIABLES,
    variable_instance_id,
)
from engine.store.task_rows import duration_ms, write_task_history, write_tasks

HISTORY_LEVELS = ("none", "activity", "audit", "full")


@dataclass(frozen=True)
class DefinitionFacts:
    """What history rows repeat from the definition (kept out of the instance state)."""

    id: str
    key: str
    name: str | None
    version: int
    tenant_id: str | None = None  # not in history rows: live events go to the tenant's groups


@dataclass
class InstanceFacts:
    """Per-instance values the runtime rows repeat for queries."""

    business_key: str | None = None
    start_user_id: str | None = None


def query_columns(value: TypedValue) -> dict[str, Any]:
    """The typed columns a variable query compares against (Camunda's text/long/double)."""
    raw = value.value
    columns: dict[str, Any] = {"text_value": None, "long_value": None, "double_value": None}
    if raw is None:  # a typed null (`{"value": null, "type": "Long"}`) compares as nothing
        return columns
    if value.type in ("Integer", "Long", "Short"):
        columns["long_value"] = raw
        columns["double_value"] = float(raw)
        columns["text_value"] = str(raw)
    elif value.type == "Double":
        columns["double_value"] = raw
        columns["text_value"] = repr(raw)
    elif value.type == "Boolean":
        columns["long_value"] = int(raw)
        columns["text_value"] = "true" if raw else "false"
    elif value.type == "String":
        columns["text_value"] = raw
    elif value.type == "Date":
        columns["long_value"] = int(raw.timestamp() * 1000)
    return columns


@dataclass
class _Batch:
    """Effects of one command, grouped by what they write."""

    instance_started: dict[str, fx.ProcessInstanceStarted] = field(default_factory=dict)
    instance_finished: dict[str, fx.ProcessInstanceFinished] = field(default_factory=dict)
    activities_started: dict[str, fx.ActivityInstanceStarted] = field(default_factory=dict)
    activities_ended: dict[str, fx.ActivityInstanceEnded] = field(default_factory=dict)
    tasks_created: dict[str, fx.TaskCreated] = field(default_factory=dict)
    tasks_updated: dict[str, fx.TaskUpdated] = field(default_factory=dict)
    tasks_removed: dict[str, fx.TaskRemoved] = field(default_factory=dict)
    subscriptions_created: dict[str, fx.SubscriptionCreated] = field(default_factory=dict)
    subscriptions_removed: set[str] = field(default_factory=set)
    jobs_created: dict[str, fx.JobCreated] = field(default_factory=dict)
    jobs_removed: set[str] = field(default_factory=set)
    jobs_shown_as: dict[str, str | None] = field(default_factory=dict)  # job id -> execution
    jobs_due: dict[str, fx.JobDueDateChanged] = field(default_factory=dict)  # moved
    external_created: dict[str, fx.ExternalTaskCreated] = field(default_factory=dict)
    external_removed: set[str] = field(default_factory=set)
    # (instance id, execution id, name) -> value, or None when removed
    variables: dict[tuple[str, str, str], TypedValue | None] = field(default_factory=dict)
    variable_tasks: dict[tuple[str, str, str], str] = field(default_factory=dict)  # set by a task
    variable_updates: list[fx.VariableUpdated] = field(default_factory=list)
    migrations: list[fx.InstanceMigrated] = field(default_factory=list)
    decisions: list[fx.DecisionEvaluated] = field(default_factory=list)
    moved: list[fx.WaitingWorkMoved] = field(default_factory=list)


def _group(effects: Iterable[object]) -> _Batch:
    batch = _Batch()
    for effect in effects:
        match effect:
            case fx.ProcessInstanceStarted():
                batch.instance_started[effect.process_instance_id] = effect
            case fx.ProcessInstanceFinished():
                batch.instance_finished[effect.process_instance_id] = effect
            case fx.ActivityInstanceStarted():
                batch.activities_started[effect.activity_instance_id] = effect
            case fx.ActivityInstanceEnded():
                batch.activities_ended[effect.activity_instance_id] = effect
            case fx.TaskCreated():
                batch.tasks_created[effect.task.id] = effect
            case fx.TaskUpdated():
                batch.tasks_updated[effect.task.id] = effect
            case fx.WaitingWorkMoved():
                batch.moved.append(effect)
            case fx.TaskRemoved():
                batch.tasks_removed[effect.task_id] = effect
            case fx.SubscriptionCreated():
                batch.subscriptions_created[effect.subscription.id] = effect
            case fx.SubscriptionRemoved():
                batch.subscriptions_removed.add(effect.subscription_id)
            case fx.JobCreated():
                batch.jobs_created[effect.job.id] = effect
                batch.jobs_shown_as[effect.job.id] = effect.shown_as
            case fx.JobRemoved():
                batch.jobs_removed.add(effect.job_id)
                batch.jobs_shown_as[effect.job_id] = effect.shown_as
            case fx.JobDueDateChanged():
                batch.jobs_due[effect.job_id] = effect
            case fx.ExternalTaskCreated():
                batch.external_created[effect.external_task.id] = effect
            case fx.ExternalTaskRemoved():
                batch.external_removed.add(effect.external_task_id)
            case fx.VariablesChanged():
                for name, value in effect.set.items():
                    key = (effect.process_instance_id, effect.execution_id, name)
                    batch.variables[key] = value
                    if effect.task_id is not None:
                        batch.variable_tasks[key] = effect.task_id
                for name in effect.removed:
                    batch.variables[(effect.process_instance_id, effect.execution_id, name)] = None
            case fx.VariableUpdated():
                batch.variable_updates.append(effect)
            case fx.InstanceMigrated():
                batch.migrations.append(effect)
            case fx.DecisionEvaluated():
                batch.decisions.append(effect)
            case _:
                pass  # cross-instance effects are the runner's, not rows
    return batch


class Projection:
    """Writes the rows for the effects of one command on one or more instances."""

    def __init__(
        self,
        definitions: dict[str, DefinitionFacts],
        instances: dict[str, InstanceFacts],
        history_level: str,
        new_id: Any,
        succeeded: frozenset[str] = frozenset(),
        user_id: str | None = None,
    ) -> None:
        self.definitions = definitions
        self.user_id = user_id  # who acts: the assigner in the identity link log
        self.instances = instances
        self.level = HISTORY_LEVELS.index(history_level)
        self.new_id = new_id
        # The job or external task this command carried out: its removal is a success.
        self.succeeded = succeeded
        self.logs = self.level >= HISTORY_LEVELS.index("full")
        # Ended tasks that have subtasks, known once the writes have run (engine/store/subtasks).
        self.ended_parents: list[fx.TaskRemoved] = []

    def write(self, effects: Sequence[object], ended_instances: set[str]) -> None:
        batch = _group(effects)
        self._tasks(batch, ended_instances)
        self._subscriptions(batch, ended_instances)
        self._jobs(batch, ended_instances)
        self._external_tasks(batch, ended_instances)
        self._variables(batch, ended_instances)
        if batch.moved:
            write_moved_work(batch.moved, history=self.level >= HISTORY_LEVELS.index("activity"))
        for migrated in batch.migrations:
            write_migrated(migrated, history=self.level >= HISTORY_LEVELS.index("activity"))
        if self.level >= HISTORY_LEVELS.index("activity"):
            self._instance_history(batch)
            self._activity_history(batch)
            self._task_history(batch)
        if self.level >= HISTORY_LEVELS.index("audit"):
            self._variable_history(batch)
        if self.logs:  # level full, as Camunda records decision instances and identity links
            write_decision_instances(batch.decisions, self.new_id)
            changed = {e.task.id: e.task for e in batch.tasks_created.values()}
            changed.update((e.task.id, e.task) for e in batch.tasks_updated.values())
            log_identity_links(changed.values(), self.definitions, self.user_id, timezone.now())

    # -- runtime ---------------------------------------------------------------------------

    def _tasks(self, batch: _Batch, ended: set[str]) -> None:
        gone = write_tasks(batch.tasks_created, batch.tasks_updated, batch.tasks_removed, ended)
        probe_subtasks(gone, self.ended_parents)

    def _subscriptions(self, batch: _Batch, ended: set[str]) -> None:
        created = [
            e.subscription
            for sid, e in batch.subscriptions_created.items()
            if sid not in batch.subscriptions_removed
            and e.subscription.process_instance_id not in ended
        ]
        if created:
            EventSubscription.objects.bulk_create(
                EventSubscription(
                    id=s.id,
                    event_type=s.kind,
                    event_name=s.event_name,
                    process_instance_id=s.process_instance_id,
                    execution_id=s.execution_id,
                    activity_id=s.activity_id,
                    process_definition_id=s.process_definition_id,
                    created=s.created,
                )
                for s in created
            )
        gone = batch.subscriptions_removed - set(batch.subscriptions_created)
        if gone:
            EventSubscription.objects.filter(pk__in=gone).delete()

    def _jobs(self, batch: _Batch, ended: set[str]) -> None:
        created = [
            e.job
            for job_id, e in batch.jobs_created.items()
            if job_id not in batch.jobs_removed and e.job.process_instance_id not in ended
        ]
        created_at = _now_of(batch, timezone.now()) if created else None
        rows = [
            Job(
                id=j.id,
                type=j.kind,
                process_instance_id=j.process_instance_id,
                execution_id=j.execution_id,
                process_definition_id=j.process_definition_id,
                process_definition_key=self.definitions[j.process_definition_id].key,
                activity_id=j.activity_id,
                due_date=j.due,
                priority=j.priority,
                retries=j.retries,
                exclusive=j.exclusive,
                repeat=j.repeat,
                repeat_offset=j.repeat_offset,
                created=created_at,
                job_definition_id=job_definition_id(
                    j.process_definition_id, j.activity_id, j.kind
                ),
            )
            for j in created
        ]
        if rows:
            Job.objects.bulk_create(rows)
            apply_job_definitions([row.id for row in rows])
        for job_id, moved in batch.jobs_due.items():
            offset = {} if moved.repeat_offset is None else {"repeat_offset": moved.repeat_offset}
            Job.objects.filter(pk=job_id).update(due_date=moved.due, **offset)
        gone = batch.jobs_removed - set(batch.jobs_created)
        if self.logs:
            removed = list(Job.objects.filter(pk__in=gone)) if gone else []
            log_jobs(rows, removed, self.succeeded, batch.jobs_shown_as)
        if gone:
            Job.objects.filter(pk__in=gone).delete()

    def _external_tasks(self, batch: _Batch, ended: set[str]) -> None:
        created = [
            e.external_task
            for xid, e in batch.external_created.items()
            if xid not in batch.external_removed
            and e.external_task.process_instance_id not in ended
        ]
        rows = [
            ExternalTask(
                id=x.id,
                topic_name=x.topic,
                priority=x.priority,
                retries=x.retries,
                activity_id=x.activity_id,
                activity_instance_id=x.activity_instance_id,
                execution_id=x.execution_id,
                process_instance_id=x.process_instance_id,
                process_definition_id=x.process_definition_id,
                process_definition_key=self.definitions[x.process_definition_id].key,
                business_key=self.instances[x.process_instance_id].business_key,
                created=_now_of(batch),
            )
            for x in created
        ]
        if rows:
            ExternalTask.objects.bulk_create(rows)
        gone = batch.external_removed - set(batch.external_created)
        removed = list(ExternalTask.objects.filter(pk__in=gone)) if gone and self.logs else []
        if self.logs:
            log_external_tasks(rows, removed, self.succeeded)
        if gone:
            ExternalTask.objects.filter(pk__in=gone).delete()

    def _variables(self, batch: _Batch, ended: set[str]) -> None:
        # Rows of an instance that ended are purged by the store; never write new ones.
        live = {k: v for k, v in batch.variables.items() if k[0] not in ended}
        removed = [k for k, v in live.items() if v is None]
        if removed:
            condition = Q()
            for _, execution_id, name in removed:
                condition |= Q(execution_id=execution_id, name=name)
            VariableInstance.objects.filter(condition).delete()
        VARIABLES.insert(
            [
                variable_instance_id(execution_id, name),
                name,
                value.type,
                value.to_json()["value"],
                *query_columns(value).values(),
                instance_id,
                execution_id,
                batch.variable_tasks.get((instance_id, execution_id, name)),
            ]
            for (instance_id, execution_id, name), value in live.items()
            if value is not None
        )

    # -- history ---------------------------------------------------------------------------

    def _instance_history(self, batch: _Batch) -> None:
        finished = batch.instance_finished
        rows = []
        for instance_id, started in batch.instance_started.items():
            definition = self.definitions[started.process_definition_id]
            end = finished.get(instance_id)
            rows.append(
                [
                    instance_id,
                    started.business_key,
                    definition.id,
                    definition.key,
                    definition.name,
                    definition.version,
                    started.time,
                    end.time if end else None,
                    duration_ms(started.time, end.time) if end else None,
                    self.instances[instance_id].start_user_id,
                    started.start_activity_id,
                    end.end_activity_id if end else None,
                    started.super_process_instance_id,
                    end.delete_reason if end else None,
                    end.state if end else "ACTIVE",
                ]
            )
        HISTORIC_INSTANCES.insert(rows)
        later = [end for pid, end in finished.items() if pid not in batch.instance_started]
        HISTORIC_INSTANCES.update(
            ("end_time", "duration_ms", "end_activity_id", "delete_reason", "state"),
            [
                [
                    e.time,
                    duration_ms(e.start_time, e.time),
                    e.end_activity_id,
                    e.delete_reason,
                    e.state,
                    e.process_instance_id,
                ]
                for e in later
            ],
        )

    def _activity_history(self, batch: _Batch) -> None:
        ended = batch.activities_ended
        task_of = {e.task.activity_instance_id: e.task for e in batch.tasks_created.values()}
        rows = []
        for counter, (aid, started) in enumerate(batch.activities_started.items()):
            end = ended.get(aid)
            task = task_of.get(aid)
            rows.append(
                [
                    aid,
                    started.parent_activity_instance_id,
                    started.activity_id,
                    started.activity_name,
                    started.activity_type,
                    started.process_instance_id,
                    started.execution_id,
                    started.process_definition_id,
                    task.id if task else None,
                    task.assignee if task else None,
                    started.time,
                    end.time if end else None,
                    duration_ms(started.time, end.time) if end else None,
                    end.canceled if end else False,
                    end.complete_scope if end else False,
                    counter,
                ]
            )
        HISTORIC_ACTIVITIES.insert(rows)
        later = [end for aid, end in ended.items() if aid not in batch.activities_started]
        HISTORIC_ACTIVITIES.update(
            ("end_time", "duration_ms", "canceled", "complete_scope"),
            [
                [
                    e.time,
                    duration_ms(e.start_time, e.time),
                    e.canceled,
                    e.complete_scope,
                    e.activity_instance_id,
                ]
                for e in later
            ],
        )

    def _task_history(self, batch: _Batch) -> None:
        write_task_history(batch.tasks_created, batch.tasks_updated, batch.tasks_removed)

    def _variable_history(self, batch: _Batch) -> None:
        updates = batch.variable_updates
        if not updates:
            return
        latest: dict[tuple[str, str], fx.VariableUpdated] = {}
        for update in updates:
            latest[(update.execution_id, update.name)] = update
        HISTORIC_VARIABLES.insert(
            [
                variable_instance_id(u.execution_id, u.name),
                u.name,
                u.value.type,
                u.value.to_json()["value"],
                u.value.object_type,
                *query_columns(u.value).values(),
                u.process_instance_id,
                u.execution_id,
                u.activity_instance_id,
                "DELETED" if u.deleted else "CREATED",
                u.time,
                u.revision,
                u.task_id,
            ]
            for u in latest.values()
        )
        if self.level >= HISTORY_LEVELS.index("full"):
            HISTORIC_DETAILS.insert(
                [
                    variable_instance_id(u.execution_id, u.name),
                    u.name,
                    u.value.type,
                    u.value.to_json()["value"],
                    u.value.object_type,
                    u.revision,
                    u.time,
                    u.process_instance_id,
                    u.execution_id,
                    u.activity_instance_id,
                    u.deleted,
                    u.task_id,
                ]
                for u in updates
            )


def _now_of(batch: _Batch, default: datetime | None = None) -> datetime:
    """The command's time, taken from any timestamped effect of the batch (else `default`:
    a command that only creates a job, as a deployment arming a timer start event)."""
    for group in (batch.activities_started, batch.activities_ended, batch.tasks_removed):
        for effect in group.values():
            return effect.time
    for update in batch.variable_updates:
        return update.time
    if default is not None:
        return default
    raise ValueError("no timestamped effect in this batch")
