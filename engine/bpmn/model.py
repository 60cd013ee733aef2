"""Immutable model of a parsed BPMN 2.0 file (the process graph plus Camunda 7 extensions).

The runtime reads this model on every step, so the lookups it needs (outgoing flows,
boundary events, the scope of a node) are precomputed indexes, never scans. Everything is
frozen: one parsed `Definitions` is shared by all commands of all instances.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class NodeKind(StrEnum):
    """Flow node kinds, in BPMN terms."""

    START_EVENT = "start_event"
    END_EVENT = "end_event"
    INTERMEDIATE_CATCH_EVENT = "intermediate_catch_event"
    INTERMEDIATE_THROW_EVENT = "intermediate_throw_event"
    BOUNDARY_EVENT = "boundary_event"
    USER_TASK = "user_task"
    SERVICE_TASK = "service_task"
    SEND_TASK = "send_task"
    RECEIVE_TASK = "receive_task"
    SCRIPT_TASK = "script_task"
    BUSINESS_RULE_TASK = "business_rule_task"
    MANUAL_TASK = "manual_task"
    TASK = "task"
    CALL_ACTIVITY = "call_activity"
    SUB_PROCESS = "sub_process"
    TRANSACTION = "transaction"
    AD_HOC_SUB_PROCESS = "ad_hoc_sub_process"
    EXCLUSIVE_GATEWAY = "exclusive_gateway"
    PARALLEL_GATEWAY = "parallel_gateway"
    INCLUSIVE_GATEWAY = "inclusive_gateway"
    EVENT_BASED_GATEWAY = "event_based_gateway"
    COMPLEX_GATEWAY = "complex_gateway"


GATEWAY_KINDS = frozenset(
    {
        NodeKind.EXCLUSIVE_GATEWAY,
        NodeKind.PARALLEL_GATEWAY,
        NodeKind.INCLUSIVE_GATEWAY,
        NodeKind.EVENT_BASED_GATEWAY,
        NodeKind.COMPLEX_GATEWAY,
    }
)
EVENT_KINDS = frozenset(
    {
        NodeKind.START_EVENT,
        NodeKind.END_EVENT,
        NodeKind.INTERMEDIATE_CATCH_EVENT,
        NodeKind.INTERMEDIATE_THROW_EVENT,
        NodeKind.BOUNDARY_EVENT,
    }
)
# Kinds the engine refuses to deploy in an executable process (Camunda 7 ignores them with a
# warning, which silently strands tokens; refusing is kinder).
UNSUPPORTED_KINDS = frozenset({NodeKind.COMPLEX_GATEWAY, NodeKind.AD_HOC_SUB_PROCESS})


class EventKind(StrEnum):
    """The trigger of an event definition."""

    NONE = "none"
    MESSAGE = "message"
    SIGNAL = "signal"
    TIMER = "timer"
    ERROR = "error"
    ESCALATION = "escalation"
    COMPENSATE = "compensate"
    CONDITIONAL = "conditional"
    LINK = "link"
    TERMINATE = "terminate"
    CANCEL = "cancel"


class TimerKind(StrEnum):
    DATE = "date"
    DURATION = "duration"
    CYCLE = "cycle"


class ImplementationKind(StrEnum):
    """How a service-like task (or a message throw event) does its work."""

    NONE = "none"
    CLASS = "class"
    EXPRESSION = "expression"
    DELEGATE_EXPRESSION = "delegate_expression"
    EXTERNAL = "external"
    DECISION = "decision"
    CONNECTOR = "connector"


class ValueKind(StrEnum):
    """Shape of an input/output parameter value."""

    NULL = "null"
    TEXT = "text"
    EXPRESSION = "expression"
    LIST = "list"
    MAP = "map"
    SCRIPT = "script"


# ---------------------------------------------------------------------------------------------
# Root elements


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    name: str | None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Signal:
    id: str
    name: str | None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Error:
    id: str
    name: str | None
    error_code: str | None
    error_message: str | None = None  # camunda:errorMessage
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Escalation:
    id: str
    name: str | None
    escalation_code: str | None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Participant:
    id: str
    name: str | None
    process_ref: str | None


@dataclass(frozen=True, slots=True)
class MessageFlow:
    id: str
    name: str | None
    source: str
    target: str
    message_ref: str | None = None


@dataclass(frozen=True, slots=True)
class Collaboration:
    id: str
    participants: tuple[Participant, ...] = ()
    message_flows: tuple[MessageFlow, ...] = ()


@dataclass(frozen=True, slots=True)
class Bounds:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class Shape:
    id: str
    element_id: str
    bounds: Bounds | None
    is_expanded: bool | None = None


@dataclass(frozen=True, slots=True)
class Edge:
    id: str
    element_id: str
    waypoints: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class Diagram:
    """BPMN DI, kept only as far as the cockpit needs it to draw markers on the diagram."""

    shapes: tuple[Shape, ...] = ()
    edges: tuple[Edge, ...] = ()
    # element id -> bounds of its (first) shape
    bounds: Mapping[str, Bounds] = field(default_factory=lambda: MappingProxyType({}))


# ---------------------------------------------------------------------------------------------
# Camunda extension values


@dataclass(frozen=True, slots=True)
class Script:
    """An inline script or a `camunda:resource` reference, in a named language."""

    format: str
    text: str | None = None
    resource: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class ParameterValue:
    """Value of an input/output parameter; nested for lists and maps.

    `text` holds the literal or the expression source (kind TEXT/EXPRESSION); `items` the
    elements of a list; `entries` the (key, value) pairs of a map, where keys may be
    expressions too; `script` the script of kind SCRIPT.
    """

    kind: ValueKind
    text: str | None = None
    items: tuple[ParameterValue, ...] = ()
    entries: tuple[tuple[str, ParameterValue], ...] = ()
    script: Script | None = None


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    value: ParameterValue
    line: int | None = None


@dataclass(frozen=True, slots=True)
class InputOutput:
    inputs: tuple[Parameter, ...] = ()
    outputs: tuple[Parameter, ...] = ()


@dataclass(frozen=True, slots=True)
class Property:
    name: str | None
    value: str | None
    id: str | None = None


@dataclass(frozen=True, slots=True)
class FieldInjection:
    """`camunda:field`: a value injected into a class delegate or a listener."""

    name: str
    string_value: str | None = None
    expression: str | None = None


@dataclass(frozen=True, slots=True)
class TimerDefinition:
    kind: TimerKind
    text: str


@dataclass(frozen=True, slots=True)
class Listener:
    """`camunda:executionListener` or `camunda:taskListener`.

    Exactly one of class_name, expression, delegate_expression, script is set in a valid
    model. `timer` is the timeout of a task listener with event="timeout".
    """

    event: str
    class_name: str | None = None
    expression: str | None = None
    delegate_expression: str | None = None
    script: Script | None = None
    fields: tuple[FieldInjection, ...] = ()
    id: str | None = None
    timer: TimerDefinition | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class FormFieldConstraint:
    name: str
    config: str | None = None


@dataclass(frozen=True, slots=True)
class FormFieldValue:
    """One choice of an enum form field."""

    id: str
    name: str | None


@dataclass(frozen=True, slots=True)
class FormField:
    id: str
    label: str | None = None
    type: str | None = None
    default_value: str | None = None
    date_pattern: str | None = None
    values: tuple[FormFieldValue, ...] = ()
    constraints: tuple[FormFieldConstraint, ...] = ()
    properties: tuple[Property, ...] = ()


@dataclass(frozen=True, slots=True)
class FormRef:
    """`camunda:formRef` (+ binding `latest`/`deployment`/`version`, version)."""

    form_id: str
    binding: str = "latest"
    version: str | None = None


@dataclass(frozen=True, slots=True)
class MultiInstance:
    """`multiInstanceLoopCharacteristics`; async flags here apply to the multi-instance body."""

    is_sequential: bool = False
    loop_cardinality: str | None = None
    collection: str | None = None  # camunda:collection or loopDataInputRef
    element_variable: str | None = None  # camunda:elementVariable or inputDataItem name
    completion_condition: str | None = None
    async_before: bool = False
    async_after: bool = False
    exclusive: bool = True
    failed_job_retry_time_cycle: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Implementation:
    """What a service, send or business-rule task (or a message throw event) runs."""

    kind: ImplementationKind = ImplementationKind.NONE
    class_name: str | None = None
    expression: str | None = None
    delegate_expression: str | None = None
    topic: str | None = None
    task_priority: str | None = None
    decision_ref: str | None = None
    decision_ref_binding: str = "latest"
    decision_ref_version: str | None = None
    decision_ref_version_tag: str | None = None
    map_decision_result: str = "resultList"
    connector_id: str | None = None
    fields: tuple[FieldInjection, ...] = ()


@dataclass(frozen=True, slots=True)
class ErrorMapping:
    """`camunda:errorEventDefinition` on an external task: raise error_ref when expression holds."""

    id: str | None
    error_ref: str | None
    expression: str | None


@dataclass(frozen=True, slots=True)
class CallMapping:
    """`camunda:in` / `camunda:out` of a call activity."""

    source: str | None = None
    source_expression: str | None = None
    target: str | None = None
    all_variables: bool = False  # variables="all"
    local: bool = False
    business_key: str | None = None  # only on camunda:in


@dataclass(frozen=True, slots=True)
class EventDefinition:
    """One event definition; only the fields of its kind are set."""

    kind: EventKind
    id: str | None = None
    message_ref: str | None = None
    signal_ref: str | None = None
    timer: TimerDefinition | None = None
    error_ref: str | None = None
    error_code_variable: str | None = None
    error_message_variable: str | None = None
    escalation_ref: str | None = None
    escalation_code_variable: str | None = None
    activity_ref: str | None = None
    wait_for_completion: bool = True
    condition: str | None = None
    condition_language: str | None = None  # None: an EL expression
    variable_name: str | None = None
    variable_events: tuple[str, ...] = ()
    link_name: str | None = None
    is_async: bool = False  # camunda:async on a signal throw
    line: int | None = None


NONE_EVENT = EventDefinition(kind=EventKind.NONE)


# ---------------------------------------------------------------------------------------------
# Flow elements


@dataclass(frozen=True, slots=True, kw_only=True)
class SequenceFlow:
    id: str
    source: str
    target: str
    name: str | None = None
    condition: str | None = None  # expression text (or script text when condition_language)
    condition_language: str | None = None  # None: EL; else a script language
    condition_resource: str | None = None
    execution_listeners: tuple[Listener, ...] = ()
    documentation: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowNode:
    """Fields every flow node has: Camunda applies the generic activity attributes to all."""

    id: str
    kind: NodeKind
    name: str | None = None
    documentation: str | None = None
    line: int | None = None
    # Sequence flow ids in document order, derived from sourceRef/targetRef: Camunda ignores
    # the <incoming>/<outgoing> child elements.
    incoming: tuple[str, ...] = ()
    outgoing: tuple[str, ...] = ()
    default_flow: str | None = None
    async_before: bool = False
    async_after: bool = False
    exclusive: bool = True
    job_priority: str | None = None
    failed_job_retry_time_cycle: str | None = None
    input_output: InputOutput | None = None
    execution_listeners: tuple[Listener, ...] = ()
    properties: tuple[Property, ...] = ()
    multi_instance: MultiInstance | None = None
    is_for_compensation: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Activity(FlowNode):
    """A task without a specific behaviour (`task`, `manualTask`): pass-through."""


@dataclass(frozen=True, slots=True, kw_only=True)
class UserTask(Activity):
    assignee: str | None = None
    candidate_users: str | None = None  # comma-separated list or an expression
    candidate_groups: str | None = None
    due_date: str | None = None
    follow_up_date: str | None = None
    priority: str | None = None
    form_key: str | None = None
    form_ref: FormRef | None = None
    form_fields: tuple[FormField, ...] = ()
    task_listeners: tuple[Listener, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceTask(Activity):
    """serviceTask, sendTask and businessRuleTask."""

    implementation: Implementation = field(default_factory=Implementation)
    result_variable: str | None = None
    error_mappings: tuple[ErrorMapping, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ScriptTask(Activity):
    script: Script | None = None
    result_variable: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiveTask(Activity):
    message_ref: str | None = None
    instantiate: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class CallActivity(Activity):
    called_element: str | None = None
    binding: str = "latest"  # latest, deployment, version, versionTag
    version: str | None = None
    version_tag: str | None = None
    tenant_id: str | None = None
    inputs: tuple[CallMapping, ...] = ()
    outputs: tuple[CallMapping, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SubProcess(Activity):
    """Embedded sub-process, event sub-process (triggered_by_event) or transaction."""

    scope: Scope
    triggered_by_event: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Gateway(FlowNode):
    """All gateways; the default flow is `FlowNode.default_flow`."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Event(FlowNode):
    """Events; most carry one definition, a multiple event several."""

    event_definitions: tuple[EventDefinition, ...] = ()

    @property
    def definition(self) -> EventDefinition:
        return self.event_definitions[0] if self.event_definitions else NONE_EVENT

    @property
    def trigger(self) -> EventKind:
        return self.definition.kind


