"""Timeout task listeners (Camunda 7.12+): a `camunda:taskListener event="timeout"` with a
timer definition gets a timer job when its user task is created; when the timer is due the
listener runs and the task stays open (a cycle fires again until it runs out). The jobs
belong to the task's token, so they go when the task completes or is cancelled."""

from __future__ import annotations

from datetime import datetime

from engine.bpmn.model import Listener, UserTask
from engine.runtime import effects as fx
from engine.runtime.behaviors.listeners import fire_task_listener
from engine.runtime.context import Run
from engine.runtime.state import Execution, Job, JobKind


def arm_timeout_listeners(run: Run, execution: Execution, node: UserTask) -> None:
    for position, listener in enumerate(node.task_listeners):
        if listener.event == "timeout" and listener.timer is not None:
            due, repeat = run.timer_due(listener.timer, execution, node.id)
            _arm(run, execution, node, _listener_key(listener, position), due, repeat)


def fire_timeout_listener(run: Run, execution: Execution, job: Job) -> None:
    """The job's listener, for the task its token waits at; a cycle re-arms first."""
    node = run.definition.node(job.activity_id)
    assert isinstance(node, UserTask)
    task = run.state.tasks.get(execution.task_id or "")
    listener = timeout_listener(node, job.listener_id)
    if task is None or listener is None:
        return  # the task or the listener (after a migration) is gone: nothing to tell
    cycle = run.next_cycle_of(job, node.id) if job.repeat else None
    if cycle is not None:
        again = _arm(run, execution, node, job.listener_id, *cycle)
        again.repeat_offset = job.repeat_offset  # a schedule moved with cascade stays moved
    fire_task_listener(run, execution, task, node, listener)
    if task.id in run.state.tasks:  # what the listener changed (an escalated priority, a new
        run.effects.append(fx.TaskUpdated(task))  # assignee) shows in the task lists


def _arm(
    run: Run,
    execution: Execution,
    node: UserTask,
    key: str | None,
    due: datetime | None,
    repeat: str | None,
) -> Job:
    job = run.add_job(execution, JobKind.TASK_TIMEOUT, node.id, due=due, repeat=repeat)
    job.listener_id = key
    return job


def _listener_key(listener: Listener, position: int) -> str:
    # Camunda requires an id on a timeout listener; without one, its place among the task's.
    return listener.id or f"#{position}"


def timeout_listener(node: UserTask, key: str | None) -> Listener | None:
    """The timeout listener of `node` a job names (None: gone, e.g. after a migration)."""
    for position, listener in enumerate(node.task_listeners):
        if listener.event == "timeout" and _listener_key(listener, position) == key:
            return listener
    return None
