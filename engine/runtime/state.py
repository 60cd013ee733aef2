"""Instance state: the execution tree and the open work of one process instance, JSON-able.

The store saves `InstanceState.to_json()` (plain dicts, lists, strings, numbers) and gives it
back through `InstanceState.from_json`. `FORMAT_VERSION` is bumped with a migration in
`MIGRATIONS` whenever the shape changes, so stored instances keep loading.

The store saves with `inline_contents=False`: large File and Bytes contents are then left out
and read back lazily through a `ContentSource` (engine.runtime.contents). Either form loads,
so states saved before contents moved out (inline base64) need no migration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.runtime.contents import BINARY_TYPES, ContentSource, from_state_json, state_json
from engine.runtime.contents import content_of as _content_of
from engine.runtime.values import TypedValue

FORMAT_VERSION = 3


def _v1_tasks_get_delegation_state(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 keeps Camunda's delegation state (PENDING/RESOLVED) on every task."""
    for task in data["tasks"]:
        task.setdefault("delegation_state", None)
    return data


def _v2_executions_get_compensation(data: dict[str, Any]) -> dict[str, Any]:
    """Version 3 remembers completed compensable activities per scope execution and marks
    the executions that run a compensation for a waiting throw event."""
    for execution in data["executions"]:
        execution.setdefault("compensations", [])
        execution.setdefault("compensation_thrower", None)
    return data


# from_version -> function upgrading a state dict to from_version + 1
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    1: _v1_tasks_get_delegation_state,
    2: _v2_executions_get_compensation,
}


class Wait:
    """What a resting execution waits for (`Execution.wait`); None while it moves."""

    TASK = "task"  # user task
    RECEIVE = "receive"  # receive task / wait state without subscription
    CATCH = "catch"  # intermediate catch event or event-based gateway
    JOB = "job"  # async continuation
    EXTERNAL = "external"  # external task
    CALL = "call"  # call activity: the called instance runs
    SCOPE = "scope"  # sub-process, event sub-process or multi-instance body: children run
    JOIN = "join"  # parallel or inclusive gateway waiting for more tokens
    COMPENSATION = "compensation"  # compensation throw / cancel end: its handlers run


@dataclass(slots=True)
class Compensable:
    """A completed activity that can still be compensated (Camunda: a compensate event
    subscription, with an event-scope execution for a completed sub-process).

    Kept on the execution of the scope the activity completed in, in order of completion.
    `handler` is the activity linked to its compensation boundary event (None: compensate
    what is inside). `variables` are the activity's own local variables when it completed
    (Camunda's "snapshot" on the event-scope execution); `inner` are the compensable
    activities that completed inside it (a sub-process, or the instances of a
    multi-instance body when `mi_body`).
    """

    activity_id: str
    handler: str | None = None
    mi_body: bool = False
    variables: dict[str, TypedValue] = field(default_factory=dict)
    inner: list[Compensable] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "activity_id": self.activity_id,
            "handler": self.handler,
            "mi_body": self.mi_body,
            "variables": {name: value.to_json() for name, value in self.variables.items()},
            "inner": [record.to_json() for record in self.inner],
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> Compensable:
        return Compensable(
            activity_id=data["activity_id"],
            handler=data["handler"],
            mi_body=data["mi_body"],
            variables={
                name: TypedValue.from_json(value) for name, value in data["variables"].items()
            },
            inner=[Compensable.from_json(record) for record in data["inner"]],
        )