@dataclass(frozen=True, slots=True, kw_only=True)
class StartEvent(Event):
    is_interrupting: bool = True
    initiator: str | None = None
    form_key: str | None = None
    form_ref: FormRef | None = None
    form_fields: tuple[FormField, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ThrowEvent(Event):
    """End and intermediate throw events; a message throw runs `implementation` (Camunda)."""

    implementation: Implementation | None = None
    result_variable: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EndEvent(ThrowEvent):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class IntermediateThrowEvent(ThrowEvent):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class IntermediateCatchEvent(Event):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class BoundaryEvent(Event):
    attached_to: str
    cancel_activity: bool = True
    # For a compensation boundary: the handler activity linked by an association.
    compensation_handler: str | None = None


# ---------------------------------------------------------------------------------------------
# Scopes and processes


_EMPTY_FLOWS: tuple[SequenceFlow, ...] = ()
_EMPTY_BOUNDARIES: tuple[BoundaryEvent, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class Scope:
    """The flow elements directly inside a process or sub-process, with precomputed indexes."""

    id: str
    nodes: Mapping[str, FlowNode]
    flows: Mapping[str, SequenceFlow]
    start_events: tuple[StartEvent, ...] = ()
    event_subprocesses: tuple[SubProcess, ...] = ()
    # link name -> id of the link catch event in this scope
    link_targets: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    _outgoing: Mapping[str, tuple[SequenceFlow, ...]] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )
    _incoming: Mapping[str, tuple[SequenceFlow, ...]] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )
    _boundaries: Mapping[str, tuple[BoundaryEvent, ...]] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )

    def outgoing(self, node_id: str) -> tuple[SequenceFlow, ...]:
        """Outgoing flows of a node in document order (the order exclusive gateways test)."""
        return self._outgoing.get(node_id, _EMPTY_FLOWS)

    def incoming(self, node_id: str) -> tuple[SequenceFlow, ...]:
        return self._incoming.get(node_id, _EMPTY_FLOWS)

    def boundary_events(self, activity_id: str) -> tuple[BoundaryEvent, ...]:
        return self._boundaries.get(activity_id, _EMPTY_BOUNDARIES)

    @property
    def none_start_event(self) -> StartEvent | None:
        """The start event a plain start (by key, or entering a sub-process) uses."""
        for start in self.start_events:
            if start.trigger is EventKind.NONE:
                return start
        return None


