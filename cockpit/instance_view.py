"""Everything the process instance page shows, for running and finished instances alike.

A running instance is read from runtime rows (its state, executions, variables, incidents,
tasks, jobs); a finished one from history. The page is the same, so a link to an instance
keeps working after it ended. One query per section, whatever the instance's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.urls import reverse

from cockpit.timeline import TimelineEntry, timeline
from cockpit.variables import as_text
from engine.errors import NotFoundError
from engine.models import (
    Execution,
    ExternalTask,
    HistoricActivityInstance,
    HistoricIncident,
    HistoricProcessInstance,
    HistoricTaskInstance,
    HistoricVariableInstance,
    Incident,
    Job,
    ProcessDefinition,
    ProcessInstance,
    Task,
    VariableInstance,
)
from engine.queries import activity_instance_tree
from engine.queries.instances import ActivityInstance
from engine.services.incidents import ENGINE_TYPES


@dataclass(frozen=True)
class VariableRow:
    name: str
    type: str
    value: Any
    text: str
    scope: str  # execution id; the instance id for process variables
    local: bool
    data_url: str = ""  # where a Bytes or File variable's content downloads
    task_id: str = ""  # a task's own variable (set through the task, locally)
    task_name: str = ""


@dataclass(frozen=True)
class IncidentRow:
    id: str
    type: str
    message: str
    activity_id: str
    time: datetime
    stacktrace: str
    open: bool
    configuration: str
    caused_here: bool = True  # not one a called instance's incident caused
    annotation: str = ""

    @property
    def retried(self) -> bool:
        """The engine's own: a retry of its job or external task resolves it."""
        return self.type in ENGINE_TYPES

    @property
    def retryable(self) -> bool:
        """Open, and its job or external task is named: a retry gives that one more try."""
        return self.open and self.retried and bool(self.configuration)

    @property
    def resolvable(self) -> bool:
        """A custom incident, resolved by hand where it was raised."""
        return not self.retried and self.caused_here


@dataclass
class InstanceView:
    id: str
    running: bool
    key: str
    definition_id: str
    definition: ProcessDefinition | None
    definition_name: str
    version: int | None
    business_key: str
    state: str
    suspended: bool
    start_time: datetime | None
    end_time: datetime | None
    start_user: str
    delete_reason: str
    super_instance_id: str
    called: list[HistoricProcessInstance] = field(default_factory=list)
    tree: ActivityInstance | None = None
    active: list[str] = field(default_factory=list)
    taken: list[str] = field(default_factory=list)
    canceled: list[str] = field(default_factory=list)
    variables: list[VariableRow] = field(default_factory=list)
    incidents: list[IncidentRow] = field(default_factory=list)
    tasks: list[Any] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    external_tasks: list[ExternalTask] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)

    @property
    def retryable_count(self) -> int:
        return sum(1 for incident in self.incidents if incident.retryable)

    def diagram_state(self) -> dict[str, list[str]]:
        """For static/cockpit/diagram.js: which activities to mark how."""
        return {
            "active": sorted(set(self.active)),
            "taken": sorted(set(self.taken)),
            "canceled": sorted(set(self.canceled)),
            "incidents": sorted(
                {i.activity_id for i in self.incidents if i.open and i.activity_id}
            ),
        }


def load_instance(instance_id: str) -> InstanceView:
    running = ProcessInstance.objects.select_related("process_definition").filter(
        pk=instance_id
    ).defer("state").first()
    history = HistoricProcessInstance.objects.filter(pk=instance_id).first()
    if running is None and history is None:
        raise NotFoundError(f"Process instance {instance_id} does not exist (nor in history).")
    view = _header(instance_id, running, history)
    view.called = list(
        HistoricProcessInstance.objects.filter(super_process_instance_id=instance_id).order_by(
            "start_time"
        )
    )
    ended = HistoricActivityInstance.objects.filter(
        process_instance_id=instance_id, end_time__isnull=False
    ).values_list("activity_id", "canceled")
    # A canceled activity (the instance deleted, an interrupting event) was not done.
    for activity_id, canceled in ended:
        (view.canceled if canceled else view.taken).append(activity_id)
    if running is not None:
        try:
            _runtime(view)
        except NotFoundError:
            # It ended between our reads (a worker finished it): show it from history.
            return load_instance(instance_id)
    else:
        _finished(view)
    view.timeline = timeline(instance_id)
    return view