@dataclass(slots=True)
class Execution:
    """A token at an activity; a token at a scope activity (sub-process, MI body) has children.

    The root (parent None) is the process instance; its id is the instance id.
    """

    id: str
    parent_id: str | None
    activity_id: str | None
    activity_instance_id: str | None
    wait: str | None = None
    mi_body: bool = False  # this token is the multi-instance body of `activity_id`
    mi_instance: bool = False  # one instance inside a multi-instance body
    async_done: bool = False  # async-before job of the current activity already ran
    variables: dict[str, TypedValue] = field(default_factory=dict)
    task_id: str | None = None
    job_ids: list[str] = field(default_factory=list)
    subscription_ids: list[str] = field(default_factory=list)
    external_task_id: str | None = None
    called_instance_id: str | None = None
    started: datetime | None = None
    # completed compensable activities of the scope this execution runs (see Compensable)
    compensations: list[Compensable] = field(default_factory=list)
    # set on a compensation handler / compensating scope: the execution of the throw event
    # (or cancel end event) that waits for it
    compensation_thrower: str | None = None
    # names of `variables` that belong to the branch, not to the activity: set locally while
    # this token ran a non-scope activity beside siblings (Camunda's concurrent execution
    # holds them until the branch joins)
    branch_variables: set[str] = field(default_factory=set)
    # branch variables an input mapping of the current activity hides under its own of the
    # same name (Camunda keeps them apart, in the activity's scope execution below the
    # branch's): back when the activity ends
    shadowed_branch_variables: dict[str, TypedValue] = field(default_factory=dict)

    def to_json(self, inline_contents: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "parent_id": self.parent_id,
            "activity_id": self.activity_id,
            "activity_instance_id": self.activity_instance_id,
            "wait": self.wait,
            "mi_body": self.mi_body,
            "mi_instance": self.mi_instance,
            "async_done": self.async_done,
            "variables": _variables_json(self.variables, inline_contents),
            "task_id": self.task_id,
            "job_ids": list(self.job_ids),
            "subscription_ids": list(self.subscription_ids),
            "external_task_id": self.external_task_id,
            "called_instance_id": self.called_instance_id,
            "started": self.started.isoformat() if self.started else None,
            "compensations": [record.to_json() for record in self.compensations],
            "compensation_thrower": self.compensation_thrower,
        }
        if self.branch_variables:  # rare: the key is left out of the common state
            data["branch_variables"] = sorted(self.branch_variables)
        if self.shadowed_branch_variables:  # contents inline: the mapping's own is the row's
            data["shadowed_branch_variables"] = _variables_json(
                self.shadowed_branch_variables, inline_contents=True
            )
        return data

    @staticmethod
    def from_json(data: dict[str, Any], source: ContentSource | None = None) -> Execution:
        return Execution(
            id=data["id"],
            parent_id=data["parent_id"],
            activity_id=data["activity_id"],
            activity_instance_id=data["activity_instance_id"],
            wait=data["wait"],
            mi_body=data["mi_body"],
            mi_instance=data["mi_instance"],
            async_done=data["async_done"],
            variables=_variables(data["variables"], data["id"], source),
            task_id=data["task_id"],
            job_ids=list(data["job_ids"]),
            subscription_ids=list(data["subscription_ids"]),
            external_task_id=data["external_task_id"],
            called_instance_id=data["called_instance_id"],
            started=_date(data["started"]),
            compensations=[Compensable.from_json(c) for c in data["compensations"]],
            compensation_thrower=data["compensation_thrower"],
            branch_variables=set(data.get("branch_variables", ())),
            shadowed_branch_variables=_variables(
                data.get("shadowed_branch_variables", {}), data["id"], None
            ),
        )


