"""Definition-level start events that need no message: timers (their jobs exist before any
instance does) and conditions (evaluated against the variables a caller offers)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from engine.bpmn.model import EventKind
from engine.runtime import commands as cmd
from engine.runtime import effects as fx
from engine.runtime.behaviors.scripts import condition_holds
from engine.runtime.context import Run
from engine.runtime.definition import ProcessDefinition
from engine.runtime.env import Environment
from engine.runtime.errors import ProcessEngineError
from engine.runtime.job_changes import cascaded, job_timer
from engine.runtime.state import Execution, InstanceState, Job, JobKind
from engine.runtime.values import infer_type


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
        cycle = probe.next_cycle_of(job, job.activity_id)
        if cycle is not None:
            due, repeat = cycle
            again = _job(env, definition, job.activity_id, due, repeat)
            again.repeat_offset = job.repeat_offset
            effects.append(fx.JobCreated(again))
    return effects


def signal_start_jobs(
    starts: list[tuple[ProcessDefinition, str]], env: Environment
) -> list[fx.Effect]:
    """An asynchronous signal's job per signal start event: each starts an instance there
    when executed (no payload, as Camunda's)."""
    return [
        fx.JobCreated(_job(env, definition, activity_id, None, None, JobKind.SIGNAL_EVENT))
        for definition, activity_id in starts
    ]


def fire_start_job(
    job: Job, definition: ProcessDefinition, now: datetime, env: Environment
) -> list[fx.Effect]:
    """A definition-level job runs: a signal's goes, a timer's may come back."""
    if job.kind == JobKind.SIGNAL_EVENT:
        return [fx.JobRemoved(job.id)]
    return rearm_timer_start(job, definition, now, env)


def change_timer_start(
    job: Job, definition: ProcessDefinition, command: cmd.Command, now: datetime,
    env: Environment,
) -> list[fx.Effect]:
    """An operator's DeleteJob, RecalculateJobDueDate or SetJobDueDate on a timer start job
    (no instance)."""
    if isinstance(command, cmd.DeleteJob):
        return [fx.JobRemoved(job.id)]
    if isinstance(command, cmd.SetJobDueDate):
        return [cascaded(job, command.due)]
    assert isinstance(command, cmd.RecalculateJobDueDate)
    timer = job_timer(definition, job)
    probe, root = _probe(definition, now, env)
    due, _repeat = probe.timer_due(timer, root, job.activity_id, command.base)
    return [fx.JobDueDateChanged(job.id, due)]


def conditional_start_events(definition: ProcessDefinition) -> list[tuple[ProcessDefinition, str]]:
    """(definition, start event id) of each conditional start event of `definition`."""
    return [
        (definition, start.id)
        for start in definition.process.start_events
        if start.definition.kind is EventKind.CONDITIONAL
    ]


def conditional_starts(
    candidates: list[tuple[ProcessDefinition, str]],
    variables: dict[str, Any],
    business_key: str | None,
    now: datetime,
    env: Environment,
) -> list[tuple[ProcessDefinition, cmd.StartInstance]]:
    """The instances to start for the candidates whose condition holds for `variables`."""
    return [
        (
            definition,
            cmd.StartInstance(
                variables=dict(variables),
                business_key=business_key,
                start_activity_id=activity_id,
                instance_id=env.new_id(),
            ),
        )
        for definition, activity_id in candidates
        if start_condition_holds(definition, activity_id, variables, now, env)
    ]


def start_condition_holds(
    definition: ProcessDefinition,
    activity_id: str,
    variables: Mapping[str, Any],
    now: datetime,
    env: Environment,
) -> bool:
    """Whether the conditional start event `activity_id` fires for `variables` (Camunda's
    evaluateStartConditions): with `camunda:variableName`, only when that variable is offered;
    a condition over a variable not offered is false, not an error."""
    event = definition.node(activity_id).definition  # type: ignore[attr-defined]
    if event.variable_name is not None and event.variable_name not in variables:
        return False
    probe, root = _probe(definition, now, env)
    root.variables.update({name: infer_type(value) for name, value in variables.items()})
    try:
        return condition_holds(
            probe, event.condition or "", event.condition_language, root, activity_id
        )
    except ProcessEngineError:
        return False


def _job(
    env: Environment,
    definition: ProcessDefinition,
    activity_id: str,
    due: datetime | None,
    repeat: str | None,
    kind: str = JobKind.TIMER_START,
) -> Job:
    return Job(
        id=env.new_id(),
        kind=kind,
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
