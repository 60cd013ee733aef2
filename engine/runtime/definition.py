"""A deployed process: the parsed model plus its definition id, key and version."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.bpmn.model import Definitions, FlowNode, Process, Scope, SubProcess


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
    _reach: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def node(self, node_id: str) -> FlowNode:
        return self.process.node(node_id)

    def scope_of(self, node_id: str) -> Scope:
        return self.process.parent_scope_of(node_id)

    def inner_scope(self, node_id: str | None) -> Scope:
        """The scope whose nodes a token in execution at `node_id` runs (None: the process)."""
        if node_id is None:
            return self.process.scope
        node = self.node(node_id)
        assert isinstance(node, SubProcess)
        return node.scope

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
