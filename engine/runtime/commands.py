"""Commands: what a caller asks of one process instance. Each is one `run` call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.runtime.effects import ThrowOrigin
    from engine.runtime.modification import Instruction
    from engine.runtime.values import TypedValue

Variables = Mapping[str, Any]  # plain values or TypedValue


@dataclass(frozen=True, slots=True)
class StartInstance:
    """Start a new instance (state must be None).

    `start_activity_id` picks a message/signal/timer start event (or an event that is not the
    initial one); None uses the none start event (else the only start event).
    `instructions` (start before/after an activity, start a transition) start the instance
    there instead of at a start event (Camunda's createProcessInstanceById(..)
    .startBeforeActivity(..)), skipping listeners and input/output mappings as asked.
    `instance_id` may be given (a call activity allocates its child's id).
    """

    variables: Variables = field(default_factory=dict)
    business_key: str | None = None
    start_activity_id: str | None = None
    instance_id: str | None = None
    super_execution_id: str | None = None
    super_instance_id: str | None = None
    instructions: tuple[Instruction, ...] = ()
    skip_custom_listeners: bool = False
    skip_io_mappings: bool = False


@dataclass(frozen=True, slots=True)
class CompleteTask:
    task_id: str
    variables: Variables = field(default_factory=dict)
    local: bool = False  # variables go to the task's execution only


@dataclass(frozen=True, slots=True)
class SetAssignee:
    """Claim / setAssignee; fires the `assignment` task listeners."""

    task_id: str
    assignee: str | None


@dataclass(frozen=True, slots=True)
class UpdateTask:
    """Change task fields (TaskService.saveTask, delegate/resolve).

    `changes` may hold: name, description, owner, due_date, follow_up_date, priority,
    delegation_state, candidate_users, candidate_groups (the whole new list), assignee.
    """

    task_id: str
    changes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Trigger:
    """runtimeService.signal(executionId): resume a receive task or other wait state."""

    execution_id: str
    variables: Variables = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DeliverMessage:
    """A correlated message for one subscription (or the message subscription of an execution).

    `variables` are set as any (the nearest scope that has them, else the instance);
    `local_variables` on the execution that waited; `scope_variables` on the scope the message
    triggers (Camunda's processVariablesLocal and processVariablesToTriggeredScope)."""

    subscription_id: str | None = None
    execution_id: str | None = None
    message_name: str | None = None
    variables: Variables = field(default_factory=dict)
    local_variables: Variables = field(default_factory=dict)
    scope_variables: Variables = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DeliverSignal:
    """One delivery of a broadcast signal; `asynchronous` (the throw's `camunda:async`)
    leaves a job that delivers it later instead. Without a subscription: to the signal
    subscription named `signal_name` of one execution (signalEventReceived(name, executionId))."""

    subscription_id: str | None
    variables: Variables = field(default_factory=dict)
    asynchronous: bool = False
    execution_id: str | None = None
    signal_name: str | None = None


@dataclass(frozen=True, slots=True)
class ExecuteJob:
    """Run an async continuation or fire a timer of this instance."""

    job_id: str


@dataclass(frozen=True, slots=True)
class DeleteJob:
    """Drop a job of this instance without running it (managementService.deleteJob): its
    token stays where it waits, as in Camunda."""

    job_id: str


@dataclass(frozen=True, slots=True)
class RecalculateJobDueDate:
    """Evaluate a timer job's definition again (managementService.recalculateJobDuedate),
    from `base` (the job's creation) or, when None, from now."""

    job_id: str
    base: datetime | None = None


@dataclass(frozen=True, slots=True)
class SetJobDueDate:
    """Move a timer job's due date with `cascade` (managementService.setJobDuedate(id, due,
    true)): its cycle's later firings move by as much."""

    job_id: str
    due: datetime


@dataclass(frozen=True, slots=True)
class ExternalTaskReport:
    """What the worker reported on an external task: what an error event definition's
    expression reads as `externalTask` (Camunda's ExternalTaskEntity)."""

    worker_id: str | None = None
    error_message: str | None = None
    error_details: str | None = None
    retries: int | None = None


@dataclass(frozen=True, slots=True)
class CompleteExternalTask:
    external_task_id: str
    variables: Variables = field(default_factory=dict)
    local_variables: Variables = field(default_factory=dict)
    report: ExternalTaskReport = field(default_factory=ExternalTaskReport)


@dataclass(frozen=True, slots=True)
class FailExternalTask:
    """A worker reports a failure: its variables are set, then the task's
    `camunda:errorEventDefinition`s are tested; the first that holds throws its BPMN error.
    Otherwise nothing more happens here: the caller counts the retries down."""

    external_task_id: str
    report: ExternalTaskReport
    variables: Variables = field(default_factory=dict)
    local_variables: Variables = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HandleExternalTaskBpmnError:
    external_task_id: str
    error_code: str
    error_message: str | None = None
    variables: Variables = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HandleTaskBpmnError:
    """A user reports a business error at a user task (taskService.handleBpmnError)."""

    task_id: str
    error_code: str
    error_message: str | None = None
    variables: Variables = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HandleTaskEscalation:
    """A user escalates at a user task (taskService.handleEscalation)."""

    task_id: str
    escalation_code: str
    variables: Variables = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SetVariables:
    """Set (and remove) variables; execution None means the process instance.

    Conditional events are evaluated afterwards, as Camunda does on every variable change.
    """

    variables: Variables = field(default_factory=dict)
    execution_id: str | None = None
    local: bool = False
    removed: tuple[str, ...] = ()
    # through a task at `execution_id`: local variables are the task's own, not the branch's
    through_task: bool = False
    # of `variables`, those the task holds itself: setting one updates the task (Camunda)
    task_held: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DeleteInstance:
    reason: str | None = None
    skip_listeners: bool = False
    skip_io_mappings: bool = False


@dataclass(frozen=True, slots=True)
class CalledInstanceEnded:
    """The instance a call activity started has ended; `variables` are all its variables.

    With `instance_id` given, a call activity no longer waiting for that instance (it was
    interrupted in the same unit of work) ignores the command."""

    execution_id: str
    variables: Variables = field(default_factory=dict)
    instance_id: str | None = None


@dataclass(frozen=True, slots=True)
class ThrowError:
    """A BPMN error from called instance `instance_id`, thrown at the call activity waiting
    for it, after its `camunda:out` mappings took the called instance's `variables`. A call
    activity no longer waiting for that instance ignores it (an earlier error, from a sibling
    of a multi-instance call, interrupted it, and the instance is being deleted)."""

    execution_id: str
    error_code: str
    error_message: str | None = None
    must_catch: bool = True
    variables: Mapping[str, TypedValue] = field(default_factory=dict)
    origin: ThrowOrigin | None = None
    instance_id: str | None = None


@dataclass(frozen=True, slots=True)
class ThrowEscalation:
    """An escalation from called instance `instance_id`, thrown at the call activity waiting
    for it after its `camunda:out` mappings took the instance's `variables` (ignored by a call
    activity no longer waiting for it)."""

    execution_id: str
    escalation_code: str
    must_catch: bool
    variables: Mapping[str, TypedValue]
    origin: ThrowOrigin
    instance_id: str


@dataclass(frozen=True, slots=True)
class ContinueAfterEscalation:
    """The escalation this throw event sent to the callers did not interrupt: it goes on."""

    execution_id: str


@dataclass(frozen=True, slots=True)
class EndUncaughtError:
    """The error this token threw reached no catcher in any caller: the token ends."""

    execution_id: str


@dataclass(frozen=True, slots=True)
class ModifyInstance:
    """Process instance modification: `instructions` (engine.runtime.modification) in order."""

    instructions: tuple[Instruction, ...]
    skip_custom_listeners: bool = False
    skip_io_mappings: bool = False


ExternalTaskCommand = CompleteExternalTask | FailExternalTask | HandleExternalTaskBpmnError
Command = (
    StartInstance
    | CompleteTask
    | SetAssignee
    | UpdateTask
    | Trigger
    | DeliverMessage
    | DeliverSignal
    | ExecuteJob
    | DeleteJob
    | RecalculateJobDueDate
    | SetJobDueDate
    | CompleteExternalTask
    | FailExternalTask
    | HandleExternalTaskBpmnError
    | HandleTaskBpmnError
    | HandleTaskEscalation
    | SetVariables
    | DeleteInstance
    | CalledInstanceEnded
    | ThrowError
    | EndUncaughtError
    | ThrowEscalation
    | ContinueAfterEscalation
    | ModifyInstance
)
