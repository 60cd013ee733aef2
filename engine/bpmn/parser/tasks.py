"""Parsers for tasks, call activities and gateways."""

from __future__ import annotations

from engine.bpmn.model import (
    Activity,
    CallActivity,
    FlowNode,
    Gateway,
    NodeKind,
    ReceiveTask,
    Script,
    ScriptTask,
    ServiceTask,
    UserTask,
)
from engine.bpmn.parser.assignments import resource_expression, split_assignment
from engine.bpmn.parser.camunda import (
    parse_call_mappings,
    parse_error_mappings,
    parse_form_fields,
    parse_form_ref,
    parse_implementation,
    parse_task_listeners,
)
from engine.bpmn.parser.common import common_fields
from engine.bpmn.parser.context import ParseContext, parse_bool
from engine.bpmn.xml import Element, bpmn_child, camunda_attr, ref, text_line, text_of


def _potential_owners(element: Element) -> tuple[str | None, str | None]:
    """Candidate users and groups from `potentialOwner` (a plain name means a group)."""
    text = resource_expression(element, "potentialOwner")
    if text is None:
        return None, None
    users, groups = split_assignment(text)
    return (", ".join(users) or None, ", ".join(groups) or None)


def parse_user_task(element: Element, ctx: ParseContext) -> FlowNode:
    owner_users, owner_groups = _potential_owners(element)
    assignee = camunda_attr(element, "assignee") or resource_expression(element, "humanPerformer")
    candidate_users = camunda_attr(element, "candidateUsers")
    candidate_groups = camunda_attr(element, "candidateGroups")
    return UserTask(
        **common_fields(element, NodeKind.USER_TASK, ctx),
        assignee=assignee,
        candidate_users=candidate_users if candidate_users is not None else owner_users,
        candidate_groups=candidate_groups if candidate_groups is not None else owner_groups,
        due_date=camunda_attr(element, "dueDate"),
        follow_up_date=camunda_attr(element, "followUpDate"),
        priority=camunda_attr(element, "priority"),
        form_key=camunda_attr(element, "formKey"),
        form_ref=parse_form_ref(element),
        form_fields=parse_form_fields(element),
        task_listeners=parse_task_listeners(element, ctx),
    )


def parse_service_task(element: Element, ctx: ParseContext) -> FlowNode:
    return ServiceTask(
        **common_fields(element, NodeKind.SERVICE_TASK, ctx),
        implementation=parse_implementation(element, ctx),
        result_variable=camunda_attr(element, "resultVariable"),
        error_mappings=parse_error_mappings(element),
    )


def parse_send_task(element: Element, ctx: ParseContext) -> FlowNode:
    return ServiceTask(
        **common_fields(element, NodeKind.SEND_TASK, ctx),
        implementation=parse_implementation(element, ctx),
        result_variable=camunda_attr(element, "resultVariable"),
        error_mappings=parse_error_mappings(element),
    )


def parse_business_rule_task(element: Element, ctx: ParseContext) -> FlowNode:
    return ServiceTask(
        **common_fields(element, NodeKind.BUSINESS_RULE_TASK, ctx),
        implementation=parse_implementation(element, ctx),
        result_variable=camunda_attr(element, "resultVariable"),
        error_mappings=parse_error_mappings(element),
    )


def parse_script_task(element: Element, ctx: ParseContext) -> FlowNode:
    script_element = bpmn_child(element, "script")
    script = Script(
        format=(element.get("scriptFormat") or "").strip(),
        text=text_of(script_element),
        resource=camunda_attr(element, "resource"),
        line=element.sourceline if script_element is None else text_line(script_element),
    )
    return ScriptTask(
        **common_fields(element, NodeKind.SCRIPT_TASK, ctx),
        script=script,
        result_variable=camunda_attr(element, "resultVariable"),
    )


def parse_receive_task(element: Element, ctx: ParseContext) -> FlowNode:
    return ReceiveTask(
        **common_fields(element, NodeKind.RECEIVE_TASK, ctx),
        message_ref=ref(element, "messageRef"),
        instantiate=parse_bool(element.get("instantiate"), False),
    )


def parse_manual_task(element: Element, ctx: ParseContext) -> FlowNode:
    return Activity(**common_fields(element, NodeKind.MANUAL_TASK, ctx))


def parse_task(element: Element, ctx: ParseContext) -> FlowNode:
    return Activity(**common_fields(element, NodeKind.TASK, ctx))


def parse_call_activity(element: Element, ctx: ParseContext) -> FlowNode:
    if camunda_attr(element, "caseRef") is not None:
        ctx.unsupported(element, "camunda:caseRef (CMMN) is not supported")
    return CallActivity(
        **common_fields(element, NodeKind.CALL_ACTIVITY, ctx),
        called_element=element.get("calledElement"),
        binding=camunda_attr(element, "calledElementBinding") or "latest",
        version=camunda_attr(element, "calledElementVersion"),
        version_tag=camunda_attr(element, "calledElementVersionTag"),
        tenant_id=camunda_attr(element, "calledElementTenantId"),
        inputs=parse_call_mappings(element, "in"),
        outputs=parse_call_mappings(element, "out"),
    )


def _gateway(kind: NodeKind, element: Element, ctx: ParseContext) -> FlowNode:
    return Gateway(**common_fields(element, kind, ctx))


def parse_exclusive_gateway(element: Element, ctx: ParseContext) -> FlowNode:
    return _gateway(NodeKind.EXCLUSIVE_GATEWAY, element, ctx)


def parse_parallel_gateway(element: Element, ctx: ParseContext) -> FlowNode:
    return _gateway(NodeKind.PARALLEL_GATEWAY, element, ctx)


def parse_inclusive_gateway(element: Element, ctx: ParseContext) -> FlowNode:
    return _gateway(NodeKind.INCLUSIVE_GATEWAY, element, ctx)


def parse_event_based_gateway(element: Element, ctx: ParseContext) -> FlowNode:
    return _gateway(NodeKind.EVENT_BASED_GATEWAY, element, ctx)


def parse_complex_gateway(element: Element, ctx: ParseContext) -> FlowNode:
    return _gateway(NodeKind.COMPLEX_GATEWAY, element, ctx)


TASK_PARSERS = {
    "userTask": parse_user_task,
    "serviceTask": parse_service_task,
    "sendTask": parse_send_task,
    "businessRuleTask": parse_business_rule_task,
    "scriptTask": parse_script_task,
    "receiveTask": parse_receive_task,
    "manualTask": parse_manual_task,
    "task": parse_task,
    "callActivity": parse_call_activity,
    "exclusiveGateway": parse_exclusive_gateway,
    "parallelGateway": parse_parallel_gateway,
    "inclusiveGateway": parse_inclusive_gateway,
    "eventBasedGateway": parse_event_based_gateway,
    "complexGateway": parse_complex_gateway,
}
