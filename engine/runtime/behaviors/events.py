"""Start, end, intermediate and boundary events; catching triggers; errors and escalations."""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from typing import Any

from engine.bpmn.model import (
    BoundaryEvent,
    EventDefinition,
    EventKind,
    FlowNode,
    NodeKind,
    StartEvent,
    SubProcess,
    ThrowEvent,
)
from engine.runtime import effects as fx
from engine.runtime import flow
from engine.runtime.behaviors.listeners import fire_execution_listeners
from engine.runtime.behaviors.payloads import input_payload
from engine.runtime.behaviors.scripts import condition_holds
from engine.runtime.context import Run
from engine.runtime.errors import BpmnError, ProcessEngineError
from engine.runtime.state import Execution, InstanceStatus, Wait
from engine.runtime.tenancy import TenantFilter
from engine.runtime.values import infer_type


def execute_start(run: Run, execution: Execution, node: FlowNode) -> None:
    flow.leave(run, execution)


def execute_end(run: Run, execution: Execution, node: FlowNode) -> None:
    assert isinstance(node, ThrowEvent)
    definition = node.definition
    kind = definition.kind
    if kind is EventKind.TERMINATE:
        terminate(run, execution)
        return
    if kind is EventKind.CANCEL:
        from engine.runtime.behaviors import transactions

        transactions.execute_cancel_end(run, execution, node)
        return
    if kind is EventKind.ERROR:
        code, message = _error_of(run, definition)
        if throw_error(run, execution, code, message, uncaught_ok=True):
            return
    elif kind is EventKind.ESCALATION:
        if throw_escalation(run, execution, _escalation_code(run, definition)) is Escalated.SENT_UP:
            return  # the callers answer (ContinueAfterEscalation, or the instance is deleted)
    elif not _throw(run, execution, node):
        return
    flow.leave(run, execution)


def execute_intermediate_throw(run: Run, execution: Execution, node: FlowNode) -> None:
    assert isinstance(node, ThrowEvent)
    definition = node.definition
    if definition.kind is EventKind.LINK:
        scope = run.definition.scope_of(node.id)
        target = scope.link_targets.get(definition.link_name or "")
        if target is None:
            raise ProcessEngineError(
                f"No link catch event named '{definition.link_name}' in the scope", node.id
            )
        run.drop_events(execution)
        flow.enter(run, execution, target)
        return
    if definition.kind is EventKind.ESCALATION:
        if throw_escalation(run, execution, _escalation_code(run, definition)) is Escalated.SENT_UP:
            return
    elif not _throw(run, execution, node):
        return
    flow.leave(run, execution)


def _throw(run: Run, execution: Execution, node: ThrowEvent) -> bool:
    """Signal, message, compensation and none throws; returns False when the token must
    not go on (yet)."""
    definition = node.definition
    if definition.kind is EventKind.SIGNAL:
        name = run.definition.signal_name(definition.signal_ref) or ""
        variables, business_key = input_payload(run, execution, definition.inputs, node.id)
        # It reaches the thrower's tenant and what has none (Camunda's throw behavior).
        run.effects.append(fx.SignalThrown(
            name, variables, business_key, definition.is_async,
            TenantFilter.of_thrower(run.definition.tenant_id),
        ))
    elif definition.kind is EventKind.MESSAGE and node.implementation is not None:
        from engine.runtime.behaviors.tasks import run_implementation

        return run_implementation(run, execution, node, node.implementation, node.result_variable)
    elif definition.kind is EventKind.COMPENSATE:
        from engine.runtime.behaviors import compensation

        # the throw event waits while the handlers it started run (waitForCompletion)
        return not compensation.throw(run, execution, definition)
    return True


def execute_catch(run: Run, execution: Execution, node: FlowNode) -> None:
    definition = getattr(node, "definition", None)
    if definition is None or definition.kind in (EventKind.LINK, EventKind.NONE):
        flow.leave(run, execution)
        return
    if definition.kind is EventKind.CONDITIONAL and _condition_holds(run, execution, node):
        flow.leave(run, execution)
        return
    execution.wait = Wait.CATCH
    flow.arm_event(run, execution, node)


def execute_boundary(run: Run, execution: Execution, node: FlowNode) -> None:
    flow.leave(run, execution)


def _condition_holds(run: Run, execution: Execution, node: FlowNode) -> bool:
    """A conditional event's condition; an unknown variable makes it false, not an error
    (BoundaryConditionalEventTest#testNonInterruptingVariableCondition)."""
    definition: EventDefinition = node.definition  # type: ignore[attr-defined]
    try:
        return condition_holds(
            run, definition.condition or "", definition.condition_language, execution, node.id
        )
    except ProcessEngineError:
        return False


