"""BEHAVIORS: NodeKind -> the behaviour that runs when a token enters such a node."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from engine.bpmn.model import FlowNode, NodeKind
from engine.runtime.behaviors import events, gateways, scopes, tasks
from engine.runtime.context import Run
from engine.runtime.state import Execution


@dataclass(frozen=True, slots=True)
class Behavior:
    execute: Callable[[Run, Execution, FlowNode], None]


BEHAVIORS: dict[NodeKind, Behavior] = {
    NodeKind.START_EVENT: Behavior(events.execute_start),
    NodeKind.END_EVENT: Behavior(events.execute_end),
    NodeKind.INTERMEDIATE_THROW_EVENT: Behavior(events.execute_intermediate_throw),
    NodeKind.INTERMEDIATE_CATCH_EVENT: Behavior(events.execute_catch),
    NodeKind.BOUNDARY_EVENT: Behavior(events.execute_boundary),
    NodeKind.USER_TASK: Behavior(tasks.execute_user_task),
    NodeKind.SERVICE_TASK: Behavior(tasks.execute_service_task),
    NodeKind.SEND_TASK: Behavior(tasks.execute_service_task),
    NodeKind.BUSINESS_RULE_TASK: Behavior(tasks.execute_service_task),
    NodeKind.SCRIPT_TASK: Behavior(tasks.execute_script_task),
    NodeKind.RECEIVE_TASK: Behavior(tasks.execute_receive_task),
    NodeKind.MANUAL_TASK: Behavior(tasks.execute_pass_through),
    NodeKind.TASK: Behavior(tasks.execute_pass_through),
    NodeKind.CALL_ACTIVITY: Behavior(tasks.execute_call_activity),
    NodeKind.SUB_PROCESS: Behavior(scopes.execute_sub_process),
    NodeKind.TRANSACTION: Behavior(scopes.execute_sub_process),
    NodeKind.EXCLUSIVE_GATEWAY: Behavior(gateways.execute_exclusive),
    NodeKind.PARALLEL_GATEWAY: Behavior(gateways.execute_parallel),
    NodeKind.INCLUSIVE_GATEWAY: Behavior(gateways.execute_inclusive),
    NodeKind.EVENT_BASED_GATEWAY: Behavior(gateways.execute_event_based),
}
