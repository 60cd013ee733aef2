"""Compensation: remembering completed activities, and undoing them when compensation is thrown.

Camunda 7 keeps a compensate event subscription per completed activity that has a compensation
handler, on the execution of the scope it completed in; a completed sub-process (or
multi-instance body) keeps an "event-scope execution" with a snapshot of its local variables
and the subscriptions of what completed inside it. We keep the same facts as plain records
(`state.Compensable`) on the scope execution, in order of completion, and create executions
only when compensation is thrown:

- a record with a handler (the activity associated with its compensation boundary event)
  starts that handler, a normal activity that may wait (user task, external task, ...);
- a record of a sub-process without a handler becomes a compensating scope execution with the
  snapshot as its local variables; it runs the sub-process's compensation event sub-process
  if there is one, else compensates what completed inside it (recursively);
- a multi-instance body compensates each completed instance.

"Compensation is performed synchronously": the throw event waits (`Wait.COMPENSATION`) until
every handler it started has ended. Each execution started for it carries the throw event's
activity instance id in `compensation_thrower`, so a late handler never wakes a later throw.
A record is removed when compensation is thrown for it: each completed activity is
compensated at most once.
"""

from __future__ import annotations

from engine.bpmn.model import (
    EventDefinition,
    EventKind,
    FlowNode,
    NodeKind,
    SubProcess,
)
from engine.runtime import flow
from engine.runtime.behaviors.listeners import fire_execution_listeners
from engine.runtime.context import Run
from engine.runtime.definition import ProcessDefinition
from engine.runtime.state import Compensable, Execution, Wait

# `compensation_thrower` of what runs inside a compensating scope: nobody waits for it
# directly; the compensating scope completes when the last of them ends
INSIDE = ""


def handler_of(definition: ProcessDefinition, activity_id: str) -> str | None:
    """The compensation handler linked (by association) to the activity's compensation
    boundary event, if any."""
    for boundary in definition.scope_of(activity_id).boundary_events(activity_id):
        if boundary.trigger is EventKind.COMPENSATE:
            return boundary.compensation_handler
    return None


def compensation_event_sub_process(node: FlowNode) -> SubProcess | None:
    """The sub-process's event sub-process started by a compensation start event."""
    if not isinstance(node, SubProcess):
        return None
    for esp in node.scope.event_subprocesses:
        if any(start.trigger is EventKind.COMPENSATE for start in esp.scope.start_events):
            return esp
    return None


# -- remembering -----------------------------------------------------------------------------


def activity_completed(run: Run, execution: Execution, node: FlowNode) -> None:
    """An activity completed normally: remember it in its scope if it can be compensated.

    Called before the execution's local variables are cleared, so a sub-process keeps its
    variables as the snapshot Camunda gives the handlers ("the compensation handler sees the
    variables of the sub-process as they were when it completed")."""
    records = execution.compensations
    execution.compensations = []
    scope = run.parent(execution)
    if scope is None or execution.compensation_thrower is not None:
        return  # the process itself, or a handler: handlers are never compensated
    if execution.mi_body:
        # "compensation of a multi-instance activity compensates each completed instance"
        if records:
            scope.compensations.append(Compensable(node.id, mi_body=True, inner=records))
        return
    handler = handler_of(run.definition, node.id)
    if handler is None and not records and compensation_event_sub_process(node) is None:
        return
    scope.compensations.append(
        Compensable(node.id, handler=handler, variables=dict(execution.variables), inner=records)
    )


# -- throwing --------------------------------------------------------------------------------


def throw(run: Run, thrower: Execution, definition: EventDefinition) -> bool:
    """Compensation thrown by an intermediate throw or end event (or a cancel end event):
    compensate the completed activities of the thrower's scope, all in reverse order of
    completion or only `activityRef`. Returns True when the thrower must wait for them."""
    scope = _compensated_scope(run, thrower)
    if scope is None:
        return False
    ref = definition.activity_ref
    matched = [r for r in scope.compensations if ref is None or r.activity_id == ref]
    if not matched:
        return False
    taken = {id(record) for record in matched}
    scope.compensations = [r for r in scope.compensations if id(r) not in taken]
    marker = thrower.activity_instance_id or thrower.id
    # BPMN waitForCompletion (default true): the throw event waits for the handlers; with
    # false it goes on at once and the handlers run on their own.
    if definition.wait_for_completion:
        thrower.wait = Wait.COMPENSATION
    for record in reversed(matched):
        _compensate(run, scope, record, marker)
    return definition.wait_for_completion


