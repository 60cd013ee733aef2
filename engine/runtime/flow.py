"""Moving tokens: enter an activity, leave it, take flows, end tokens, complete scopes, cancel.

Every step is queued on `run.agenda` instead of called, so a long chain of activities (a loop
of a thousand iterations through gateways) runs in constant stack depth.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from engine.bpmn.model import (
    Event,
    EventKind,
    FlowNode,
    NodeKind,
    Scope,
    SequenceFlow,
    StartEvent,
    SubProcess,
    UserTask,
)
from engine.runtime import effects as fx
from engine.runtime.behaviors.listeners import (
    apply_cancelled_outputs,
    apply_inputs,
    apply_outputs,
    fire_cancelled_end_listeners,
    fire_execution_listeners,
    fire_listeners_in_flow,
    fire_take_listeners,
    fire_task_listeners,
)
from engine.runtime.behaviors.scripts import condition_holds
from engine.runtime.context import Run
from engine.runtime.errors import ProcessEngineError
from engine.runtime.state import Execution, InstanceStatus, JobKind, SubscriptionKind, Wait

if TYPE_CHECKING:
    from engine.runtime.behaviors.registry import Behavior

# Camunda records no activity instance for link events (LinkEventTest#testValidEventLink).
_UNRECORDED = frozenset({EventKind.LINK})


def enter(run: Run, execution: Execution, node_id: str) -> None:
    """Queue: the token arrives at `node_id`."""
    execution.activity_id = node_id
    # a partial, not a lambda: the agenda calls `_enter` directly, without a frame in between
    run.agenda.append(partial(_enter, run, execution, node_id))


def _enter(run: Run, execution: Execution, node_id: str) -> None:
    if not run.alive(execution):
        return
    node = run.definition.nodes[node_id]
    if node.multi_instance is not None and not execution.mi_instance and not execution.mi_body:
        multi_instance.start_body(run, execution, node)
        return
    if node.async_before and not execution.async_done:
        # Camunda: asyncBefore = a transaction boundary before the activity starts.
        execution.wait = Wait.JOB
        run.add_job(execution, JobKind.ASYNC_BEFORE, node_id)
        return
    execution.async_done = False
    start_activity(run, execution, node)
    if not run.alive(execution) or execution.activity_id != node_id:
        return
    if not execution.mi_instance:
        subscribe_boundaries(run, execution, node)
    behavior(node).execute(run, execution, node)


def start_activity(run: Run, execution: Execution, node: FlowNode) -> bool:
    """History, start listeners, input mappings: what happens before the behaviour runs.
    False when a start listener threw a BPMN error: the activity does not run."""
    if not _is_link(node):
        run.activity_started(execution, node)
    if node.execution_listeners and not fire_listeners_in_flow(
        run, execution, node.execution_listeners, "start"
    ):
        return False
    if node.input_output is not None:
        apply_inputs(run, execution, node.id)
    return True


def _is_link(node: FlowNode) -> bool:
    return isinstance(node, Event) and node.trigger in _UNRECORDED


def behavior(node: FlowNode) -> Behavior:
    behaviors = _behaviors or _load_behaviors()
    try:
        return behaviors[node.kind]
    except KeyError:
        raise ProcessEngineError(f"Element kind '{node.kind}' is not supported", node.id) from None


# The registry imports the behaviour modules, which import this one: it is loaded on the
# first use, once, instead of by an import statement inside `behavior` on every call.
_behaviors: dict[NodeKind, Behavior] = {}


def _load_behaviors() -> dict[NodeKind, Behavior]:
    from engine.runtime.behaviors.registry import BEHAVIORS

    _behaviors.update(BEHAVIORS)
    return _behaviors


def leave(run: Run, execution: Execution) -> None:
    """Queue: the activity of `execution` completed normally; continue after it."""
    run.agenda.append(partial(_leave, run, execution))


def _leave(run: Run, execution: Execution) -> None:
    if not run.alive(execution) or execution.activity_id is None:
        return
    node = run.definition.nodes[execution.activity_id]
    if not end_activity(run, execution, node, in_flow=True):
        return
    if node.async_after and not execution.mi_body:
        execution.wait = Wait.JOB
        run.add_job(execution, JobKind.ASYNC_AFTER, node.id)
        return
    continue_after(run, execution, node)


def end_activity(
    run: Run, execution: Execution, node: FlowNode, *, in_flow: bool = False
) -> bool:
    """Output mappings, end listeners, history. `in_flow`: the activity completes in the
    normal flow, so a BPMN error an end listener throws is thrown from the activity, as in
    Camunda (False is returned: the token must not go on); elsewhere it fails the command."""
    execution.wait = None
    if not execution.mi_body:
        if node.input_output is not None:
            apply_outputs(run, execution, node.id)
        # (not again when they threw the BPMN error this token now ends by: end_unhandled)
        listeners = node.execution_listeners
        if listeners and execution.activity_instance_id not in run.ended_listeners:
            if not in_flow:
                fire_execution_listeners(run, execution, listeners, "end")
            elif not fire_listeners_in_flow(run, execution, listeners, "end"):
                return False
    run.drop_events(execution)
    run.activity_ended(execution, complete_scope=_completes_scope(run, execution, node))
    # without compensation events in the process, no activity is ever compensable
    if run.definition.has_compensation:
        compensation.activity_completed(run, execution, node)
    if execution.parent_id is not None:
        run.clear_local_variables(execution)
    return True


def _completes_scope(run: Run, execution: Execution, node: FlowNode) -> bool:
    """History's completeScope: an end event reached by the last token of its scope."""
    if node.kind is not NodeKind.END_EVENT or execution.parent_id is None:
        return False
    return len(run.state.children(execution.parent_id)) == 1


