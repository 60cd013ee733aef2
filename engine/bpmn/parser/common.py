"""Fields every flow node has (generic activity attributes, multi-instance)."""

from __future__ import annotations

from typing import Any

from engine.bpmn.model import MultiInstance, NodeKind
from engine.bpmn.parser.camunda import (
    failed_job_retry_time_cycle,
    parse_execution_listeners,
    parse_input_output,
    parse_properties,
)
from engine.bpmn.parser.context import ParseContext, parse_bool
from engine.bpmn.xml import Element, bpmn_child, camunda_attr, text_of


def documentation_of(element: Element) -> str | None:
    return text_of(bpmn_child(element, "documentation"))


def async_before_of(element: Element) -> bool:
    # camunda:async is the legacy spelling of camunda:asyncBefore.
    value = camunda_attr(element, "asyncBefore")
    if value is None:
        value = camunda_attr(element, "async")
    return parse_bool(value, False)


def common_fields(element: Element, kind: NodeKind, ctx: ParseContext) -> dict[str, Any]:
    """Keyword arguments shared by every FlowNode class."""
    if bpmn_child(element, "standardLoopCharacteristics") is not None:
        ctx.unsupported(element, "standardLoopCharacteristics (loops) are not supported")
    return {
        "id": element.get("id") or "",
        "kind": kind,
        "name": element.get("name"),
        "documentation": documentation_of(element),
        "line": element.sourceline,
        "default_flow": element.get("default"),
        "async_before": async_before_of(element),
        "async_after": parse_bool(camunda_attr(element, "asyncAfter"), False),
        "exclusive": parse_bool(camunda_attr(element, "exclusive"), True),
        "job_priority": camunda_attr(element, "jobPriority"),
        "failed_job_retry_time_cycle": failed_job_retry_time_cycle(element),
        "input_output": parse_input_output(element, ctx),
        "execution_listeners": parse_execution_listeners(element, ctx),
        "properties": parse_properties(element),
        "multi_instance": parse_multi_instance(element),
        "is_for_compensation": parse_bool(element.get("isForCompensation"), False),
    }


def parse_multi_instance(element: Element) -> MultiInstance | None:
    mi = bpmn_child(element, "multiInstanceLoopCharacteristics")
    if mi is None:
        return None
    collection = camunda_attr(mi, "collection")
    if collection is None:
        collection = text_of(bpmn_child(mi, "loopDataInputRef"))
    element_variable = camunda_attr(mi, "elementVariable")
    if element_variable is None:
        item = bpmn_child(mi, "inputDataItem")
        if item is not None:
            element_variable = item.get("name") or item.get("id")
    return MultiInstance(
        is_sequential=parse_bool(mi.get("isSequential"), False),
        loop_cardinality=text_of(bpmn_child(mi, "loopCardinality")),
        collection=collection,
        element_variable=element_variable,
        completion_condition=text_of(bpmn_child(mi, "completionCondition")),
        async_before=async_before_of(mi),
        async_after=parse_bool(camunda_attr(mi, "asyncAfter"), False),
        exclusive=parse_bool(camunda_attr(mi, "exclusive"), True),
        failed_job_retry_time_cycle=failed_job_retry_time_cycle(mi),
        line=mi.sourceline,
    )
