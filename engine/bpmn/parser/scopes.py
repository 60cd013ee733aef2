"""Processes, sub-processes and the scopes of flow elements they hold, with their indexes."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from types import MappingProxyType

from engine.bpmn.model import (
    BoundaryEvent,
    EventKind,
    FlowNode,
    IntermediateCatchEvent,
    NodeKind,
    Process,
    Scope,
    SequenceFlow,
    StartEvent,
    SubProcess,
)
from engine.bpmn.parser.assignments import candidate_starters
from engine.bpmn.parser.camunda import parse_execution_listeners, parse_properties
from engine.bpmn.parser.common import common_fields, documentation_of
from engine.bpmn.parser.context import ParseContext, parse_bool
from engine.bpmn.parser.events import EVENT_PARSERS
from engine.bpmn.parser.tasks import TASK_PARSERS
from engine.bpmn.xml import Element, bpmn_child, camunda_attr, is_bpmn, local_name, ref, text_of

ElementParser = Callable[[Element, ParseContext], FlowNode]

_TTL_PERIOD = re.compile(r"^P(\d+)D$")


def parse_sequence_flow(element: Element, ctx: ParseContext) -> SequenceFlow:
    condition = bpmn_child(element, "conditionExpression")
    language = None
    resource = None
    if condition is not None:
        language = condition.get("language")
        resource = camunda_attr(condition, "resource")
    return SequenceFlow(
        id=element.get("id") or "",
        source=ref(element, "sourceRef") or "",
        target=ref(element, "targetRef") or "",
        name=element.get("name"),
        condition=text_of(condition),
        condition_language=language,
        condition_resource=resource,
        # A flow listener always listens to "take"; Camunda ignores its event attribute.
        execution_listeners=tuple(
            dataclasses.replace(listener, event="take")
            for listener in parse_execution_listeners(element, ctx)
        ),
        documentation=documentation_of(element),
        line=element.sourceline,
    )


def _parse_sub_process(kind: NodeKind) -> ElementParser:
    def parse(element: Element, ctx: ParseContext) -> FlowNode:
        fields = common_fields(element, kind, ctx)
        return SubProcess(
            **fields,
            scope=parse_scope(element, fields["id"], ctx),
            triggered_by_event=parse_bool(element.get("triggeredByEvent"), False),
        )

    return parse


ELEMENT_PARSERS: dict[str, ElementParser] = {
    **EVENT_PARSERS,
    **TASK_PARSERS,
    "subProcess": _parse_sub_process(NodeKind.SUB_PROCESS),
    "transaction": _parse_sub_process(NodeKind.TRANSACTION),
    "adHocSubProcess": _parse_sub_process(NodeKind.AD_HOC_SUB_PROCESS),
}

# BPMN elements with no runtime meaning in Camunda 7 (data, artifacts, lanes): skipped quietly.
_IGNORED = frozenset(
    {
        "documentation",
        "extensionElements",
        "laneSet",
        "dataObject",
        "dataObjectReference",
        "dataStoreReference",
        "textAnnotation",
        "group",
        "ioSpecification",
        "property",
        "incoming",
        "outgoing",
        "multiInstanceLoopCharacteristics",
        "standardLoopCharacteristics",
        "auditing",
        "monitoring",
        "supports",
        "resourceRole",
        "performer",
        "humanPerformer",
        "potentialOwner",
        "potentialStarter",  # a process's: read with its candidate starters
        "dataInputAssociation",
        "dataOutputAssociation",
        "correlationSubscription",
        "association",
        "sequenceFlow",
    }
)


def parse_scope(container: Element, scope_id: str, ctx: ParseContext) -> Scope:
    nodes: dict[str, FlowNode] = {}
    flows: dict[str, SequenceFlow] = {}
    for child in container:
        if not is_bpmn(child):
            continue
        tag = local_name(child)
        parser = ELEMENT_PARSERS.get(tag)
        if parser is not None:
            node = parser(child, ctx)
            if not node.id:
                ctx.problem(child, f"<{tag}> has no id")
                continue
            # Duplicate ids are reported by the id check; keep the first element.
            nodes.setdefault(node.id, node)
        elif tag == "sequenceFlow":
            flow = parse_sequence_flow(child, ctx)
            if not flow.id:
                # Camunda's own test models leave flow ids out; give them a stable one.
                flow = dataclasses.replace(flow, id=_generated_flow_id(flow, flows))
            flows.setdefault(flow.id, flow)
        elif tag == "association":
            source, target = ref(child, "sourceRef"), ref(child, "targetRef")
            if source and target:
                ctx.associations.append((source, target))
        elif tag not in _IGNORED:
            ctx.unsupported(child, f"element '{tag}' is not supported")
    return build_scope(scope_id, nodes, flows)


def _generated_flow_id(flow: SequenceFlow, taken: dict[str, SequenceFlow]) -> str:
    base = f"{flow.source}-{flow.target}"
    candidate = base
    counter = 1
    while candidate in taken:
        counter += 1
        candidate = f"{base}-{counter}"
    return candidate


def build_scope(scope_id: str, nodes: dict[str, FlowNode], flows: dict[str, SequenceFlow]) -> Scope:
    """Attach incoming/outgoing flow ids to the nodes and precompute the scope's indexes."""
    outgoing: dict[str, list[SequenceFlow]] = {}
    incoming: dict[str, list[SequenceFlow]] = {}
    for flow in flows.values():
        outgoing.setdefault(flow.source, []).append(flow)
        incoming.setdefault(flow.target, []).append(flow)
    finished: dict[str, FlowNode] = {}
    boundaries: dict[str, list[BoundaryEvent]] = {}
    starts: list[StartEvent] = []
    event_subprocesses: list[SubProcess] = []
    link_targets: dict[str, str] = {}
    for node_id, node in nodes.items():
        node = dataclasses.replace(
            node,
            incoming=tuple(f.id for f in incoming.get(node_id, ())),
            outgoing=tuple(f.id for f in outgoing.get(node_id, ())),
        )
        finished[node_id] = node
        if isinstance(node, BoundaryEvent):
            boundaries.setdefault(node.attached_to, []).append(node)
        elif isinstance(node, StartEvent):
            starts.append(node)
        elif isinstance(node, SubProcess) and node.triggered_by_event:
            event_subprocesses.append(node)
        elif isinstance(node, IntermediateCatchEvent) and node.trigger is EventKind.LINK:
            name = node.definition.link_name
            if name:
                link_targets.setdefault(name, node_id)
    return Scope(
        id=scope_id,
        nodes=MappingProxyType(finished),
        flows=MappingProxyType(dict(flows)),
        start_events=tuple(starts),
        event_subprocesses=tuple(event_subprocesses),
        link_targets=MappingProxyType(link_targets),
        _outgoing=MappingProxyType({k: tuple(v) for k, v in outgoing.items()}),
        _incoming=MappingProxyType({k: tuple(v) for k, v in incoming.items()}),
        _boundaries=MappingProxyType({k: tuple(v) for k, v in boundaries.items()}),
    )