def continue_after(run: Run, execution: Execution, node: FlowNode) -> None:
    execution.wait = None
    if execution.mi_instance:
        multi_instance.instance_completed(run, execution)
        return
    execution.mi_body = False
    take_outgoing(run, execution, node)


def take_outgoing(run: Run, execution: Execution, node: FlowNode) -> None:
    """Leave an activity: every flow without condition or whose condition holds, else the
    default flow; no outgoing flow ends the token (implicit end)."""
    outgoing = run.definition.outgoing_flows[node.id]
    if not outgoing:
        end_token(run, execution)
        return
    selected: list[SequenceFlow] = []
    default: SequenceFlow | None = None
    for flow in outgoing:
        if flow.id == node.default_flow:
            default = flow
        elif flow.condition is None or flow_condition(run, flow, execution):
            selected.append(flow)
    if not selected and default is not None:
        selected.append(default)
    if not selected:
        raise ProcessEngineError(
            f"No conditional sequence flow leaving the Flow Node '{node.id}' could be selected "
            "for continuing the process",
            node.id,
        )
    take(run, execution, selected)


def flow_condition(run: Run, flow: SequenceFlow, execution: Execution) -> bool:
    return condition_holds(
        run,
        flow.condition or "",
        flow.condition_language,
        execution,
        flow.source,
        flow.condition_resource,
    )


def take(run: Run, execution: Execution, flows: list[SequenceFlow]) -> None:
    """Take the flows: the token follows the first, new sibling tokens the others."""
    parent = run.parent(execution) if len(flows) > 1 else None
    if parent is not None and any(flow.execution_listeners for flow in flows):
        _take_with_listeners(run, execution, parent, flows)
        return
    for index, flow in enumerate(flows):
        token = execution if index == 0 or parent is None else run.new_execution(
            parent, flow.source
        )
        if flow.execution_listeners and not fire_take_listeners(run, token, flow):
            return  # a BPMN error left the flow, and it was the only one
        enter(run, token, flow.target)


def _take_with_listeners(
    run: Run, execution: Execution, parent: Execution, flows: list[SequenceFlow]
) -> None:
    """As Camunda: every token exists before a take listener runs, so a BPMN error one throws
    interrupts its siblings with their scope when caught, and ends only its own token when
    not; a token something else ended meanwhile (a terminate end event) takes nothing."""
    tokens = [execution] + [run.new_execution(parent, flow.source) for flow in flows[1:]]
    for token, flow in zip(tokens, flows, strict=True):
        if not run.alive(token):
            continue
        if flow.execution_listeners and not fire_take_listeners(run, token, flow):
            continue
        enter(run, token, flow.target)