def _header(
    instance_id: str, running: ProcessInstance | None, history: HistoricProcessInstance | None
) -> InstanceView:
    # Both rows carry these fields under the same names; the runtime row is fresher.
    source: Any = running if running is not None else history
    definition_id: str = source.process_definition_id
    definition = (
        running.process_definition
        if running is not None
        else ProcessDefinition.objects.filter(pk=definition_id).first()
    )
    state = history.state if history is not None else "ACTIVE"
    if running is not None:
        state = "SUSPENDED" if running.suspended else "ACTIVE"
    return InstanceView(
        id=instance_id,
        running=running is not None,
        key=definition_id.split(":", 1)[0],
        definition_id=definition_id,
        definition=definition,
        definition_name=(definition.name or definition.key) if definition else definition_id,
        version=definition.version if definition else None,
        business_key=source.business_key or "",
        state=state,
        suspended=bool(running and running.suspended),
        start_time=source.start_time,
        end_time=history.end_time if history is not None else None,
        start_user=source.start_user_id or "",
        delete_reason=(history.delete_reason if history is not None else "") or "",
        super_instance_id=source.super_process_instance_id or "",
    )


def _data_url(resource: str, row: Any) -> str:
    """The REST download of a Bytes or File variable's content (the page's session signs in)."""
    if row.type not in ("Bytes", "File") or row.value is None:
        return ""
    return reverse(f"rest-{resource}-data", args=[row.id])


def _variable_rows(
    instance_id: str, rows: list[Any], tasks: Any, resource: str
) -> list[VariableRow]:
    """The variable table: `rows` (runtime or historic), a task's own named by its task
    (`tasks`: the runtime or the historic task model), contents downloaded from `resource`."""
    ids = {row.task_id for row in rows if row.task_id}
    found = tasks.objects.filter(pk__in=ids).values_list("id", "name", "task_definition_key")
    names = {task_id: name or key or task_id for task_id, name, key in found} if ids else {}
    return [
        VariableRow(v.name, v.type, v.value, as_text(v.type, v.value), v.execution_id,
                    v.execution_id != instance_id, _data_url(resource, v),
                    v.task_id or "", names.get(v.task_id or "", ""))
        for v in rows
    ]


def _runtime(view: InstanceView) -> None:
    instance_id = view.id
    view.tree = activity_instance_tree(instance_id)
    tokens = Execution.objects.filter(process_instance_id=instance_id, activity_id__isnull=False)
    view.active = list(tokens.values_list("activity_id", flat=True))
    rows = list(
        VariableInstance.objects.filter(process_instance_id=instance_id).order_by(
            "name", "execution_id"
        )
    )
    view.variables = _variable_rows(instance_id, rows, Task, "variable-instance")
    jobs = list(Job.objects.filter(process_instance_id=instance_id).order_by("due_date", "id"))
    external = list(
        ExternalTask.objects.filter(process_instance_id=instance_id).order_by("created")
    )
    traces = {j.id: j.exception_stacktrace or "" for j in jobs}
    traces.update({t.id: t.error_details or "" for t in external})
    view.incidents = [
        IncidentRow(i.id, i.incident_type, i.incident_message or "", i.activity_id or "",
                    i.timestamp, traces.get(i.configuration or "", ""), True, i.configuration or "",
                    i.cause_incident_id == i.id, i.annotation or "")
        for i in Incident.objects.filter(process_instance_id=instance_id).order_by("timestamp")
    ]
    view.jobs, view.external_tasks = jobs, external
    view.tasks = list(
        Task.objects.filter(process_instance_id=instance_id)
        .order_by("created")
        .prefetch_related("candidates")
    )


def _finished(view: InstanceView) -> None:
    instance_id = view.id
    rows = list(
        HistoricVariableInstance.objects.filter(process_instance_id=instance_id)
        .exclude(state="DELETED")
        .order_by("name")
    )
    view.variables = _variable_rows(
        instance_id, rows, HistoricTaskInstance, "history-variable-instance"
    )
    view.incidents = [
        IncidentRow(i.id, i.incident_type, i.incident_message or "", i.activity_id or "",
                    i.create_time, "", i.state == "open", i.configuration or "")
        for i in HistoricIncident.objects.filter(process_instance_id=instance_id).order_by(
            "create_time"
        )
    ]
    view.tasks = list(
        HistoricTaskInstance.objects.filter(process_instance_id=instance_id).order_by("start_time")
    )

