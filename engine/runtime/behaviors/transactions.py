"""Transaction sub-processes: the cancel end event and the cancel boundary event.

A transaction runs as an embedded sub-process (behaviors/scopes.py). Camunda 7: "When the
cancel end event is reached, a cancel event is thrown which must be caught by a cancel boundary
event. [...] it first interrupts all active executions in the current scope. Next, it starts
compensation of all active compensation boundary events in the scope of the transaction.
Compensation is performed synchronously, i.e., the boundary event waits before compensation is
completed before leaving the transaction. When compensation is completed, the transaction
subprocess is left using the sequence flow(s) running out of the cancel boundary event."
"""

from __future__ import annotations

from engine.bpmn.model import EventKind, FlowNode, ThrowEvent
from engine.runtime import flow
from engine.runtime.behaviors import compensation
from engine.runtime.context import Run
from engine.runtime.errors import ProcessEngineError
from engine.runtime.state import Execution


def execute_cancel_end(run: Run, execution: Execution, node: FlowNode) -> None:
    """The cancel end event: interrupt the rest of the transaction, compensate what completed
    in it (the cancel end event waits meanwhile, as in Camunda's activity instance tree),
    then leave through the cancel boundary event."""
    assert isinstance(node, ThrowEvent)
    transaction = run.parent(execution)
    if transaction is None or transaction.parent_id is None:
        raise ProcessEngineError("A cancel end event must be inside a transaction", node.id)
    for other in list(run.state.children(transaction.id)):
        if other is execution:
            continue
        flow.cancel_inside(run, other, "cancelled")
        flow.end_cancelled(run, other, "cancelled")
        run.remove_execution(other)
    if compensation.throw(run, execution, node.definition):
        return
    leave_transaction(run, execution)


def leave_transaction(run: Run, execution: Execution) -> None:
    """Compensation is done: the cancel end event completes and the cancel boundary event
    interrupts the transaction (every instance of a multi-instance transaction) and takes
    its outgoing flows."""
    transaction = run.parent(execution)
    assert transaction is not None
    owner = transaction
    if owner.mi_instance:
        owner = run.parent(owner) or owner
    activity_id = owner.activity_id or ""
    boundary = next(
        (
            b
            for b in run.definition.scope_of(activity_id).boundary_events(activity_id)
            if b.trigger is EventKind.CANCEL
        ),
        None,
    )
    if boundary is None:
        raise ProcessEngineError(
            f"No cancel boundary event on transaction '{activity_id}'", execution.activity_id
        )
    flow.end_activity(run, execution, run.definition.node(execution.activity_id or ""))
    run.remove_execution(execution)
    flow.cancel_activity(run, owner, "cancelled")
    flow.enter(run, owner, boundary.id)
