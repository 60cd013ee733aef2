"""What a command hands on once it has committed: due jobs to the executor, events to browsers,
counts to this process's execution metrics (memory only: engine/metrics)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence

from django.db import transaction

from engine.events import COCKPIT_GROUP, LiveEvent, audiences, event, instance_groups, publisher
from engine.metrics.collect import EffectCounts
from engine.runtime import effects as fx
from engine.runtime.state import Task

__all__ = ["COCKPIT_GROUP", "PostCommit", "task_groups"]


def task_groups(
    candidate_users: Sequence[str],
    candidate_groups: Sequence[str],
    assignee: str | None,
    tenant_id: str | None = None,
) -> list[str]:
    """Channel groups of the people who may see a task: assignee, candidates, their groups
    (and the same within the task's tenant: `audiences`)."""
    groups = [f"tasks.group.{g}" for g in candidate_groups]
    groups += [f"tasks.user.{u}" for u in candidate_users]
    if assignee:
        groups.append(f"tasks.user.{assignee}")
    return audiences(groups, tenant_id)


def _parent(task: Task) -> dict[str, str]:
    """A subtask's events name its parent: the parent's page shows its subtasks."""
    return {"parentTaskId": task.parent_task_id} if task.parent_task_id else {}


class PostCommit:
    """Collects effects during a command; schedules their hand-over with `on_commit` once."""

    def __init__(self) -> None:
        self.job_ids: list[str] = []
        self.events: list[tuple[list[str], LiveEvent]] = []
        self._key: str | None = None
        self._tenant: str | None = None
        # topic -> external tasks created: waiting long-polling workers are woken for them
        self.external_topics: Counter[str] = Counter()
        self.timers_scheduled = False  # a job due later: the embedded executor re-plans its sleep
        # Counted only once committed: a command re-run after a lost race counts once.
        self.metrics = EffectCounts()
        self._scheduled = False
        # Of the effects being collected: the instance whose variables changed, and the tasks
        # that have an event of their own already.
        self._variables_of: str | None = None
        self._announced: set[str] = set()

    def collect(
        self,
        effects: Sequence[fx.Effect],
        definition_key: str | None = None,
        tenant_id: str | None = None,
        open_tasks: Collection[Task] = (),
    ) -> None:
        """`definition_key`, `tenant_id` and `open_tasks`: those of the instance the effects
        come from, as the command left it."""
        self._key = definition_key
        self._tenant = tenant_id
        self._variables_of, self._announced = None, set()
        for effect in effects:
            self._collect_one(effect)
        if self._variables_of is not None and open_tasks:
            self._variables_changed(self._variables_of, open_tasks)
        self.metrics.add(effects)
        pending = (
            self.job_ids
            or self.events
            or self.external_topics
            or self.timers_scheduled
            or self.metrics
        )
        if not self._scheduled and pending:
            self._scheduled = True
            transaction.on_commit(self.hand_over)

    def _collect_one(self, effect: fx.Effect) -> None:
        match effect:
            case fx.JobCreated(job) if job.due is None:
                self.job_ids.append(job.id)
            case fx.JobCreated() | fx.JobDueDateChanged():
                self.timers_scheduled = True
            case fx.ExternalTaskCreated(external_task):
                self.external_topics[external_task.topic] += 1
            case fx.ProcessInstanceStarted():
                self._cockpit(
                    event(
                        "instance.started",
                        processInstanceId=effect.process_instance_id,
                        processDefinitionId=effect.process_definition_id,
                        processDefinitionKey=effect.process_definition_key,
                    )
                )
            case fx.ProcessInstanceFinished():
                self._cockpit(event("instance.ended", processInstanceId=effect.process_instance_id))
            case fx.TaskCreated(task) | fx.TaskUpdated(task):
                kind = "task.created" if isinstance(effect, fx.TaskCreated) else "task.assigned"
                payload = event(
                    kind,
                    taskId=task.id,
                    processInstanceId=task.process_instance_id,
                    assignee=task.assignee,
                    candidateGroups=list(task.candidate_groups),
                    candidateUsers=list(task.candidate_users),
                    **_parent(task),
                )
                self.events.append((self._task_groups(task), payload))
                self._announced.add(task.id)
            case fx.TaskRemoved():
                # Everyone who may have the task on screen must see it go.
                payload = event("task.completed", taskId=effect.task_id, **_parent(effect.task))
                self.events.append((self._task_groups(effect.task), payload))
            case fx.VariablesChanged(process_instance_id=instance_id) if instance_id:
                self._variables_of = instance_id
            case _:
                pass

    def _variables_changed(self, instance_id: str, open_tasks: Collection[Task]) -> None:
        """Tell the people who may see the instance's open tasks that its variables changed:
        a tasklist showing them re-reads (the cards show variables, filters test them). One
        event for them all; none for tasks that have an event of their own in this command
        (created, assigned: the list re-reads anyway). The publisher sends nothing to groups
        nobody listens to."""
        audience: dict[str, None] = {}
        for task in open_tasks:
            if task.id not in self._announced:
                people = task_groups(
                    task.candidate_users, task.candidate_groups, task.assignee, self._tenant
                )
                audience.update(dict.fromkeys(people))
        if audience:
            payload = event("variables.changed", processInstanceId=instance_id)
            self.events.append((list(audience), payload))

    def _cockpit(self, payload: LiveEvent) -> None:
        self.events.append((instance_groups(self._key, self._tenant), payload))

    def _task_groups(self, task: Task) -> list[str]:
        tenant = task.tenant_id or self._tenant  # a task of no process may have its own
        people = task_groups(task.candidate_users, task.candidate_groups, task.assignee, tenant)
        return people + instance_groups(self._key, tenant)

    def hand_over(self) -> None:
        from engine.jobs.dispatch import dispatch_jobs, timers_scheduled
        from engine.jobs.long_polling import notify_external_tasks_created

        self.metrics.report()
        dispatch_jobs(self.job_ids)
        if self.timers_scheduled:
            timers_scheduled()
        if self.external_topics:
            notify_external_tasks_created(self.external_topics)
        if self.events:
            publisher.publish_all(self.events)