# -- triggers --------------------------------------------------------------------------------


def fire_event(
    run: Run, owner: Execution, activity_id: str, variables: Any = None,
    scope_variables: Any = None,
) -> None:
    """A subscription or timer job of `owner` for event `activity_id` fired; `variables` come
    with it, `scope_variables` are local to the scope it triggers (the boundary event's or the
    event sub-process's execution, or the waiting one)."""
    node = run.definition.node(activity_id)
    if isinstance(node, BoundaryEvent):
        _fire_boundary(run, owner, node, variables, scope_variables)
    elif isinstance(node, StartEvent):
        _fire_event_subprocess(run, owner, node, variables, scope_variables)
    elif owner.activity_id == activity_id:
        # intermediate catch event or receive task waiting itself
        run.drop_events(owner)
        owner.wait = None
        run.set_variables(owner, variables)
        run.set_execution_locals(owner, scope_variables)
        flow.leave(run, owner)
    else:
        # the event after an event-based gateway: the first one wins, the others go
        run.drop_events(owner)
        gateway = run.definition.node(owner.activity_id or "")
        flow.end_activity(run, owner, gateway)
        owner.activity_id = activity_id
        if flow.start_activity(run, owner, node):
            run.set_variables(owner, variables)
            run.set_execution_locals(owner, scope_variables)
            flow.leave(run, owner)


def _fire_boundary(
    run: Run, owner: Execution, node: BoundaryEvent, variables: Any, scope_variables: Any = None
) -> None:
    if node.cancel_activity:
        flow.cancel_activity(run, owner)
        token = owner
    else:
        parent = run.parent(owner)
        assert parent is not None
        token = run.new_execution(parent, node.id)
    run.set_variables(token, variables)
    run.set_execution_locals(token, scope_variables)
    flow.enter(run, token, node.id)


def _fire_event_subprocess(
    run: Run, scope_execution: Execution, start: StartEvent, variables: Any,
    scope_variables: Any = None,
) -> None:
    esp = run.definition.node(run.definition.scope_of(start.id).id)
    assert isinstance(esp, SubProcess)
    if start.is_interrupting:
        flow.cancel_inside(run, scope_execution)
        # the other event sub-processes of this scope are disarmed; boundary events of the
        # scope's own activity stay
        run.drop_events(scope_execution, keep=lambda a: _is_boundary(run, a))
    container = run.new_execution(scope_execution, esp.id)
    run.activity_started(container, esp)
    fire_execution_listeners(run, container, esp.execution_listeners, "start")
    container.wait = Wait.SCOPE
    run.set_execution_locals(container, scope_variables)
    token = run.new_execution(container, start.id)
    run.set_variables(token, variables)
    flow.enter(run, token, start.id)


def _is_boundary(run: Run, activity_id: str) -> bool:
    return run.definition.node(activity_id).kind is NodeKind.BOUNDARY_EVENT


# -- end-of-scope throws -----------------------------------------------------------------------


def terminate(run: Run, execution: Execution) -> None:
    """Terminate end event: "all activities in the scope are ended" (BPMN 2.0 10.5.3)."""
    scope = run.parent(execution)
    assert scope is not None
    flow.end_activity(run, execution, run.definition.node(execution.activity_id or ""))
    if scope.parent_id is None:
        run.state.end_activity_id = execution.activity_id
    for child in list(run.state.children(scope.id)):
        if child is execution:
            continue
        flow.cancel_inside(run, child, "terminated")
        flow.end_cancelled(run, child, "terminated")
        run.remove_execution(child)
    run.remove_execution(execution)
    if scope.parent_id is None:
        flow.finish_instance(run, InstanceStatus.COMPLETED)
    else:
        flow.complete_scope(run, scope)


def _error_of(run: Run, definition: EventDefinition) -> tuple[str, str | None]:
    error = run.definition.definitions.errors.get(definition.error_ref or "")
    if error is None:
        return definition.error_ref or "", None
    return error.error_code or error.id, error.error_message


def _escalation_code(run: Run, definition: EventDefinition) -> str:
    escalation = run.definition.definitions.escalations.get(definition.escalation_ref or "")
    if escalation is None:
        return definition.escalation_ref or ""
    return escalation.escalation_code or escalation.id


