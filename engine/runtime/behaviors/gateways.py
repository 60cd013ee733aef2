"""Exclusive, parallel, inclusive and event-based gateways."""

from __future__ import annotations

from engine.bpmn.model import FlowNode, NodeKind, SequenceFlow
from engine.runtime import flow
from engine.runtime.context import Run
from engine.runtime.errors import ProcessEngineError
from engine.runtime.state import Execution, Wait


def execute_exclusive(run: Run, execution: Execution, node: FlowNode) -> None:
    """First outgoing flow whose condition holds, in document order; else the default."""
    outgoing = run.definition.scope_of(node.id).outgoing(node.id)
    if not outgoing:
        flow.leave(run, execution)
        return
    chosen: SequenceFlow | None = None
    default: SequenceFlow | None = None
    for candidate in outgoing:
        if candidate.id == node.default_flow:
            default = candidate
        elif candidate.condition is None or flow.flow_condition(run, candidate, execution):
            chosen = candidate
            break
    chosen = chosen or default
    if chosen is None:
        raise ProcessEngineError(
            f"No outgoing sequence flow for the element with id '{node.id}' could be selected "
            "for continuing the process.",
            node.id,
        )
    _pass(run, execution, node, [chosen])


def _pass(run: Run, execution: Execution, node: FlowNode, flows: list[SequenceFlow]) -> None:
    if flow.end_activity(run, execution, node, in_flow=True):
        flow.take(run, execution, flows)


def execute_parallel(run: Run, execution: Execution, node: FlowNode) -> None:
    """Join: wait until as many tokens as incoming flows have arrived (each arrival counts,
    so the join fires once per round also inside loops); fork: all outgoing flows."""
    expected = len(node.incoming)
    if expected > 1:
        arrived = _waiting_at(run, execution, node.id)
        if len(arrived) + 1 < expected:
            execution.wait = Wait.JOIN
            return
        _join(run, execution, arrived[: expected - 1])
    execution.wait = None
    outgoing = list(run.definition.scope_of(node.id).outgoing(node.id))
    if not outgoing:
        flow.leave(run, execution)
        return
    _pass(run, execution, node, outgoing)


def _join(run: Run, execution: Execution, arrived: list[Execution]) -> None:
    """The tokens that arrived before `execution` end with their branches; it goes on."""
    for other in arrived:
        run.activity_ended(other)
        run.remove_execution(other)
    run.end_branch(execution)


def _waiting_at(run: Run, execution: Execution, node_id: str) -> list[Execution]:
    return [
        sibling
        for sibling in run.state.children(execution.parent_id or "")
        if sibling is not execution and sibling.activity_id == node_id and sibling.wait == Wait.JOIN
    ]


def execute_inclusive(run: Run, execution: Execution, node: FlowNode) -> None:
    if len(node.incoming) > 1:
        execution.wait = Wait.JOIN
        if not can_join(run, execution, node.id):
            return
        _join(run, execution, _waiting_at(run, execution, node.id))
    execution.wait = None
    _fork_inclusive(run, execution, node)


def can_join(run: Run, execution: Execution, node_id: str) -> bool:
    """The inclusive join fires when no other token of the scope can still reach it."""
    for sibling in run.state.children(execution.parent_id or ""):
        if sibling is execution or sibling.activity_id is None:
            continue
        if sibling.compensation_thrower is not None:
            continue  # compensating a completed activity: it never takes its flows again
        if sibling.activity_id == node_id and sibling.wait == Wait.JOIN:
            continue
        if sibling.activity_id == node_id or node_id in run.definition.reachable_from(
            sibling.activity_id
        ):
            return False
    return True


def check_waiting_joins(run: Run) -> bool:
    """After tokens ended or moved: fire inclusive joins nobody else can reach any more."""
    for execution in list(run.state.executions.values()):
        if execution.wait != Wait.JOIN or not run.alive(execution):
            continue
        node = run.definition.node(execution.activity_id or "")
        if node.kind is NodeKind.INCLUSIVE_GATEWAY and can_join(run, execution, node.id):
            _join(run, execution, _waiting_at(run, execution, node.id))
            execution.wait = None
            _fork_inclusive(run, execution, node)
            return True
    return False


def _fork_inclusive(run: Run, execution: Execution, node: FlowNode) -> None:
    outgoing = run.definition.scope_of(node.id).outgoing(node.id)
    if not outgoing:
        flow.leave(run, execution)
        return
    selected: list[SequenceFlow] = []
    default: SequenceFlow | None = None
    for candidate in outgoing:
        if candidate.id == node.default_flow:
            default = candidate
        elif candidate.condition is None or flow.flow_condition(run, candidate, execution):
            selected.append(candidate)
    if not selected and default is not None:
        selected.append(default)
    if not selected:
        raise ProcessEngineError(
            f"No outgoing sequence flow for the element with id '{node.id}' could be selected "
            "for continuing the process.",
            node.id,
        )
    _pass(run, execution, node, selected)


def execute_event_based(run: Run, execution: Execution, node: FlowNode) -> None:
    """Subscribe to every event after the gateway; the first to fire wins
    (events.fire_event removes the others)."""
    execution.wait = Wait.CATCH
    for outgoing in run.definition.scope_of(node.id).outgoing(node.id):
        flow.arm_event(run, execution, run.definition.node(outgoing.target))