def _compensated_scope(run: Run, thrower: Execution) -> Execution | None:
    """The scope execution whose completed activities a throw compensates: the thrower's
    own scope; inside a compensation event sub-process, the sub-process being compensated
    (Camunda: a compensation event sub-process does not "consume" compensation)."""
    scope = run.parent(thrower)
    while scope is not None and _is_compensation_esp(run, scope):
        scope = run.parent(scope)
    return scope


def _is_compensation_esp(run: Run, execution: Execution) -> bool:
    if execution.activity_id is None:
        return False
    node = run.definition.node(execution.activity_id)
    return (
        isinstance(node, SubProcess)
        and node.triggered_by_event
        and any(start.trigger is EventKind.COMPENSATE for start in node.scope.start_events)
    )


def _compensate(run: Run, scope: Execution, record: Compensable, marker: str) -> None:
    """Start compensating one record under `scope`. `marker` (the throw event's activity
    instance) is set on the execution the throw waits for; inner ones complete their
    compensating scope instead."""
    if record.handler is not None:
        # the handler runs in the scope the activity completed in, with the activity's
        # snapshot as local variables (Camunda: in the event-scope execution)
        handler = run.new_execution(scope, record.handler)
        handler.compensation_thrower = marker
        for name, typed in record.variables.items():
            run.set_local(handler, name, typed)
        flow.enter(run, handler, record.handler)
        return
    node = run.definition.node(record.activity_id)
    compensating = run.new_execution(scope, node.id)
    compensating.compensation_thrower = marker
    compensating.wait = Wait.SCOPE
    compensating.mi_body = record.mi_body
    run.activity_started(compensating, node, body=record.mi_body)
    for name, typed in record.variables.items():
        run.set_local(compensating, name, typed)
    esp = None if record.mi_body else compensation_event_sub_process(node)
    if esp is not None:
        # the compensation event sub-process decides what to compensate inside: its throws
        # find the inner records here
        compensating.compensations = list(record.inner)
        _start_event_sub_process(run, compensating, esp)
    elif record.inner:
        for inner in reversed(record.inner):
            _compensate(run, compensating, inner, INSIDE)
    else:
        flow.complete_scope(run, compensating)


def _start_event_sub_process(run: Run, scope: Execution, esp: SubProcess) -> None:
    start = next(s for s in esp.scope.start_events if s.trigger is EventKind.COMPENSATE)
    container = run.new_execution(scope, esp.id)
    run.activity_started(container, esp)
    fire_execution_listeners(run, container, esp.execution_listeners, "start")
    container.wait = Wait.SCOPE
    token = run.new_execution(container, start.id)
    flow.enter(run, token, start.id)


# -- completing ------------------------------------------------------------------------------


def is_compensating(execution: Execution) -> bool:
    return execution.compensation_thrower is not None


def scope_compensated(run: Run, scope: Execution) -> None:
    """A compensating scope execution has nothing left to run: it ends (never leaves through
    the sub-process's outgoing flows) and its throw event may go on."""
    run.activity_ended(scope)
    scope.mi_body = False
    flow.end_token(run, scope)


def handler_ended(run: Run, marker: str) -> None:
    """A handler or compensating scope started for the throw `marker` ended: when it was the
    last one, the throw event continues (a cancel end event leaves its transaction)."""
    if marker == INSIDE:
        return
    thrower = None
    for execution in run.state.executions.values():
        if execution.compensation_thrower == marker:
            return
        if execution.activity_instance_id == marker and execution.wait == Wait.COMPENSATION:
            thrower = execution
    if thrower is None:
        return  # waitForCompletion="false", or the throw event was interrupted meanwhile
    thrower.wait = None
    node = run.definition.node(thrower.activity_id or "")
    if node.kind is NodeKind.END_EVENT and getattr(node, "trigger", None) is EventKind.CANCEL:
        from engine.runtime.behaviors import transactions

        transactions.leave_transaction(run, thrower)
        return
    flow.leave(run, thrower)