@dataclass(frozen=True, slots=True, eq=False)
class Process:
    id: str
    scope: Scope
    name: str | None = None
    is_executable: bool = False
    version_tag: str | None = None
    history_time_to_live: int | None = None  # days
    is_startable_in_tasklist: bool = True
    candidate_starter_users: tuple[str, ...] = ()
    candidate_starter_groups: tuple[str, ...] = ()
    properties: tuple[Property, ...] = ()
    execution_listeners: tuple[Listener, ...] = ()
    documentation: str | None = None
    line: int | None = None
    # Flat indexes over all nested scopes.
    _nodes: Mapping[str, FlowNode] = field(default_factory=lambda: MappingProxyType({}), repr=False)
    _flows: Mapping[str, SequenceFlow] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )
    _parent_scopes: Mapping[str, Scope] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )

    @property
    def key(self) -> str:
        return self.id

    @property
    def all_nodes(self) -> Mapping[str, FlowNode]:
        """Every flow node of the process, in any nested scope."""
        return self._nodes

    @property
    def all_flows(self) -> Mapping[str, SequenceFlow]:
        return self._flows

    def node(self, node_id: str) -> FlowNode:
        """The flow node with this id in any nested scope; KeyError when unknown."""
        return self._nodes[node_id]

    def find_node(self, node_id: str) -> FlowNode | None:
        return self._nodes.get(node_id)

    def flow(self, flow_id: str) -> SequenceFlow:
        return self._flows[flow_id]

    def parent_scope_of(self, element_id: str) -> Scope:
        """The scope that directly contains this node or flow; KeyError when unknown."""
        return self._parent_scopes[element_id]

    @property
    def start_events(self) -> tuple[StartEvent, ...]:
        return self.scope.start_events

    @property
    def initial_start_event(self) -> StartEvent | None:
        """The start event of a start by key: the none start event, else the only start."""
        start = self.scope.none_start_event
        if start is not None:
            return start
        if len(self.scope.start_events) == 1:
            return self.scope.start_events[0]
        return None


@dataclass(frozen=True, slots=True, eq=False)
class Definitions:
    """A parsed BPMN file."""

    resource: str
    processes: tuple[Process, ...] = ()
    id: str | None = None
    target_namespace: str | None = None
    exporter: str | None = None
    exporter_version: str | None = None
    messages: Mapping[str, Message] = field(default_factory=lambda: MappingProxyType({}))
    signals: Mapping[str, Signal] = field(default_factory=lambda: MappingProxyType({}))
    errors: Mapping[str, Error] = field(default_factory=lambda: MappingProxyType({}))
    escalations: Mapping[str, Escalation] = field(default_factory=lambda: MappingProxyType({}))
    collaboration: Collaboration | None = None
    diagram: Diagram | None = None

    @property
    def executable_processes(self) -> tuple[Process, ...]:
        """Processes a deployment registers: Camunda 7 skips isExecutable="false" ones."""
        return tuple(p for p in self.processes if p.is_executable)

    def process(self, process_id: str) -> Process:
        for process in self.processes:
            if process.id == process_id:
                return process
        raise KeyError(process_id)
