"""Effects: what one `run` produced, for the store to persist and the runner to route.

Open work (tasks, jobs, subscriptions, external tasks) is also in the saved state; the
effects let a store project it into queryable rows without diffing states. History effects
are append-only records. Cross-instance effects (`StartCalledInstance`, `SignalThrown`,
`InstanceEnded` with a super execution, `DeleteCalledInstance`) are routed by the runner.

Effects are never changed once made, but they are not `frozen` dataclasses: a frozen
dataclass sets each field through `object.__setattr__`, which made building the dozen effects
of a short instance about a tenth of its run time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.dmn import Evaluation
from engine.runtime.state import ExternalTask, Job, Subscription, Task
from engine.runtime.tenancy import TenantFilter
from engine.runtime.values import TypedValue


@dataclass(slots=True)
class TaskCreated:
    task: Task


@dataclass(slots=True)
class WaitingWorkMoved:
    """The execution Camunda shows for the token of a waiting task or external task changed
    (by id: the new execution id): a sibling appeared beside a lone token, which Camunda
    moves into a concurrent execution of its own, or the last sibling left and it moved back
    into its scope's execution."""

    tasks: dict[str, str]
    external_tasks: dict[str, str]


@dataclass(slots=True)
class TaskUpdated:
    task: Task


@dataclass(slots=True)
class TaskRemoved:
    task_id: str
    reason: str  # "completed" or "deleted"
    time: datetime
    # The task as it was: its creation time (history's duration) and its people (who must
    # see it go), so a store never reads them back.
    task: Task


@dataclass(slots=True)
class SubscriptionCreated:
    subscription: Subscription


@dataclass(slots=True)
class SubscriptionRemoved:
    subscription_id: str


@dataclass(slots=True)
class JobCreated:
    """`shown_as`: the execution Camunda shows the job's token as (its history logs name it)."""

    job: Job
    shown_as: str | None = None


@dataclass(slots=True)
class JobRemoved:
    job_id: str
    shown_as: str | None = None  # as in JobCreated


@dataclass(slots=True)
class JobDueDateChanged:
    """A job's due date was evaluated again or moved (an operator's change); with
    `repeat_offset`, its cycle's schedule moved too."""

    job_id: str
    due: datetime | None
    repeat_offset: int | None = None


@dataclass(slots=True)
class ExternalTaskCreated:
    external_task: ExternalTask


@dataclass(slots=True)
class ExternalTaskRemoved:
    external_task_id: str


@dataclass(slots=True)
class VariablesChanged:
    """Local variables of one execution changed (`set`: new values; `removed`: names).
    `task_id`: the values were set through that task, as its own (Camunda's task variables)."""

    process_instance_id: str
    execution_id: str
    set: dict[str, TypedValue] = field(default_factory=dict)
    removed: tuple[str, ...] = ()
    task_id: str | None = None


# -- history -----------------------------------------------------------------------------


@dataclass(slots=True)
class ProcessInstanceStarted:
    process_instance_id: str
    process_definition_id: str
    process_definition_key: str
    business_key: str | None
    super_process_instance_id: str | None
    start_activity_id: str | None
    time: datetime


@dataclass(slots=True)
class ProcessInstanceFinished:
    process_instance_id: str
    state: str  # InstanceStatus
    end_activity_id: str | None
    delete_reason: str | None
    time: datetime
    start_time: datetime | None = None  # for the duration, without reading history back


@dataclass(slots=True)
class ActivityInstanceStarted:
    activity_instance_id: str
    activity_id: str
    activity_type: str  # Camunda's type names: userTask, startEvent, multiInstanceBody, ...
    activity_name: str | None
    execution_id: str
    parent_activity_instance_id: str | None
    process_instance_id: str
    process_definition_id: str
    time: datetime


@dataclass(slots=True)
class ActivityInstanceEnded:
    activity_instance_id: str
    activity_id: str
    time: datetime
    canceled: bool = False
    complete_scope: bool = False
    start_time: datetime | None = None  # for the duration, without reading history back


@dataclass(slots=True)
class VariableUpdated:
    """History detail: one variable write (value None and type Null with deleted=True)."""

    process_instance_id: str
    execution_id: str
    activity_instance_id: str | None
    name: str
    value: TypedValue
    revision: int
    time: datetime
    deleted: bool = False
    task_id: str | None = None  # set through that task, as its own


@dataclass(slots=True)
class InstanceMigrated:
    """The instance now runs on `target_definition_id` (process instance migration).

    The open work listed kept its id and now points at the target (the store rewrites those
    rows); work that migration replaced comes as its own removal and creation effects.
    `activity_instances` maps each migrated activity instance to its new activity id,
    `activity_map` the plan's source activity ids to target ids (incidents, history),
    `parent_activity_instances` the new parent of each activity instance that moved into an
    added sub-process or out of a removed one.
    """

    process_instance_id: str
    source_definition_id: str
    target_definition_id: str
    activity_map: dict[str, str]
    activity_instances: dict[str, str]
    tasks: tuple[Task, ...]
    jobs: tuple[Job, ...]
    subscriptions: tuple[Subscription, ...]
    external_tasks: tuple[ExternalTask, ...]
    time: datetime
    parent_activity_instances: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RequiredDecisionEvaluated:
    """A decision the evaluated one required (a DRD): recorded beside it, same process."""

    decision_definition_id: str
    decision_definition_key: str
    decision_definition_name: str | None
    evaluation: Evaluation


