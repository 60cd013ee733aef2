"""Definition-level timer start events: their jobs exist before any instance does."""

from __future__ import annotations

from datetime import datetime

from engine.runtime import effects as fx
from engine.runtime.context import Run
from engine.runtime.definition import ProcessDefinition
from engine.runtime.env import Environment
from engine.runtime.state import Execution, InstanceState, Job, JobKind


def timer_start_jobs(
    definition: ProcessDefinition, now: datetime, env: Environment
) -> list[fx.Effect]:
    """One `timer-start-event` job per timer start event of a newly deployed definition."""
    jobs: list[fx.Effect] = []
    for start in definition.process.start_events:
        timer = start.definition.timer
        if timer is None:
            continue
        probe, root = _probe(definition, now, env)
        due, repeat = probe.timer_due(timer, root, start.id)
        jobs.append(fx.JobCreated(_job(env, definition, start.id, due, repeat)))
    return jobs


def rearm_timer_start(
    job: Job, definition: ProcessDefinition, now: datetime, env: Environment
) -> list[fx.Effect]:
    """A timer start fired: its job goes; a cycle with repetitions left comes back."""
    effects: list[fx.Effect] = [fx.JobRemoved(job.id)]
    if job.repeat:
        probe, _root = _probe(definition, now, env)
        due, repeat = probe.next_cycle(job.repeat, job.activity_id)
        effects.append(fx.JobCreated(_job(env, definition, job.activity_id, due, repeat)))
    return effects


def _job(
    env: Environment,
    definition: ProcessDefinition,
    activity_id: str,
    due: datetime | None,
    repeat: str | None,
) -> Job:
    return Job(
        id=env.new_id(),
        kind=JobKind.TIMER_START,
        execution_id=None,
        process_instance_id=None,
        process_definition_id=definition.id,
        activity_id=activity_id,
        due=due,
        repeat=repeat,
    )


def _probe(definition: ProcessDefinition, now: datetime, env: Environment) -> tuple[Run, Execution]:
    """A throw-away run to evaluate definition-level timers (no instance yet)."""
    state = InstanceState("", definition.id, definition.key)
    root = Execution(id="", parent_id=None, activity_id=None, activity_instance_id=None)
    state.executions[root.id] = root
    return Run(definition, state, now, env), root