@dataclass(slots=True)
class Task:
    """An open user task, with every field the task list shows."""

    id: str
    name: str | None
    description: str | None
    assignee: str | None
    owner: str | None
    candidate_users: list[str]
    candidate_groups: list[str]
    due_date: datetime | None
    follow_up_date: datetime | None
    priority: int
    form_key: str | None
    task_definition_key: str
    execution_id: str
    activity_instance_id: str
    process_instance_id: str
    process_definition_id: str
    created: datetime
    delegation_state: str | None = None  # PENDING while delegated, RESOLVED after
    # A subtask's parent task (Camunda's TaskService.newTask with a parent): only tasks of no
    # process have one, so the instance state never carries it.
    parent_task_id: str | None = None
    # The tenant of a task of no process (a process's task has its definition's, so the
    # instance state never carries it either).
    tenant_id: str | None = None
    # When a command last updated the task (Camunda's lastUpdated); None until then.
    last_updated: datetime | None = None
    # Who the task was for when its identity link log was last written (not persisted: set
    # when the task is read back); None for a task not yet stored.
    logged_people: People | None = field(default=None, compare=False, repr=False)

    @property
    def state(self) -> str:
        """Camunda's taskState of an open task."""
        return UPDATED if self.last_updated is not None else CREATED

    def people(self) -> People:
        """Assignee, owner, candidate users and groups: what the identity link log follows."""
        return (
            self.assignee, self.owner, tuple(self.candidate_users), tuple(self.candidate_groups)
        )

    def to_json(self) -> dict[str, Any]:
        return {
            **{name: getattr(self, name) for name in _TASK_PLAIN},
            "candidate_users": list(self.candidate_users),
            "candidate_groups": list(self.candidate_groups),
            "due_date": _iso(self.due_date),
            "follow_up_date": _iso(self.follow_up_date),
            "created": self.created.isoformat(),
            "last_updated": _iso(self.last_updated),
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> Task:
        task = Task(
            **{name: data[name] for name in _TASK_PLAIN},
            candidate_users=list(data["candidate_users"]),
            candidate_groups=list(data["candidate_groups"]),
            due_date=_date(data["due_date"]),
            follow_up_date=_date(data["follow_up_date"]),
            created=datetime.fromisoformat(data["created"]),
            last_updated=_date(data.get("last_updated")),  # absent from older states
        )
        task.logged_people = task.people()
        return task


People = tuple[str | None, str | None, tuple[str, ...], tuple[str, ...]]

# Camunda's task states (TaskEntity.TaskState).
CREATED, UPDATED, COMPLETED, DELETED = "Created", "Updated", "Completed", "Deleted"


_TASK_PLAIN = (
    "id",
    "name",
    "description",
    "assignee",
    "owner",
    "priority",
    "form_key",
    "task_definition_key",
    "execution_id",
    "activity_instance_id",
    "process_instance_id",
    "process_definition_id",
    "delegation_state",
)


class JobKind:
    ASYNC_BEFORE = "async-before"
    ASYNC_AFTER = "async-after"
    TIMER = "timer"
    TIMER_START = "timer-start-event"  # definition-level job (no instance)
    TASK_TIMEOUT = "timer-task-listener"  # a user task's timeout listener is due
    # An asynchronous signal's delivery (Camunda's "event" jobs): on an instance, to one
    # of its subscriptions; without an instance, a signal start event of the definition.
    SIGNAL_EVENT = "event"


@dataclass(slots=True)
class Job:
    """An async continuation or a timer, due at `due` (None: now).

    `activity_id` is the activity the job continues or the timer event it fires;
    `timer` is the timer definition text for a cycle that re-arms (`repeat`);
    `listener_id` names the timeout task listener a TASK_TIMEOUT job calls;
    `subscription_id` the signal subscription a SIGNAL_EVENT job delivers to;
    `repeat_offset` (milliseconds) shifts a cycle's later firings: an operator moved its due
    date with `cascade` (Camunda's TimerEntity.repeatOffset).
    """

    id: str
    kind: str
    execution_id: str | None
    process_instance_id: str | None
    process_definition_id: str
    activity_id: str
    due: datetime | None
    priority: int = 0
    retries: int = 3
    exclusive: bool = True
    repeat: str | None = None
    listener_id: str | None = None
    subscription_id: str | None = None
    repeat_offset: int = 0

    def to_json(self) -> dict[str, Any]:
        data = {
            "id": self.id,
            "kind": self.kind,
            "execution_id": self.execution_id,
            "process_instance_id": self.process_instance_id,
            "process_definition_id": self.process_definition_id,
            "activity_id": self.activity_id,
            "due": _iso(self.due),
            "priority": self.priority,
            "retries": self.retries,
            "exclusive": self.exclusive,
            "repeat": self.repeat,
        }
        if self.listener_id is not None:
            data["listener_id"] = self.listener_id
        if self.subscription_id is not None:
            data["subscription_id"] = self.subscription_id
        if self.repeat_offset:
            data["repeat_offset"] = self.repeat_offset
        return data

    @staticmethod
    def from_json(data: dict[str, Any]) -> Job:
        return Job(**{**data, "due": _date(data["due"])})


class SubscriptionKind:
    MESSAGE = "message"
    SIGNAL = "signal"
    CONDITIONAL = "conditional"


@dataclass(slots=True)
class Subscription:
    """An event subscription of an execution: `activity_id` is the catching event.

    That event is an intermediate catch, a boundary event, or the start event of an event
    sub-process (then `execution_id` is the scope the event sub-process would start in).
    """

    id: str
    kind: str
    event_name: str | None
    execution_id: str
    process_instance_id: str
    process_definition_id: str
    activity_id: str
    created: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "event_name": self.event_name,
            "execution_id": self.execution_id,
            "process_instance_id": self.process_instance_id,
            "process_definition_id": self.process_definition_id,
            "activity_id": self.activity_id,
            "created": self.created.isoformat(),
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> Subscription:
        return Subscription(**{**data, "created": datetime.fromisoformat(data["created"])})


@dataclass(slots=True)
class ExternalTask:
    id: str
    topic: str
    priority: int
    activity_id: str
    activity_instance_id: str
    execution_id: str
    process_instance_id: str
    process_definition_id: str
    retries: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}

    @staticmethod
    def from_json(data: dict[str, Any]) -> ExternalTask:
        return ExternalTask(**data)


class InstanceStatus:
    ACTIVE = "ACTIVE"
    COMPLETED = "COMPLETED"
    EXTERNALLY_TERMINATED = "EXTERNALLY_TERMINATED"
    INTERNALLY_TERMINATED = "INTERNALLY_TERMINATED"