@dataclass(slots=True)
class DecisionEvaluated:
    """History (level full, as Camunda): a decision was evaluated, by a business rule task or
    (process fields None) over REST, with the decisions it required (`required`, in evaluation
    order). The store derives the root process instance from `super_process_instance_id`."""

    decision_definition_id: str
    decision_definition_key: str
    decision_definition_name: str | None
    tenant_id: str | None
    evaluation: Evaluation
    time: datetime
    process_instance_id: str | None = None
    super_process_instance_id: str | None = None
    process_definition_id: str | None = None
    process_definition_key: str | None = None
    execution_id: str | None = None
    activity_id: str | None = None
    activity_instance_id: str | None = None
    required: tuple[RequiredDecisionEvaluated, ...] = ()
    decision_requirements_definition_id: str | None = None
    decision_requirements_definition_key: str | None = None


@dataclass(slots=True)
class ExecutionCounted:
    """What the execution metrics count but the history level kept out of the effects above:
    activity instances started and ended below level activity, decisions evaluated (and
    their decision elements) below level full. Camunda counts its metrics at every level.

    The one exception to "never changed once made": `Run.counted` appends it at the first
    count and adds to it until the run returns; only then does anyone read it."""

    activities_started: int = 0
    activities_ended: int = 0
    decisions: int = 0
    decision_elements: int = 0


# -- cross-instance requests --------------------------------------------------------------


@dataclass(slots=True)
class StartCalledInstance:
    """A call activity wants a child instance; its id is allocated here."""

    instance_id: str
    called_element: str
    binding: str
    version: str | None
    version_tag: str | None
    tenant_id: str | None  # the called definition's: None is a definition of no tenant
    deployment_id: str | None  # binding `deployment`: the caller's deployment
    business_key: str | None
    variables: dict[str, TypedValue]
    super_execution_id: str
    super_instance_id: str


@dataclass(slots=True)
class DeleteCalledInstance:
    """A call activity was cancelled: its child instance is deleted too (its listeners
    skipped when the cancelling command skips custom listeners, its output mappings when it
    skips IO mappings)."""

    instance_id: str
    reason: str
    skip_listeners: bool = False
    skip_io_mappings: bool = False


@dataclass(slots=True)
class ErrorPropagated:
    """A BPMN error nobody caught in a called instance goes to its call activity, with the
    called instance's variables for the call activity's `camunda:out` (Camunda passes them
    on the way up, caught or not).

    `must_catch`: the error of a token that still waits (a delegate's, a worker's): if no
    caller catches it either, that token (`origin`) ends as an uncaught error does, or the
    command fails with `exceptions_after_unhandled_bpmn_error`. An error end event's token
    has ended already.
    """

    process_instance_id: str
    super_instance_id: str
    super_execution_id: str
    error_code: str
    error_message: str | None
    must_catch: bool
    variables: dict[str, TypedValue]
    origin: ThrowOrigin


@dataclass(frozen=True, slots=True)
class ThrowOrigin:
    """The token that threw a BPMN error or an escalation, when it travels to callers."""

    process_instance_id: str
    execution_id: str
    activity_id: str | None


@dataclass(slots=True)
class UncaughtErrorReturned:
    """No caller caught the error `origin` threw: its token ends there."""

    origin: ThrowOrigin


@dataclass(slots=True)
class EscalationPropagated:
    """An escalation nobody caught in a called instance goes to its call activity, with the
    instance's variables for its `camunda:out` (as errors do). Its thrower waits for the
    answer: an interrupting catch deletes the called instance; otherwise `origin` goes on
    (`EscalationReturned`). `must_catch`: a user's escalation at a task, which fails the
    command when nobody catches it."""

    process_instance_id: str
    super_instance_id: str
    super_execution_id: str
    escalation_code: str
    must_catch: bool
    variables: dict[str, TypedValue]
    origin: ThrowOrigin


@dataclass(slots=True)
class EscalationReturned:
    """The escalation `origin` threw was caught without interrupting, or by nobody: a throw
    event goes on (a task that escalated stays)."""

    origin: ThrowOrigin


@dataclass(slots=True)
class SignalThrown:
    """Broadcast to every signal subscription and signal start event (incl. this instance),
    with the thrower's payload: variables, and the business key of instances it starts."""

    name: str
    variables: dict[str, TypedValue]
    business_key: str | None = None
    asynchronous: bool = False  # camunda:async: a job per receiver delivers it
    tenant: TenantFilter | None = None  # the tenants it reaches (None: all)


@dataclass(slots=True)
class InstanceEnded:
    """The instance ended; a call activity waiting on it continues with `variables`."""

    process_instance_id: str
    super_execution_id: str | None
    super_instance_id: str | None
    variables: dict[str, TypedValue]
    state: str
    data: dict[str, Any] = field(default_factory=dict)


Effect = (
    TaskCreated
    | TaskUpdated
    | TaskRemoved
    | SubscriptionCreated
    | SubscriptionRemoved
    | JobCreated
    | JobRemoved
    | JobDueDateChanged
    | ExternalTaskCreated
    | ExternalTaskRemoved
    | VariablesChanged
    | ProcessInstanceStarted
    | ProcessInstanceFinished
    | ActivityInstanceStarted
    | ActivityInstanceEnded
    | VariableUpdated
    | InstanceMigrated
    | DecisionEvaluated
    | ExecutionCounted
    | StartCalledInstance
    | DeleteCalledInstance
    | ErrorPropagated
    | UncaughtErrorReturned
    | EscalationPropagated
    | EscalationReturned
    | SignalThrown
    | InstanceEnded
)
