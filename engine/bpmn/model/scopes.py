"""Scopes (process and sub-process contents, with their indexes), processes, definitions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from engine.bpmn.model.flow import BoundaryEvent, FlowNode, SequenceFlow, StartEvent, SubProcess
from engine.bpmn.model.kinds import EventKind
from engine.bpmn.model.root import Collaboration, Diagram, Error, Escalation, Message, Signal
from engine.bpmn.model.values import Listener, Property

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
