"""A deployed process: the parsed model plus its definition id, key and version."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from engine.bpmn.model import (
    BoundaryEvent,
    Definitions,
    Event,
    EventKind,
    FlowNode,
    Process,
    Scope,
    SequenceFlow,
    SubProcess,
)


@dataclass(eq=False)
class ProcessDefinition:
    """What `run` executes. Parsed once per definition id and shared by all commands."""

    id: str
    key: str
    version: int
    process: Process
    definitions: Definitions
    version_tag: str | None = None
    deployment_id: str | None = None
    tenant_id: str | None = None
    _reach: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _activity_types: dict[str, str] = field(default_factory=dict, repr=False)

    def node(self, node_id: str) -> FlowNode:
        return self.process.node(node_id)

    @cached_property  # an attribute read after the first: the hot paths look nodes up
    def nodes(self) -> Mapping[str, FlowNode]:
        """Every flow node by id, in any nested scope (`nodes[id]` is `node(id)`)."""
        return self.process.all_nodes

    @cached_property
    def outgoing_flows(self) -> Mapping[str, tuple[SequenceFlow, ...]]:
        """Node id -> its outgoing flows in document order (its scope's index, flattened)."""
        return {node_id: self.scope_of(node_id).outgoing(node_id) for node_id in self.nodes}

    @cached_property
    def boundary_events(self) -> Mapping[str, tuple[BoundaryEvent, ...]]:
        """Activity id -> the boundary events attached to it (its scope's index, flattened)."""
        return {node_id: self.scope_of(node_id).boundary_events(node_id) for node_id in self.nodes}

    @cached_property
    def scope_activities(self) -> frozenset[str]:
        """The activities Camunda makes scopes of their own: sub-processes, activities with
        input/output mappings or boundary events (read for every token's public id)."""
        return frozenset(
            node_id
            for node_id, node in self.nodes.items()
            if isinstance(node, SubProcess)
            or node.input_output is not None
            or self.boundary_events[node_id]
        )

    @cached_property
    def has_compensation(self) -> bool:
        """Whether any compensation boundary or start event exists: without one, no
        activity has a handler to remember and no scope is ever compensated."""
        return any(
            isinstance(node, Event) and node.trigger is EventKind.COMPENSATE
            for node in self.process.all_nodes.values()
        )

    def scope_of(self, node_id: str) -> Scope:
        return self.process.parent_scope_of(node_id)

    def inner_scope(self, node_id: str | None) -> Scope:
        """The scope whose nodes a token in execution at `node_id` runs (None: the process)."""
        if node_id is None:
            return self.process.scope
        node = self.node(node_id)
        assert isinstance(node, SubProcess)
        return node.scope

    def activity_type(self, node: FlowNode) -> str:
        """Camunda's activity type of the node (history, activity tree); computed once."""
        cached = self._activity_types.get(node.id)
        if cached is None:
            cached = self._activity_types[node.id] = _activity_type(node)
        return cached

    def message_name(self, message_ref: str | None) -> str | None:
        if message_ref is None:
            return None
        message = self.definitions.messages.get(message_ref)
        return message.name if message is not None and message.name else message_ref

    def signal_name(self, signal_ref: str | None) -> str | None:
        if signal_ref is None:
            return None
        signal = self.definitions.signals.get(signal_ref)
        return signal.name if signal is not None and signal.name else signal_ref

    def reachable_from(self, node_id: str) -> frozenset[str]:
        """Nodes reachable from `node_id` along sequence flows in its scope (itself excluded
        unless on a loop). The inclusive join waits for tokens that can still get to it."""
        cached = self._reach.get(node_id)
        if cached is not None:
            return cached
        scope = self.scope_of(node_id)
        seen: set[str] = set()
        stack = [node_id]
        while stack:
            current = stack.pop()
            for flow in scope.outgoing(current):
                if flow.target not in seen:
                    seen.add(flow.target)
                    stack.append(flow.target)
            # a token at an activity may still leave through a boundary event
            for boundary in scope.boundary_events(current):
                if boundary.id not in seen:
                    seen.add(boundary.id)
                    stack.append(boundary.id)
        result = frozenset(seen)
        self._reach[node_id] = result
        return result


# Camunda's ActivityTypes for the compensation and cancel events (history, activity tree)
_EVENT_TYPES: dict[tuple[str, str], str] = {
    ("intermediate_throw_event", "compensate"): "intermediateCompensationThrowEvent",
    ("end_event", "compensate"): "compensationEndEvent",
    ("start_event", "compensate"): "compensationStartEvent",
    ("end_event", "cancel"): "cancelEndEvent",
    ("boundary_event", "cancel"): "cancelBoundaryCatch",
}


def _activity_type(node: FlowNode) -> str:
    trigger = getattr(node, "trigger", None)
    if trigger is not None:
        special = _EVENT_TYPES.get((node.kind.value, trigger.value))
        if special is not None:
            return special
    return _camel(node.kind.value)


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part.title() for part in rest)