def end_token(run: Run, execution: Execution) -> None:
    """A token reached the end of its path; the scope completes when its last token ends."""
    if not run.alive(execution):
        return
    parent = run.parent(execution)
    if parent is None:
        complete_scope(run, execution)
        return
    if execution.activity_id is not None:
        node = run.definition.process.find_node(execution.activity_id)
        if node is not None and node.kind is NodeKind.END_EVENT and parent.parent_id is None:
            run.state.end_activity_id = node.id
    run.drop_events(execution)
    run.remove_execution(execution)
    run.joins_to_check = True
    remaining = run.state.children(parent.id)
    if not remaining:
        complete_scope(run, parent)
    elif len(remaining) == 1 and remaining[0].branch_variables:
        run.merge_branch(remaining[0])
    if execution.compensation_thrower is not None:
        # after the scope check: the throw event waiting for this handler is still a token
        # of the scope, and may leave it (a cancel end event leaves its transaction)
        compensation.handler_ended(run, execution.compensation_thrower)


def end_unhandled(run: Run, execution: Execution) -> None:
    """Camunda's `execution.end(true)` after a BPMN error nobody catches: the activity ends
    (a task still open is deleted) and its token ends as at an end event, taking no flow;
    the last token of a scope completes it (the instance then ended in this activity).
    A token between activities (a take listener threw) just ends."""
    if execution.activity_id is None:
        end_token(run, execution)
        return
    cancel_work(run, execution, "deleted")
    node = run.definition.nodes[execution.activity_id or ""]
    end_activity(run, execution, node)
    scope = run.parent(execution)
    if scope is not None and scope.parent_id is None:
        run.state.end_activity_id = node.id
    if execution.mi_instance:
        multi_instance.instance_completed(run, execution)
    else:
        end_token(run, execution)


def complete_scope(run: Run, scope: Execution) -> None:
    """All tokens inside `scope` ended: the process instance ends or the sub-process leaves."""
    if scope.parent_id is None:
        finish_instance(run, InstanceStatus.COMPLETED)
        return
    if scope.compensation_thrower is not None:
        compensation.scope_compensated(run, scope)
        return
    node = run.definition.node(scope.activity_id or "")
    if isinstance(node, SubProcess) and node.triggered_by_event:
        # An event sub-process has no outgoing flow: it ends (its end listeners run as any
        # activity's; it has no mappings: refused at deploy), and its parent scope may too.
        if node.execution_listeners:
            fire_execution_listeners(run, scope, node.execution_listeners, "end")
        run.activity_ended(scope)
        end_token(run, scope)
        return
    if scope.mi_body:
        return  # the body completes through multi_instance.instance_completed
    scope.wait = None
    leave(run, scope)


def finish_instance(run: Run, status: str, reason: str | None = None) -> None:
    state = run.state
    root = state.root
    for child in list(state.descendants(root.id)):
        end_cancelled(run, child, reason or "deleted")
        run.remove_execution(child)
    # Camunda runs the process end listeners on deletion too (unless skipCustomListeners);
    # `execution.activityId` is then the end event reached, if any.
    fire_execution_listeners(
        run, root, run.definition.process.execution_listeners, "end", state.end_activity_id
    )
    run.drop_events(root)
    variables = dict(root.variables)
    state.status = status
    state.end_time = run.now
    run.effects.append(
        fx.ProcessInstanceFinished(
            state.id, status, state.end_activity_id, reason, run.now, state.start_time
        )
    )
    run.effects.append(
        fx.InstanceEnded(
            state.id, state.super_execution_id, state.super_instance_id, variables, status
        )
    )
    run.remove_execution(root)
    run.agenda.clear()


