"""The `definitions` root: processes, root elements, collaboration and diagram."""

from __future__ import annotations

from types import MappingProxyType

from engine.bpmn.model import (
    Bounds,
    Collaboration,
    Definitions,
    Diagram,
    Edge,
    Error,
    Escalation,
    Message,
    MessageFlow,
    Participant,
    Process,
    Shape,
    Signal,
)
from engine.bpmn.parser.context import ParseContext, parse_bool
from engine.bpmn.parser.scopes import parse_process
from engine.bpmn.xml import (
    BPMN_NS,
    BPMNDI_NS,
    DC_NS,
    DI_NS,
    Element,
    camunda_attr,
    is_bpmn,
    local_name,
    namespace_of,
    ref,
)


def parse_definitions(root: Element, ctx: ParseContext) -> Definitions:
    _check_duplicate_ids(root, ctx)
    processes: list[Process] = []
    messages: dict[str, Message] = {}
    signals: dict[str, Signal] = {}
    errors: dict[str, Error] = {}
    escalations: dict[str, Escalation] = {}
    collaboration: Collaboration | None = None
    shapes: list[Shape] = []
    edges: list[Edge] = []
    for child in root:
        namespace = namespace_of(child)
        tag = local_name(child)
        if namespace == BPMNDI_NS and tag == "BPMNDiagram":
            _parse_diagram(child, shapes, edges)
            continue
        if namespace != BPMN_NS:
            continue
        element_id = child.get("id") or ""
        line = child.sourceline
        if tag == "process":
            processes.append(parse_process(child, ctx))
        elif tag == "message":
            messages.setdefault(element_id, Message(element_id, child.get("name"), line))
        elif tag == "signal":
            signals.setdefault(element_id, Signal(element_id, child.get("name"), line))
        elif tag == "error":
            errors.setdefault(
                element_id,
                Error(
                    element_id,
                    child.get("name"),
                    child.get("errorCode"),
                    camunda_attr(child, "errorMessage"),
                    line,
                ),
            )
        elif tag == "escalation":
            escalations.setdefault(
                element_id,
                Escalation(element_id, child.get("name"), child.get("escalationCode"), line),
            )
        elif tag == "collaboration" and collaboration is None:
            collaboration = _parse_collaboration(child)
    diagram = None
    if shapes or edges:
        bounds: dict[str, Bounds] = {}
        for shape in shapes:
            if shape.bounds is not None:
                bounds.setdefault(shape.element_id, shape.bounds)
        diagram = Diagram(shapes=tuple(shapes), edges=tuple(edges), bounds=MappingProxyType(bounds))
    return Definitions(
        resource=ctx.resource,
        processes=tuple(processes),
        id=root.get("id"),
        target_namespace=root.get("targetNamespace"),
        exporter=root.get("exporter"),
        exporter_version=root.get("exporterVersion"),
        messages=MappingProxyType(messages),
        signals=MappingProxyType(signals),
        errors=MappingProxyType(errors),
        escalations=MappingProxyType(escalations),
        collaboration=collaboration,
        diagram=diagram,
    )


def _check_duplicate_ids(root: Element, ctx: ParseContext) -> None:
    seen: dict[str, int | None] = {}
    for element in root.iter():
        if namespace_of(element) != BPMN_NS:
            continue
        element_id = element.get("id")
        if element_id is None:
            continue
        if element_id in seen:
            first = seen[element_id]
            where = f" (first used on line {first})" if first is not None else ""
            ctx.problem(element, f"duplicate id '{element_id}'{where}")
        else:
            seen[element_id] = element.sourceline


def _parse_collaboration(element: Element) -> Collaboration:
    participants = []
    flows = []
    for child in element:
        if is_bpmn(child, "participant"):
            participants.append(
                Participant(
                    id=child.get("id") or "",
                    name=child.get("name"),
                    process_ref=ref(child, "processRef"),
                )
            )
        elif is_bpmn(child, "messageFlow"):
            flows.append(
                MessageFlow(
                    id=child.get("id") or "",
                    name=child.get("name"),
                    source=ref(child, "sourceRef") or "",
                    target=ref(child, "targetRef") or "",
                    message_ref=ref(child, "messageRef"),
                )
            )
    return Collaboration(
        id=element.get("id") or "", participants=tuple(participants), message_flows=tuple(flows)
    )


def _number(value: str | None) -> float:
    try:
        return float(value) if value is not None else 0.0
    except ValueError:
        return 0.0


def _parse_diagram(diagram: Element, shapes: list[Shape], edges: list[Edge]) -> None:
    for element in diagram.iter():
        if namespace_of(element) != BPMNDI_NS:
            continue
        tag = local_name(element)
        if tag == "BPMNShape":
            bounds = None
            for child in element:
                if namespace_of(child) == DC_NS and local_name(child) == "Bounds":
                    bounds = Bounds(
                        _number(child.get("x")),
                        _number(child.get("y")),
                        _number(child.get("width")),
                        _number(child.get("height")),
                    )
                    break
            expanded = element.get("isExpanded")
            shapes.append(
                Shape(
                    id=element.get("id") or "",
                    element_id=element.get("bpmnElement") or "",
                    bounds=bounds,
                    is_expanded=None if expanded is None else parse_bool(expanded, False),
                )
            )
        elif tag == "BPMNEdge":
            points = tuple(
                (_number(child.get("x")), _number(child.get("y")))
                for child in element
                if namespace_of(child) == DI_NS and local_name(child) == "waypoint"
            )
            edges.append(
                Edge(
                    id=element.get("id") or "",
                    element_id=element.get("bpmnElement") or "",
                    waypoints=points,
                )
            )
