"""Parsers for events and their event definitions."""

from __future__ import annotations

from typing import Any

from engine.bpmn.model import (
    BoundaryEvent,
    EndEvent,
    EventDefinition,
    EventKind,
    FlowNode,
    Implementation,
    ImplementationKind,
    IntermediateCatchEvent,
    IntermediateThrowEvent,
    NodeKind,
    StartEvent,
)
from engine.bpmn.parser.camunda import (
    parse_call_mappings,
    parse_form_fields,
    parse_form_ref,
    parse_implementation,
    parse_timer_definition,
)
from engine.bpmn.parser.common import common_fields
from engine.bpmn.parser.context import ParseContext, parse_bool, split_list
from engine.bpmn.xml import Element, bpmn_child, camunda_attr, is_bpmn, local_name, ref, text_of

_DEFINITION_KINDS = {
    "messageEventDefinition": EventKind.MESSAGE,
    "signalEventDefinition": EventKind.SIGNAL,
    "timerEventDefinition": EventKind.TIMER,
    "errorEventDefinition": EventKind.ERROR,
    "escalationEventDefinition": EventKind.ESCALATION,
    "compensateEventDefinition": EventKind.COMPENSATE,
    "conditionalEventDefinition": EventKind.CONDITIONAL,
    "linkEventDefinition": EventKind.LINK,
    "terminateEventDefinition": EventKind.TERMINATE,
    "cancelEventDefinition": EventKind.CANCEL,
}


def parse_event_definition(element: Element, ctx: ParseContext) -> EventDefinition:
    kind = _DEFINITION_KINDS[local_name(element)]
    common: dict[str, Any] = {"kind": kind, "id": element.get("id"), "line": element.sourceline}
    if kind is EventKind.MESSAGE:
        return EventDefinition(**common, message_ref=ref(element, "messageRef"))
    if kind is EventKind.SIGNAL:
        return EventDefinition(
            **common,
            signal_ref=ref(element, "signalRef"),
            is_async=parse_bool(camunda_attr(element, "async"), False),
            inputs=parse_call_mappings(element, "in"),
        )
    if kind is EventKind.TIMER:
        return EventDefinition(**common, timer=parse_timer_definition(element, ctx))
    if kind is EventKind.ERROR:
        return EventDefinition(
            **common,
            error_ref=ref(element, "errorRef"),
            error_code_variable=camunda_attr(element, "errorCodeVariable"),
            error_message_variable=camunda_attr(element, "errorMessageVariable"),
        )
    if kind is EventKind.ESCALATION:
        return EventDefinition(
            **common,
            escalation_ref=ref(element, "escalationRef"),
            escalation_code_variable=camunda_attr(element, "escalationCodeVariable"),
        )
    if kind is EventKind.COMPENSATE:
        return EventDefinition(
            **common,
            activity_ref=ref(element, "activityRef"),
            wait_for_completion=parse_bool(element.get("waitForCompletion"), True),
        )
    if kind is EventKind.CONDITIONAL:
        condition = bpmn_child(element, "condition")
        return EventDefinition(
            **common,
            condition=text_of(condition),
            condition_language=condition.get("language") if condition is not None else None,
            variable_name=camunda_attr(element, "variableName"),
            variable_events=split_list(camunda_attr(element, "variableEvents")),
        )
    if kind is EventKind.LINK:
        return EventDefinition(**common, link_name=element.get("name"))
    return EventDefinition(**common)


def _definitions(element: Element, ctx: ParseContext) -> tuple[EventDefinition, ...]:
    found = tuple(
        parse_event_definition(child, ctx)
        for child in element
        if is_bpmn(child) and local_name(child) in _DEFINITION_KINDS
    )
    if bpmn_child(element, "eventDefinitionRef") is not None:
        ctx.unsupported(element, "eventDefinitionRef is not supported; define the event inline")
    if len(found) > 1:
        ctx.unsupported(element, "multiple event definitions on one event are not supported")
    return found


def parse_start_event(element: Element, ctx: ParseContext) -> FlowNode:
    return StartEvent(
        **common_fields(element, NodeKind.START_EVENT, ctx),
        event_definitions=_definitions(element, ctx),
        is_interrupting=parse_bool(element.get("isInterrupting"), True),
        initiator=camunda_attr(element, "initiator"),
        form_key=camunda_attr(element, "formKey"),
        form_ref=parse_form_ref(element),
        form_fields=parse_form_fields(element),
    )


def _throw_implementation(
    element: Element, definitions: tuple[EventDefinition, ...], ctx: ParseContext
) -> tuple[Implementation | None, str | None]:
    """A message throw runs like a service task; Camunda reads it from the definition element."""
    if not definitions or definitions[0].kind is not EventKind.MESSAGE:
        return None, None
    definition_element = bpmn_child(element, "messageEventDefinition")
    implementation = parse_implementation(definition_element, ctx)
    if implementation.kind is ImplementationKind.NONE:
        return None, None
    return implementation, camunda_attr(definition_element, "resultVariable")


def parse_end_event(element: Element, ctx: ParseContext) -> FlowNode:
    definitions = _definitions(element, ctx)
    implementation, result_variable = _throw_implementation(element, definitions, ctx)
    return EndEvent(
        **common_fields(element, NodeKind.END_EVENT, ctx),
        event_definitions=definitions,
        implementation=implementation,
        result_variable=result_variable,
    )


def parse_intermediate_throw_event(element: Element, ctx: ParseContext) -> FlowNode:
    definitions = _definitions(element, ctx)
    implementation, result_variable = _throw_implementation(element, definitions, ctx)
    return IntermediateThrowEvent(
        **common_fields(element, NodeKind.INTERMEDIATE_THROW_EVENT, ctx),
        event_definitions=definitions,
        implementation=implementation,
        result_variable=result_variable,
    )


def parse_intermediate_catch_event(element: Element, ctx: ParseContext) -> FlowNode:
    return IntermediateCatchEvent(
        **common_fields(element, NodeKind.INTERMEDIATE_CATCH_EVENT, ctx),
        event_definitions=_definitions(element, ctx),
    )


def parse_boundary_event(element: Element, ctx: ParseContext) -> FlowNode:
    return BoundaryEvent(
        **common_fields(element, NodeKind.BOUNDARY_EVENT, ctx),
        event_definitions=_definitions(element, ctx),
        attached_to=ref(element, "attachedToRef") or "",
        cancel_activity=parse_bool(element.get("cancelActivity"), True),
    )


EVENT_PARSERS = {
    "startEvent": parse_start_event,
    "endEvent": parse_end_event,
    "intermediateThrowEvent": parse_intermediate_throw_event,
    "intermediateCatchEvent": parse_intermediate_catch_event,
    "boundaryEvent": parse_boundary_event,
}