def _catch_code(run: Run, definition: EventDefinition, kind: EventKind) -> str | None:
    """The code an error/escalation catch listens for; None catches all."""
    if kind is EventKind.ERROR:
        if definition.error_ref is None:
            return None
        error = run.definition.definitions.errors.get(definition.error_ref)
        return error.error_code if error is not None else definition.error_ref
    if definition.escalation_ref is None:
        return None
    escalation = run.definition.definitions.escalations.get(definition.escalation_ref)
    return escalation.escalation_code if escalation is not None else definition.escalation_ref


def _find_catch(
    run: Run, execution: Execution, kind: EventKind, code: str
) -> tuple[Execution, FlowNode] | None:
    """Walk from the throwing token outwards. At each level the event sub-processes of the
    scope and the boundary events of its activity compete; a catch naming the code wins over
    a catch-all (ErrorEventSubProcessTest#testErrorCodeTakesPrecedence)."""
    for current, candidates in _catches(run, execution, kind):
        for node, catch_code in candidates:
            if catch_code == code:
                return current, node
        for node, catch_code in candidates:
            if catch_code is None:
                return current, node
    return None


def _catches(
    run: Run, execution: Execution, kind: EventKind
) -> Iterator[tuple[Execution, list[tuple[FlowNode, str | None]]]]:
    """Each level from the token outwards, with the catches of `kind` there and their codes."""
    current: Execution | None = execution
    first = True
    while current is not None:
        candidates: list[tuple[FlowNode, str | None]] = []
        if (not first or current.wait == Wait.SCOPE) and not current.mi_body:
            scope = (
                run.definition.inner_scope(current.activity_id)
                if (current.parent_id is None or _is_sub_process(run, current.activity_id))
                else None
            )
            if scope is not None:
                for esp in scope.event_subprocesses:
                    for start in esp.scope.start_events:
                        if start.trigger is kind:
                            candidates.append((start, _catch_code(run, start.definition, kind)))
        if (
            current.activity_id is not None
            and current.parent_id is not None
            and (not current.mi_instance)
        ):
            scope_of = run.definition.scope_of(current.activity_id)
            for boundary in scope_of.boundary_events(current.activity_id):
                if boundary.trigger is kind:
                    candidates.append((boundary, _catch_code(run, boundary.definition, kind)))
        yield current, candidates
        first = False
        current = run.parent(current)


def throw_exception_as_error(run: Run, execution: Execution, error: Exception) -> bool:
    """Camunda's ErrorEventDefinition.catchesException: a delegate's or a script's exception
    is thrown as a BPMN error when an error catch on its way out names the exception's
    class, or one of its bases, as its errorCode: by Python name (`myapp.errors.OutOfStock`,
    `ValueError`) or by the last part of a Java name (`com.acme.OutOfStock` for a class
    OutOfStock; a Groovy script's `IllegalArgumentException` for
    `java.lang.IllegalArgumentException`). A catch-all does not catch exceptions. False:
    nothing catches it so; it fails the command."""
    names: set[str] = set(getattr(error, "class_names", ()))  # a script's Java exception
    if not names:
        for cls in type(error).__mro__[:-2]:  # not BaseException and object
            names.update({cls.__name__, f"{cls.__module__}.{cls.__qualname__}"})
    message = getattr(error, "detail", None) or str(error) or type(error).__name__
    for _level, candidates in _catches(run, execution, EventKind.ERROR):
        for _node, code in candidates:
            if code is not None and (code in names or code.rsplit(".", 1)[-1] in names):
                throw_error(run, execution, code, message)
                return True
    return False


def _is_sub_process(run: Run, activity_id: str | None) -> bool:
    if activity_id is None:
        return False
    node = run.definition.node(activity_id)
    return isinstance(node, SubProcess)


