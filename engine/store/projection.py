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
    HistoricActivityInstance,
    HistoricDetail,
    HistoricProcessInstance,
    HistoricTaskInstance,
    HistoricVariableInstance,
    Job,
    Task,
    TaskCandidate,
    VariableInstance,
)
from engine.runtime import effects as fx
from engine.runtime.values import TypedValue
from engine.store.logs import log_external_tasks, log_jobs

HISTORY_LEVELS = ("none", "activity", "audit", "full")


@dataclass(frozen=True)
class DefinitionFacts:
    """What history rows repeat from the definition (kept out of the instance state)."""

    id: str
    key: str
    name: str | None
    version: int


@dataclass
class InstanceFacts:
    """Per-instance values the runtime rows repeat for queries."""

    business_key: str | None = None
    start_user_id: str | None = None


def _duration_ms(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return int((end - start).total_seconds() * 1000)


def query_columns(value: TypedValue) -> dict[str, Any]:
    """The typed columns a variable query compares against (Camunda's text/long/double)."""
    raw = value.value
    columns: dict[str, Any] = {"text_value": None, "long_value": None, "double_value": None}
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
    external_created: dict[str, fx.ExternalTaskCreated] = field(default_factory=dict)
    external_removed: set[str] = field(default_factory=set)
    # (instance id, execution id, name) -> value, or None when removed
    variables: dict[tuple[str, str, str], TypedValue | None] = field(default_factory=dict)
    variable_updates: list[fx.VariableUpdated] = field(default_factory=list)


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
            case fx.TaskRemoved():
                batch.tasks_removed[effect.task_id] = effect
            case fx.SubscriptionCreated():
                batch.subscriptions_created[effect.subscription.id] = effect
            case fx.SubscriptionRemoved():
                batch.subscriptions_removed.add(effect.subscription_id)
            case fx.JobCreated():
                batch.jobs_created[effect.job.id] = effect
            case fx.JobRemoved():
                batch.jobs_removed.add(effect.job_id)
            case fx.ExternalTaskCreated():
                batch.external_created[effect.external_task.id] = effect
            case fx.ExternalTaskRemoved():
                batch.external_removed.add(effect.external_task_id)
            case fx.VariablesChanged():
                for name, value in effect.set.items():
                    batch.variables[(effect.process_instance_id, effect.execution_id, name)] = value
                for name in effect.removed:
                    batch.variables[(effect.process_instance_id, effect.execution_id, name)] = None
            case fx.VariableUpdated():
                batch.variable_updates.append(effect)
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
    ) -> None:
        self.definitions = definitions
        self.instances = instances
        self.level = HISTORY_LEVELS.index(history_level)
        self.new_id = new_id
        # The job or external task this command carried out: its removal is a success.
        self.succeeded = succeeded
        self.logs = self.level >= HISTORY_LEVELS.index("full")

    def write(self, effects: Sequence[object], ended_instances: set[str]) -> None:
        batch = _group(effects)
        self._tasks(batch, ended_instances)
        self._subscriptions(batch, ended_instances)
        self._jobs(batch, ended_instances)
        self._external_tasks(batch, ended_instances)
        self._variables(batch, ended_instances)
        if self.level >= HISTORY_LEVELS.index("activity"):
            self._instance_history(batch)
            self._activity_history(batch)
            self._task_history(batch)
        if self.level >= HISTORY_LEVELS.index("audit"):
            self._variable_history(batch)

    # -- runtime ---------------------------------------------------------------------------

    def _tasks(self, batch: _Batch, ended: set[str]) -> None:
        created = [
            e.task
            for task_id, e in batch.tasks_created.items()
            if task_id not in batch.tasks_removed and e.task.process_instance_id not in ended
        ]
        if created:
            Task.objects.bulk_create(self._task_row(task) for task in created)
            TaskCandidate.objects.bulk_create(self._candidates(created))
        updated = [
            e.task
            for task_id, e in batch.tasks_updated.items()
            if task_id not in batch.tasks_removed and task_id not in batch.tasks_created
        ]
        for task in updated:
            row = self._task_row(task)
            Task.objects.filter(pk=task.id).update(
                delegation_state=row.delegation_state,
                **{f: getattr(row, f) for f in _TASK_MUTABLE},
            )
            TaskCandidate.objects.filter(task_id=task.id).delete()
            TaskCandidate.objects.bulk_create(self._candidates([task]))
        gone = set(batch.tasks_removed) - set(batch.tasks_created)
        if gone:
            TaskCandidate.objects.filter(task_id__in=gone).delete()
            Task.objects.filter(pk__in=gone).delete()

    def _task_row(self, task: Any) -> Task:
        return Task(
            id=task.id,
            name=task.name,
            description=task.description,
            assignee=task.assignee,
            owner=task.owner,
            delegation_state=task.delegation_state,
            priority=task.priority,
            due_date=task.due_date,
            follow_up_date=task.follow_up_date,
            created=task.created,
            form_key=task.form_key,
            task_definition_key=task.task_definition_key,
            process_instance_id=task.process_instance_id,
            execution_id=task.execution_id,
            activity_instance_id=task.activity_instance_id,
            process_definition_id=task.process_definition_id,
        )

    @staticmethod
    def _candidates(tasks: Iterable[Any]) -> list[TaskCandidate]:
        rows = []
        for task in tasks:
            rows += [TaskCandidate(task_id=task.id, user_id=u) for u in task.candidate_users]
            rows += [TaskCandidate(task_id=task.id, group_id=g) for g in task.candidate_groups]
        return rows

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
                created=j.due or timezone.now(),
            )
            for j in created
        ]
        if rows:
            Job.objects.bulk_create(rows)
        gone = batch.jobs_removed - set(batch.jobs_created)
        removed = list(Job.objects.filter(pk__in=gone)) if gone and self.logs else []
        if self.logs:
            log_jobs(rows, removed, self.succeeded)
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
        rows = [
            VariableInstance(
                id=self.new_id(),
                name=name,
                type=value.type,
                value=value.to_json()["value"],
                process_instance_id=instance_id,
                execution_id=execution_id,
                **query_columns(value),
            )
            for (instance_id, execution_id, name), value in live.items()
            if value is not None
        ]
        if rows:
            VariableInstance.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["execution_id", "name"],
                update_fields=["type", "value", "text_value", "long_value", "double_value"],
            )

    # -- history ---------------------------------------------------------------------------

    def _instance_history(self, batch: _Batch) -> None:
        finished = batch.instance_finished
        rows = []
        for instance_id, started in batch.instance_started.items():
            definition = self.definitions[started.process_definition_id]
            end = finished.get(instance_id)
            rows.append(
                HistoricProcessInstance(
                    id=instance_id,
                    business_key=started.business_key,
                    process_definition_id=definition.id,
                    process_definition_key=definition.key,
                    process_definition_name=definition.name,
                    process_definition_version=definition.version,
                    start_time=started.time,
                    end_time=end.time if end else None,
                    duration_ms=_duration_ms(started.time, end.time) if end else None,
                    start_user_id=self.instances[instance_id].start_user_id,
                    start_activity_id=started.start_activity_id,
                    end_activity_id=end.end_activity_id if end else None,
                    super_process_instance_id=started.super_process_instance_id,
                    delete_reason=end.delete_reason if end else None,
                    state=end.state if end else "ACTIVE",
                )
            )
        if rows:
            HistoricProcessInstance.objects.bulk_create(rows)
        for instance_id, end in finished.items():
            if instance_id in batch.instance_started:
                continue
            start = (
                HistoricProcessInstance.objects.filter(pk=instance_id)
                .values_list("start_time", flat=True)
                .first()
            )
            HistoricProcessInstance.objects.filter(pk=instance_id).update(
                end_time=end.time,
                duration_ms=_duration_ms(start, end.time),
                end_activity_id=end.end_activity_id,
                delete_reason=end.delete_reason,
                state=end.state,
            )

    def _activity_history(self, batch: _Batch) -> None:
        ended = batch.activities_ended
        task_of = {e.task.activity_instance_id: e.task for e in batch.tasks_created.values()}
        rows = []
        for counter, (aid, started) in enumerate(batch.activities_started.items()):
            end = ended.get(aid)
            task = task_of.get(aid)
            rows.append(
                HistoricActivityInstance(
                    id=aid,
                    parent_activity_instance_id=started.parent_activity_instance_id,
                    activity_id=started.activity_id,
                    activity_name=started.activity_name,
                    activity_type=started.activity_type,
                    process_instance_id=started.process_instance_id,
                    execution_id=started.execution_id,
                    process_definition_id=started.process_definition_id,
                    task_id=task.id if task else None,
                    assignee=task.assignee if task else None,
                    start_time=started.time,
                    end_time=end.time if end else None,
                    duration_ms=_duration_ms(started.time, end.time) if end else None,
                    canceled=end.canceled if end else False,
                    complete_scope=end.complete_scope if end else False,
                    sequence_counter=counter,
                )
            )
        if rows:
            HistoricActivityInstance.objects.bulk_create(rows)
        later = [end for aid, end in ended.items() if aid not in batch.activities_started]
        if later:
            starts = dict(
                HistoricActivityInstance.objects.filter(
                    pk__in=[end.activity_instance_id for end in later]
                ).values_list("id", "start_time")
            )
            updates = [
                HistoricActivityInstance(
                    id=end.activity_instance_id,
                    end_time=end.time,
                    duration_ms=_duration_ms(starts.get(end.activity_instance_id), end.time),
                    canceled=end.canceled,
                    complete_scope=end.complete_scope,
                )
                for end in later
            ]
            HistoricActivityInstance.objects.bulk_update(
                updates, ["end_time", "duration_ms", "canceled", "complete_scope"]
            )

    def _task_history(self, batch: _Batch) -> None:
        created = [e.task for e in batch.tasks_created.values()]
        removed = batch.tasks_removed
        if created:
            HistoricTaskInstance.objects.bulk_create(
                HistoricTaskInstance(
                    id=t.id,
                    name=t.name,
                    description=t.description,
                    assignee=t.assignee,
                    owner=t.owner,
                    priority=t.priority,
                    due_date=t.due_date,
                    follow_up_date=t.follow_up_date,
                    start_time=t.created,
                    end_time=removed[t.id].time if t.id in removed else None,
                    duration_ms=(
                        _duration_ms(t.created, removed[t.id].time) if t.id in removed else None
                    ),
                    delete_reason=removed[t.id].reason if t.id in removed else None,
                    task_definition_key=t.task_definition_key,
                    process_instance_id=t.process_instance_id,
                    execution_id=t.execution_id,
                    activity_instance_id=t.activity_instance_id,
                    process_definition_id=t.process_definition_id,
                )
                for t in created
            )
        for e in batch.tasks_updated.values():
            if e.task.id not in batch.tasks_created:
                HistoricTaskInstance.objects.filter(pk=e.task.id).update(
                    **{f: getattr(e.task, f) for f in _TASK_MUTABLE}
                )
        later = [r for task_id, r in removed.items() if task_id not in batch.tasks_created]
        if later:
            starts = dict(
                HistoricTaskInstance.objects.filter(pk__in=[r.task_id for r in later]).values_list(
                    "id", "start_time"
                )
            )
            HistoricTaskInstance.objects.bulk_update(
                [
                    HistoricTaskInstance(
                        id=r.task_id,
                        end_time=r.time,
                        duration_ms=_duration_ms(starts.get(r.task_id), r.time),
                        delete_reason=r.reason,
                    )
                    for r in later
                ],
                ["end_time", "duration_ms", "delete_reason"],
            )

    def _variable_history(self, batch: _Batch) -> None:
        updates = batch.variable_updates
        if not updates:
            return
        latest: dict[tuple[str, str], fx.VariableUpdated] = {}
        for update in updates:
            latest[(update.execution_id, update.name)] = update
        HistoricVariableInstance.objects.bulk_create(
            [
                HistoricVariableInstance(
                    id=self.new_id(),
                    name=u.name,
                    type=u.value.type,
                    value=u.value.to_json()["value"],
                    process_instance_id=u.process_instance_id,
                    execution_id=u.execution_id,
                    activity_instance_id=u.activity_instance_id,
                    state="DELETED" if u.deleted else "CREATED",
                    create_time=u.time,
                    revision=u.revision,
                )
                for u in latest.values()
            ],
            update_conflicts=True,
            unique_fields=["execution_id", "name"],
            update_fields=["type", "value", "state", "revision"],
        )
        if self.level >= HISTORY_LEVELS.index("full"):
            HistoricDetail.objects.bulk_create(
                HistoricDetail(
                    variable_instance_id=f"{u.execution_id}/{u.name}",
                    name=u.name,
                    type=u.value.type,
                    value=u.value.to_json()["value"],
                    revision=u.revision,
                    time=u.time,
                    process_instance_id=u.process_instance_id,
                    execution_id=u.execution_id,
                    activity_instance_id=u.activity_instance_id,
                    deleted=u.deleted,
                )
                for u in updates
            )


_TASK_MUTABLE = (
    "name",
    "description",
    "assignee",
    "owner",
    "priority",
    "due_date",
    "follow_up_date",
)


def _now_of(batch: _Batch) -> datetime:
    """The command's time, taken from any timestamped effect of the batch."""
    for group in (batch.activities_started, batch.activities_ended, batch.tasks_removed):
        for effect in group.values():
            return effect.time
    for update in batch.variable_updates:
        return update.time
    raise ValueError("no timestamped effect in this batch")
