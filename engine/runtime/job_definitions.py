"""Job definitions (Camunda ACT_RU_JOBDEF): one per activity of a process definition that can
create jobs, and per kind of job it creates there.

Ids are derived from (process definition id, activity id, job kind) by a name-based uuid, so
the store finds the definition of a new job without reading anything: job creation is on the
engine's hot path. Deployment writes the rows under the same ids.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import lru_cache

from engine.bpmn.model import EventKind, Process
from engine.bpmn.model.flow import BoundaryEvent, Event, FlowNode, StartEvent
from engine.runtime.state import JobKind

# Fixed forever: changing it would orphan every stored job definition id.
_NAMESPACE = uuid.UUID("6f1d3c1e-52a4-4bd8-9a57-0c1f1c0b7a11")

# Camunda's job handler types (JobDefinition.getJobType).
ASYNC_CONTINUATION = "async-continuation"
TIMER_START_EVENT = "timer-start-event"
TIMER_START_EVENT_SUBPROCESS = "timer-start-event-subprocess"
TIMER_INTERMEDIATE = "timer-intermediate-transition"
TIMER_BOUNDARY = "timer-transition"
TIMER_TASK_LISTENER = "timer-task-listener"


@dataclass(frozen=True, slots=True)
class JobDefinitionSpec:
    """What deployment stores for one job definition (`kind`: the engine's job kind)."""

    id: str
    activity_id: str
    kind: str
    job_type: str
    job_configuration: str


@lru_cache(maxsize=65_536)
def job_definition_id(process_definition_id: str, activity_id: str, kind: str) -> str | None:
    """The id of the job definition of jobs of `kind` at `activity_id` (no database read);
    Camunda's event jobs (asynchronous signals) have none."""
    if kind == JobKind.SIGNAL_EVENT:
        return None
    name = f"{process_definition_id}\x1f{activity_id}\x1f{kind}"
    return str(uuid.uuid5(_NAMESPACE, name))


def job_definitions(process: Process, process_definition_id: str) -> list[JobDefinitionSpec]:
    """Every job definition of a process, in document order of its activities."""
    specs: list[JobDefinitionSpec] = []
    top_level_starts = {start.id for start in process.start_events}

    def add(node: FlowNode, kind: str, job_type: str, configuration: str) -> None:
        spec_id = job_definition_id(process_definition_id, node.id, kind)
        if all(spec.id != spec_id for spec in specs):
            specs.append(JobDefinitionSpec(spec_id, node.id, kind, job_type, configuration))

    for node in process.all_nodes.values():
        mi = node.multi_instance
        if node.async_before or (mi is not None and mi.async_before):
            add(node, JobKind.ASYNC_BEFORE, ASYNC_CONTINUATION, "async-before")
        if node.async_after or (mi is not None and mi.async_after):
            add(node, JobKind.ASYNC_AFTER, ASYNC_CONTINUATION, "async-after")
        for listener in getattr(node, "task_listeners", ()):
            if listener.event == "timeout" and listener.timer is not None:
                timeout = listener.timer
                configuration = f"{timeout.kind.value.upper()}: {timeout.text}"
                add(node, JobKind.TASK_TIMEOUT, TIMER_TASK_LISTENER, configuration)
        if not isinstance(node, Event) or node.trigger is not EventKind.TIMER:
            continue
        timer = node.definition.timer
        if timer is None:
            continue
        configuration = f"{timer.kind.value.upper()}: {timer.text}"
        if isinstance(node, StartEvent) and node.id in top_level_starts:
            add(node, JobKind.TIMER_START, TIMER_START_EVENT, configuration)
        elif isinstance(node, StartEvent):
            add(node, JobKind.TIMER, TIMER_START_EVENT_SUBPROCESS, configuration)
        elif isinstance(node, BoundaryEvent):
            add(node, JobKind.TIMER, TIMER_BOUNDARY, configuration)
        else:
            add(node, JobKind.TIMER, TIMER_INTERMEDIATE, configuration)
    return specs