def throw_error(
    run: Run,
    execution: Execution,
    code: str,
    message: str | None,
    *,
    uncaught_ok: bool = False,
    origin: fx.ThrowOrigin | None = None,
) -> bool:
    """Propagate a BPMN error; returns False only when nobody caught it and `uncaught_ok`
    (an error end event, which then ends like a none end event). Anything else nobody
    catches (a delegate's, a worker's, a user's error) ends its activity and token as
    Camunda does by default, or fails the command with `exceptions_after_unhandled_bpmn_error`.
    `origin`: the token in a called instance that threw the error `execution` (a call
    activity) received; if no caller catches it, that token is the one that ends."""
    found = _find_catch(run, execution, EventKind.ERROR, code)
    if origin is None:
        origin = fx.ThrowOrigin(run.state.id, execution.id, execution.activity_id)
    if found is None and run.state.super_execution_id and run.state.super_instance_id:
        # BPMN: an error not caught in a called process goes to the call activity, and
        # Camunda passes the call activity's output variables on the way.
        run.effects.append(
            fx.ErrorPropagated(
                run.state.id,
                run.state.super_instance_id,
                run.state.super_execution_id,
                code,
                message,
                must_catch=not uncaught_ok,
                variables=dict(run.state.root.variables),
                origin=origin,
            )
        )
        # an error end event ends its token now; a delegate's token stays until a caller
        # interrupts its call activity (which deletes this instance) or nobody catches
        return not uncaught_ok
    if found is None:
        if uncaught_ok:
            return False
        if run.env.exceptions_after_unhandled_bpmn_error:
            # Camunda's wording (BpmnBehaviorLogger.missingBoundaryCatchEventError)
            raise ProcessEngineError(
                f"Execution with id '{origin.activity_id}' throws an error event with "
                f"errorCode '{code}' and errorMessage '{_java(message)}', but no error handler was "
                "defined.",
                origin.activity_id,
            )
        if origin.process_instance_id == run.state.id:
            flow.end_unhandled(run, execution)
        else:
            run.effects.append(fx.UncaughtErrorReturned(origin))
        return True
    owner, node = found
    definition = node.definition  # type: ignore[attr-defined]
    variables: dict[str, Any] = {}
    if definition.error_code_variable:
        variables[definition.error_code_variable] = code
    if definition.error_message_variable:
        variables[definition.error_message_variable] = message
    if isinstance(node, BoundaryEvent):
        flow.cancel_activity(run, owner)
        for name, value in variables.items():
            run.set_variable(owner, name, value)
        flow.enter(run, owner, node.id)
    else:
        assert isinstance(node, StartEvent)
        _fire_event_subprocess(run, owner, node, None)
        container = run.state.children(owner.id)[-1]
        for name, value in variables.items():
            run.set_local(container, name, infer_type(value))
    return True


def _java(text: str | None) -> str:
    return "null" if text is None else text


class Escalated(Enum):
    """What became of an escalation (Camunda's EscalationHandler)."""

    INTERRUPTED = "caught by an interrupting event: the thrower is cancelled"
    CAUGHT = "caught by a non-interrupting event: the thrower goes on"
    UNCAUGHT = "nobody catches it: ignored, the thrower goes on (a task's fails the command)"
    SENT_UP = "sent to the call activity of this called instance: the thrower waits"


def throw_escalation(
    run: Run,
    execution: Execution,
    code: str,
    *,
    must_catch: bool = False,
    origin: fx.ThrowOrigin | None = None,
) -> Escalated:
    """Escalation: caught like an error, from the throwing token outwards and on to the
    callers of a called instance, passing their `camunda:out` mappings as errors do; a
    non-interrupting catch lets the thrower go on, and so does nobody catching it (Camunda).
    `must_catch`: a user's escalation at a task (fails the command when nobody catches it);
    `origin`: the token in a called instance that threw the escalation `execution` (a call
    activity) received."""
    found = _find_catch(run, execution, EventKind.ESCALATION, code)
    if found is not None:
        owner, node = found
        if isinstance(node, BoundaryEvent):
            _fire_boundary(run, owner, node, None)
            return Escalated.INTERRUPTED if node.cancel_activity else Escalated.CAUGHT
        assert isinstance(node, StartEvent)
        _fire_event_subprocess(run, owner, node, None)
        return Escalated.INTERRUPTED if node.is_interrupting else Escalated.CAUGHT
    if not (run.state.super_execution_id and run.state.super_instance_id):
        return Escalated.UNCAUGHT
    run.effects.append(
        fx.EscalationPropagated(
            run.state.id,
            run.state.super_instance_id,
            run.state.super_execution_id,
            code,
            must_catch,
            dict(run.state.root.variables),
            origin or fx.ThrowOrigin(run.state.id, execution.id, execution.activity_id),
        )
    )
    return Escalated.SENT_UP


def escalation_not_caught(activity_id: str | None, code: str) -> ProcessEngineError:
    # Camunda's wording (BpmnBehaviorLogger.missingBoundaryCatchEventEscalation)
    return ProcessEngineError(
        f"Execution with id '{activity_id}' throws an escalation event with escalationCode "
        f"'{code}', but no escalation handler was defined.",
        activity_id,
    )


def raise_bpmn_error(run: Run, execution: Execution, error: BpmnError) -> None:
    throw_error(run, execution, error.code, error.message)