@dataclass(slots=True)
class InstanceState:
    """Everything the interpreter needs to continue one process instance."""

    id: str
    process_definition_id: str
    process_definition_key: str
    business_key: str | None = None
    super_execution_id: str | None = None
    super_instance_id: str | None = None
    status: str = InstanceStatus.ACTIVE
    version: int = 0  # optimistic-locking revision; the store bumps it on save
    executions: dict[str, Execution] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    external_tasks: dict[str, ExternalTask] = field(default_factory=dict)
    # variable name -> revision, per execution ("exec_id/name"), for history details
    variable_revisions: dict[str, int] = field(default_factory=dict)
    end_activity_id: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None

    @property
    def root(self) -> Execution:
        return self.executions[self.id]

    @property
    def is_ended(self) -> bool:
        return self.status != InstanceStatus.ACTIVE

    def children(self, execution_id: str) -> list[Execution]:
        return [e for e in self.executions.values() if e.parent_id == execution_id]

    def descendants(self, execution_id: str) -> Iterator[Execution]:
        """All executions below `execution_id`, deepest first (the order to cancel them)."""
        for child in self.children(execution_id):
            yield from self.descendants(child.id)
            yield child

    def to_json(self, inline_contents: bool = True) -> dict[str, Any]:
        """The state as JSON; `inline_contents` False leaves large File and Bytes contents
        out (the store keeps them: see engine.runtime.contents)."""
        return {
            "format_version": FORMAT_VERSION,
            "id": self.id,
            "process_definition_id": self.process_definition_id,
            "process_definition_key": self.process_definition_key,
            "business_key": self.business_key,
            "super_execution_id": self.super_execution_id,
            "super_instance_id": self.super_instance_id,
            "status": self.status,
            "version": self.version,
            "executions": [e.to_json(inline_contents) for e in self.executions.values()],
            "tasks": [t.to_json() for t in self.tasks.values()],
            "jobs": [j.to_json() for j in self.jobs.values()],
            "subscriptions": [s.to_json() for s in self.subscriptions.values()],
            "external_tasks": [x.to_json() for x in self.external_tasks.values()],
            "variable_revisions": dict(self.variable_revisions),
            "end_activity_id": self.end_activity_id,
            "start_time": _iso(self.start_time),
            "end_time": _iso(self.end_time),
        }

    @staticmethod
    def from_json(data: dict[str, Any], source: ContentSource | None = None) -> InstanceState:
        """The state `to_json` saved; `source` reads the contents it left out, when asked."""
        version = data.get("format_version", 1)
        while version < FORMAT_VERSION:
            data = MIGRATIONS[version](data)
            version += 1
        return InstanceState(
            id=data["id"],
            process_definition_id=data["process_definition_id"],
            process_definition_key=data["process_definition_key"],
            business_key=data["business_key"],
            super_execution_id=data["super_execution_id"],
            super_instance_id=data["super_instance_id"],
            status=data["status"],
            version=data["version"],
            executions={e["id"]: Execution.from_json(e, source) for e in data["executions"]},
            tasks={t["id"]: Task.from_json(t) for t in data["tasks"]},
            jobs={j["id"]: Job.from_json(j) for j in data["jobs"]},
            subscriptions={s["id"]: Subscription.from_json(s) for s in data["subscriptions"]},
            external_tasks={x["id"]: ExternalTask.from_json(x) for x in data["external_tasks"]},
            variable_revisions=dict(data["variable_revisions"]),
            end_activity_id=data["end_activity_id"],
            start_time=_date(data["start_time"]),
            end_time=_date(data["end_time"]),
        )

    def copy(self) -> InstanceState:
        """A deep copy that shares the contents kept outside the state rather than reading
        them (they are read from this state's values if the copy asks for them)."""

        def read(execution_id: str, name: str) -> bytes:
            return _content_of(self.executions[execution_id].variables[name])

        return InstanceState.from_json(self.to_json(inline_contents=False), ContentSource(read))


def _variables_json(variables: dict[str, TypedValue], inline_contents: bool) -> dict[str, Any]:
    if inline_contents:
        return {name: value.to_json() for name, value in variables.items()}
    return {
        name: state_json(value) if value.type in BINARY_TYPES else value.to_json()
        for name, value in variables.items()
    }


def _variables(
    data: dict[str, Any], execution_id: str, source: ContentSource | None
) -> dict[str, TypedValue]:
    if source is None:
        return {name: TypedValue.from_json(value) for name, value in data.items()}
    return {
        name: (
            from_state_json(value, source, execution_id, name)
            if value["type"] in BINARY_TYPES
            else TypedValue.from_json(value)
        )
        for name, value in data.items()
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None
