"""Operator commands on one job of an instance: delete it (its token keeps waiting where it
is, as after Camunda's managementService.deleteJob) or evaluate its timer definition again
(recalculateJobDuedate). Timer start jobs, which belong to no instance, are in starts.py."""

from __future__ import annotations

from datetime import datetime

from engine.bpmn.model import TimerDefinition, UserTask
from engine.runtime import commands as cmd
from engine.runtime import effects as fx
from engine.runtime.behaviors.task_timeouts import timeout_listener
from engine.runtime.context import Run
from engine.runtime.definition import ProcessDefinition
from engine.runtime.errors import NotFoundError, ProcessEngineError
from engine.runtime.state import Job, JobKind


def delete_job(current: Run, command: cmd.DeleteJob) -> None:
    if command.job_id not in current.state.jobs:
        raise NotFoundError(f"No job found with id '{command.job_id}'")
    current.remove_job(command.job_id)


def recalculate_due_date(current: Run, command: cmd.RecalculateJobDueDate) -> None:
    job = current.state.jobs.get(command.job_id)
    execution = current.state.executions.get(job.execution_id or "") if job else None
    if job is None or execution is None:
        raise NotFoundError(f"No job found with id '{command.job_id}'")
    timer = job_timer(current.definition, job)
    # The cycle left to run (`repeat`) stays: only the next due date moves, as in Camunda.
    job.due, _repeat = current.timer_due(timer, execution, job.activity_id, command.base)
    current.effects.append(fx.JobDueDateChanged(job.id, job.due))


def move_due_date(current: Run, command: cmd.SetJobDueDate) -> None:
    job = current.state.jobs.get(command.job_id)
    if job is None:
        raise NotFoundError(f"No job found with id '{command.job_id}'")
    current.effects.append(cascaded(job, command.due))


def cascaded(job: Job, due: datetime) -> fx.JobDueDateChanged:
    """The job due at `due`, and its cycle's later firings moved by as much (Camunda's
    SetJobDuedateCmd with cascade: the repeat offset grows by the move)."""
    if job.due is not None:
        job.repeat_offset += round((due - job.due).total_seconds() * 1000)
    job.due = due
    return fx.JobDueDateChanged(job.id, due, job.repeat_offset)


def job_timer(definition: ProcessDefinition, job: Job) -> TimerDefinition:
    """The timer definition a timer job was armed from; Camunda's refusals otherwise."""
    if job.kind not in (JobKind.TIMER, JobKind.TIMER_START, JobKind.TASK_TIMEOUT):
        raise ProcessEngineError(
            f"Only timer jobs can be recalculated, but the job with id '{job.id}' is of type "
            f"'{job.kind}'."
        )
    node = definition.process.find_node(job.activity_id)
    timer = None
    if job.kind == JobKind.TASK_TIMEOUT and isinstance(node, UserTask):
        listener = timeout_listener(node, job.listener_id)
        timer = listener.timer if listener is not None else None
    elif node is not None:
        timer = getattr(getattr(node, "definition", None), "timer", None)
    if timer is None:
        raise ProcessEngineError(f"No timer declaration found for job id '{job.id}'.")
    return timer