def end_cancelled(run: Run, execution: Execution, reason: str) -> None:
    """End the activity instance of `execution` as cancelled: its end listeners run first,
    while its task and local variables are still there (Camunda fires them on every
    cancellation, unless skipCustomListeners), then its output mappings (Camunda runs them
    when it destroys the cancelled scope, unless skipIoMappings or the engine's
    skipOutputMappingOnCanceledActivities), then its work goes and history records it
    canceled. Its children must be ended before (deepest first)."""
    if execution.activity_instance_id is not None and not execution.mi_body:
        node = run.definition.nodes.get(execution.activity_id or "")
        if node is not None and node.execution_listeners:
            fire_cancelled_end_listeners(run, execution, node)
        if node is not None and node.input_output is not None:
            apply_cancelled_outputs(run, execution, node)
    cancel_work(run, execution, reason)
    run.activity_ended(execution, canceled=True)


def cancel_work(run: Run, execution: Execution, reason: str) -> None:
    """Remove what an execution waits for (task, job, subscriptions, external task, child)."""
    if execution.task_id is not None:
        task = run.state.tasks.get(execution.task_id)
        node = run.definition.process.find_node(execution.activity_id or "")
        if task is not None and isinstance(node, UserTask):
            fire_task_listeners(run, execution, task, node, "delete")
        run.remove_task(execution, "deleted")
    run.drop_events(execution)
    run.remove_external_task(execution)
    if execution.called_instance_id is not None:
        run.effects.append(
            fx.DeleteCalledInstance(
                execution.called_instance_id, reason, run.skip_listeners, run.skip_io_mappings
            )
        )
        execution.called_instance_id = None
    execution.wait = None


def cancel_inside(run: Run, scope: Execution, reason: str = "interrupted") -> None:
    """Cancel every execution below `scope` (deepest first), keeping `scope` itself."""
    for child in list(run.state.descendants(scope.id)):
        end_cancelled(run, child, reason)
        run.remove_execution(child)


def cancel_activity(run: Run, execution: Execution, reason: str = "interrupted") -> None:
    """Interrupt the activity of `execution`: its children, its own work and its history."""
    cancel_inside(run, execution, reason)
    end_cancelled(run, execution, reason)
    execution.mi_body = False
    execution.mi_instance = False
    # an interrupted activity never completed: what completed inside it is not compensable
    execution.compensations = []
    run.clear_local_variables(execution)


# -- scopes and event sub-processes --------------------------------------------------------


def start_scope(
    run: Run, scope_execution: Execution, scope: Scope, start: StartEvent | None
) -> None:
    """A process instance or sub-process begins: arm its event sub-processes and put a token
    on its start event."""
    for esp in scope.event_subprocesses:
        for event in esp.scope.start_events:
            arm_event(run, scope_execution, event)
    if start is None:
        start = scope.none_start_event
    if start is None:
        raise ProcessEngineError(f"Scope '{scope.id}' has no none start event", scope.id)
    token = run.new_execution(scope_execution, start.id)
    scope_execution.wait = Wait.SCOPE
    enter(run, token, start.id)


def arm_event(run: Run, owner: Execution, event: FlowNode) -> None:
    """Subscribe `owner` to the trigger of a catching event (boundary, event sub-process
    start, intermediate catch after an event-based gateway)."""
    definition = getattr(event, "definition", None)
    if definition is None:
        return
    kind = definition.kind
    if kind is EventKind.MESSAGE:
        run.subscribe(
            owner,
            SubscriptionKind.MESSAGE,
            run.definition.message_name(definition.message_ref),
            event.id,
        )
    elif kind is EventKind.SIGNAL:
        name = run.definition.signal_name(definition.signal_ref)
        run.subscribe(owner, SubscriptionKind.SIGNAL, name, event.id)
    elif kind is EventKind.TIMER and definition.timer is not None:
        due, repeat = run.timer_due(definition.timer, owner, event.id)
        run.add_job(owner, JobKind.TIMER, event.id, due=due, repeat=repeat)
    elif kind is EventKind.CONDITIONAL:
        run.subscribe(owner, SubscriptionKind.CONDITIONAL, None, event.id)


def subscribe_boundaries(run: Run, execution: Execution, node: FlowNode) -> None:
    for boundary in run.definition.boundary_events[node.id]:
        arm_event(run, execution, boundary)


# Imported last, not inside the functions that use them (an import statement costs a lookup
# on every call): both modules import this one, and use it only when their functions run.
from engine.runtime.behaviors import compensation, multi_instance  # noqa: E402