def history_days(value: str | None) -> int | None:
    """camunda:historyTimeToLive in days: a number or a period like `P30D` (None otherwise)."""
    value = (value or "").strip()
    if value.isdigit():
        return int(value)
    match = _TTL_PERIOD.match(value)
    return int(match.group(1)) if match is not None else None


def _history_time_to_live(element: Element, ctx: ParseContext) -> int | None:
    value = camunda_attr(element, "historyTimeToLive")
    if value is None or not value.strip():
        return None
    days = history_days(value)
    if days is not None:
        return days
    value = value.strip()
    ctx.unsupported(
        element,
        f"camunda:historyTimeToLive '{value}' is neither a number of days nor a period like P30D",
    )
    return None


def _resolve_compensation_handlers(scope: Scope, handlers: dict[str, str]) -> Scope:
    """Link compensation boundary events to their handler (given by an association)."""
    changed: dict[str, FlowNode] = {}
    for node_id, node in scope.nodes.items():
        new = node
        if isinstance(node, BoundaryEvent) and node_id in handlers:
            new = dataclasses.replace(node, compensation_handler=handlers[node_id])
        if isinstance(node, SubProcess):
            inner = _resolve_compensation_handlers(node.scope, handlers)
            if inner is not node.scope:
                new = dataclasses.replace(node, scope=inner)
        if new is not node:
            changed[node_id] = new
    if not changed:
        return scope
    nodes = {node_id: changed.get(node_id, node) for node_id, node in scope.nodes.items()}
    return build_scope(scope.id, nodes, dict(scope.flows))


def _index(
    scope: Scope,
    nodes: dict[str, FlowNode],
    flows: dict[str, SequenceFlow],
    parents: dict[str, Scope],
) -> None:
    for node_id, node in scope.nodes.items():
        nodes.setdefault(node_id, node)
        parents.setdefault(node_id, scope)
        if isinstance(node, SubProcess):
            _index(node.scope, nodes, flows, parents)
    for flow_id, flow in scope.flows.items():
        flows.setdefault(flow_id, flow)
        parents.setdefault(flow_id, scope)


def parse_process(element: Element, ctx: ParseContext) -> Process:
    process_id = element.get("id") or ""
    is_executable = parse_bool(element.get("isExecutable"), False)
    ctx.strict = is_executable
    ctx.associations = []
    try:
        scope = parse_scope(element, process_id, ctx)
        ttl = _history_time_to_live(element, ctx)
    finally:
        ctx.strict = True
    handlers = {
        source: target
        for source, target in ctx.associations
        if _is_compensation_boundary(scope, source)
    }
    if handlers:
        scope = _resolve_compensation_handlers(scope, handlers)
    nodes: dict[str, FlowNode] = {}
    flows: dict[str, SequenceFlow] = {}
    parents: dict[str, Scope] = {}
    _index(scope, nodes, flows, parents)
    starter_users, starter_groups = candidate_starters(element)
    return Process(
        id=process_id,
        scope=scope,
        name=element.get("name"),
        is_executable=is_executable,
        version_tag=camunda_attr(element, "versionTag"),
        history_time_to_live=ttl,
        is_startable_in_tasklist=parse_bool(camunda_attr(element, "isStartableInTasklist"), True),
        candidate_starter_users=starter_users,
        candidate_starter_groups=starter_groups,
        properties=parse_properties(element),
        execution_listeners=parse_execution_listeners(element, ctx),
        documentation=documentation_of(element),
        line=element.sourceline,
        _nodes=MappingProxyType(nodes),
        _flows=MappingProxyType(flows),
        _parent_scopes=MappingProxyType(parents),
    )


def _is_compensation_boundary(scope: Scope, node_id: str) -> bool:
    stack = [scope]
    while stack:
        current = stack.pop()
        node = current.nodes.get(node_id)
        if node is not None:
            return isinstance(node, BoundaryEvent) and node.trigger is EventKind.COMPENSATE
        stack.extend(n.scope for n in current.nodes.values() if isinstance(n, SubProcess))
    return False
