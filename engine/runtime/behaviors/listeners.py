"""Execution and task listeners, input/output mappings, and calling delegates."""

from __future__ import annotations

import inspect
import re
from typing import Any

from engine.bpmn.model import (
    FieldInjection,
    FlowNode,
    Listener,
    Parameter,
    ParameterValue,
    SequenceFlow,
    UserTask,
    ValueKind,
)
from engine.groovy import GROOVY_FORMATS
from engine.runtime import effects as fx
from engine.runtime.behaviors.scripts import is_javascript, run_script
from engine.runtime.context import Run
from engine.runtime.errors import BpmnError, ProcessEngineError
from engine.runtime.facades import ExecutionFacade, TaskFacade
from engine.runtime.state import Execution, Task


def field_values(
    run: Run, fields: tuple[FieldInjection, ...], execution: Execution, activity_id: str | None
) -> dict[str, Any]:
    """`camunda:field` values: a string as written, an expression evaluated now against the
    execution (Camunda injects an Expression to evaluate; Python delegates get the value)."""
    values: dict[str, Any] = {}
    for field in fields:
        if field.expression is not None:
            values[field.name] = run.evaluate(field.expression, execution, activity_id=activity_id)
        else:
            values[field.name] = field.string_value
    return values


def call_delegate(
    run: Run,
    target: Any,
    facade: Any,
    activity_id: str | None,
    fields: dict[str, Any] | None = None,
) -> Any:
    """Call a Python delegate: a class (a new instance per call, as Camunda instantiates a
    `camunda:class`), an object with execute()/notify(), or a plain callable.

    `camunda:field` values are set as attributes of an object delegate before the call
    (Camunda's field injection); a plain function receives them as keyword arguments."""
    if isinstance(target, type):
        target = target()
    for method in ("execute", "notify"):
        bound = getattr(target, method, None)
        if bound is not None and callable(bound):
            for name, value in (fields or {}).items():
                setattr(target, name, value)
            return bound(facade)
    if callable(target):
        return target(facade, **_accepted(target, fields or {}))
    raise ProcessEngineError(
        f"Delegate expression resolved to {type(target).__name__}, which is neither a "
        "JavaDelegate stand-in (callable or execute()) nor a listener (notify())",
        activity_id,
    )


def _accepted(function: Any, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields a plain function takes as keyword arguments (all with **kwargs), so a
    delegate that ignores fields keeps its one-argument signature."""
    if not fields:
        return {}
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return {}
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return fields
    names = {p.name for p in parameters if p.kind is not inspect.Parameter.POSITIONAL_ONLY}
    return {name: value for name, value in fields.items() if name in names}


def resolve_class(run: Run, class_name: str, activity_id: str | None) -> Any:
    delegate = run.env.delegates.get(class_name)
    if delegate is None:
        # Camunda: ClassLoadingException "Cannot load class" at execution time.
        raise ProcessEngineError(
            f"Cannot find delegate class '{class_name}': register a Python stand-in "
            "in the engine environment's delegates",
            activity_id,
        )
    return delegate


def fire_execution_listeners(
    run: Run,
    execution: Execution,
    listeners: tuple[Listener, ...],
    event: str,
    activity_id: str | None = None,
) -> None:
    if run.skip_listeners:
        return
    for listener in listeners:
        if listener.event != event:
            continue
        facade = ExecutionFacade(run, execution, event, activity_id)
        where = activity_id or execution.activity_id
        if listener.expression is not None:
            run.evaluate(
                listener.expression,
                execution,
                activity_id=where,
                context=run.context(execution, event_name=event, activity_id=activity_id),
            )
        elif listener.class_name is not None:
            fields = field_values(run, listener.fields, execution, where)
            target = resolve_class(run, listener.class_name, where)
            call_delegate(run, target, facade, where, fields)
        elif listener.delegate_expression is not None:
            fields = field_values(run, listener.fields, execution, where)
            target = run.evaluate(listener.delegate_expression, execution, activity_id=where)
            call_delegate(run, target, facade, where, fields)
        elif listener.script is not None:
            run_script(run, listener.script, execution, where, facade=facade, result_used=False)


def fire_listeners_in_flow(
    run: Run,
    execution: Execution,
    listeners: tuple[Listener, ...],
    event: str,
    activity_id: str | None = None,
) -> bool:
    """An activity's start or end listeners in the normal flow: a BPMN error one throws is
    thrown from the activity, as Camunda 7.12+ does (an error boundary event or event
    sub-process catches it). False when that happened: the token must not go on."""
    if event == "end" and execution.activity_instance_id is not None:
        run.ended_listeners.add(execution.activity_instance_id)
    try:
        fire_execution_listeners(run, execution, listeners, event, activity_id)
    except BpmnError as error:
        from engine.runtime.behaviors.events import raise_bpmn_error

        raise_bpmn_error(run, execution, error)
        return False
    return True


def fire_take_listeners(run: Run, token: Execution, flow: SequenceFlow) -> bool:
    """A flow's take listeners. A BPMN error one throws is thrown from the scope holding
    the flow, as Camunda's test of an event sub-process catching it: the activity the token
    left has ended, so its own boundary events do not catch it, and, nobody catching it,
    the token ends there. False when that happened: the token must not enter the target."""
    try:
        fire_execution_listeners(run, token, flow.execution_listeners, "take", flow.source)
    except BpmnError as error:
        from engine.runtime.behaviors.events import throw_error

        origin = fx.ThrowOrigin(run.state.id, token.id, flow.source)
        token.activity_id = None  # between activities: no boundary event of its own
        throw_error(run, token, error.code, error.message, origin=origin)
        return False
    return True


def fire_cancelled_end_listeners(run: Run, execution: Execution, node: FlowNode) -> None:
    """The end listeners of an activity instance being cancelled. A BPMN error thrown there
    has no activity left to leave through: it fails the command, as in Camunda (its
    cancellation operations do not propagate listener failures as BPMN errors). Not again
    for an activity whose end listener threw the error that cancels it."""
    if execution.activity_instance_id in run.ended_listeners:
        return
    try:
        fire_execution_listeners(run, execution, node.execution_listeners, "end")
    except BpmnError as error:
        raise ProcessEngineError(
            f"BPMN error '{error.code}' thrown by an end listener of the cancelled activity "
            f"cannot be caught: {error.message or error.code}",
            node.id,
        ) from error


def fire_task_listeners(
    run: Run, execution: Execution, task: Task, node: UserTask, event: str
) -> TaskFacade:
    facade = TaskFacade(run, task, execution, event)
    if run.skip_listeners:
        return facade
    try:
        for listener in node.task_listeners:
            if listener.event == event:
                _call_task_listener(run, listener, execution, node, facade)
    except BpmnError as error:
        if event not in _CATCHABLE_TASK_EVENTS:
            raise
        # Camunda 7.12+: thrown from the user task (its boundary event may catch it)
        from engine.runtime.behaviors.events import raise_bpmn_error

        raise_bpmn_error(run, execution, error)
    return facade


# The task events in the normal flow, whose listeners' BPMN errors the process may catch
# (not `delete`, nor `update`/`timeout`, as in Camunda's list).
_CATCHABLE_TASK_EVENTS = frozenset({"create", "assignment", "complete"})


def fire_task_listener(
    run: Run, execution: Execution, task: Task, node: UserTask, listener: Listener
) -> None:
    """One listener of the task, for its own event (a timeout listener whose timer is due)."""
    if not run.skip_listeners:
        facade = TaskFacade(run, task, execution, listener.event)
        _call_task_listener(run, listener, execution, node, facade)


def _call_task_listener(
    run: Run, listener: Listener, execution: Execution, node: UserTask, facade: TaskFacade
) -> None:
    if listener.expression is not None:
        run.evaluate(
            listener.expression,
            execution,
            activity_id=node.id,
            context=run.context(execution, event_name=listener.event, facade=facade),
        )
    elif listener.class_name is not None:
        fields = field_values(run, listener.fields, execution, node.id)
        target = resolve_class(run, listener.class_name, node.id)
        call_delegate(run, target, facade, node.id, fields)
    elif listener.delegate_expression is not None:
        fields = field_values(run, listener.fields, execution, node.id)
        target = run.evaluate(listener.delegate_expression, execution, activity_id=node.id)
        call_delegate(run, target, facade, node.id, fields)
    elif listener.script is not None:
        run_script(
            run, listener.script, execution, node.id, task_facade=facade, result_used=False
        )


def parameter_value(run: Run, value: ParameterValue, execution: Execution, activity_id: str) -> Any:
    """Value of a camunda:inputParameter / outputParameter (text, expression, list, map)."""
    if value.kind is ValueKind.NULL:
        return None
    if value.kind is ValueKind.TEXT:
        return value.text
    if value.kind is ValueKind.EXPRESSION:
        return run.evaluate(value.text or "", execution, activity_id=activity_id)
    if value.kind is ValueKind.LIST:
        return [parameter_value(run, item, execution, activity_id) for item in value.items]
    if value.kind is ValueKind.MAP:
        result: dict[str, Any] = {}
        for key, item in value.entries:
            resolved = run.evaluate(key, execution, activity_id=activity_id)
            result[str(resolved)] = parameter_value(run, item, execution, activity_id)
        return result
    if value.kind is ValueKind.SCRIPT and value.script is not None:
        return run_script(run, value.script, execution, activity_id)
    raise ProcessEngineError(f"Unsupported parameter value {value.kind}", activity_id)


_BARE_VARIABLE = re.compile(r"\s*[$#]\{\s*([A-Za-z_]\w*)\s*\}\s*")


def parameter_typed(run: Run, parameter: Parameter, execution: Execution, node_id: str) -> Any:
    """A parameter's value to store: a bare `${name}` of a variable is that variable's typed
    value (Camunda passes the value object through: an Integer stays an Integer, where EL
    arithmetic would make a Long); anything else is evaluated."""
    value = parameter.value
    if value.kind is ValueKind.EXPRESSION and value.text is not None:
        match = _BARE_VARIABLE.fullmatch(value.text)
        if match is not None and match[1] not in run.env.beans and match[1] not in _BOUND:
            typed = run.visible_variables(execution).get(match[1])
            if typed is not None:
                return typed
    return parameter_value(run, value, execution, node_id)


_BOUND = frozenset({"execution", "task", "externalTask"})  # beans every evaluation has


def apply_inputs(run: Run, execution: Execution, node_id: str) -> None:
    """Input parameters become local variables of the activity (Camunda: the activity's
    own scope); they are evaluated against the variables outside it: the branch the token
    runs on (Camunda's concurrent execution, whose variables stay apart), else the scope."""
    io = run.definition.node(node_id).input_output
    if io is None or not io.inputs:
        return
    outer = execution if execution.branch_variables else run.parent(execution) or execution
    values = [(p, parameter_typed(run, p, outer, node_id)) for p in io.inputs]
    for parameter, value in values:
        run.shadow_branch_variable(execution, parameter.name)
        run.set_variable(
            execution, parameter.name, value, local=True, from_expression=el_typed(parameter)
        )


def apply_outputs(run: Run, execution: Execution, node_id: str) -> bool:
    """Output parameters: evaluated inside the activity, written to the enclosing scope
    (nearest owner, else the process instance). Returns whether the node has outputs."""
    io = run.definition.node(node_id).input_output
    if io is None or not io.outputs:
        return False
    values = [(p, parameter_typed(run, p, execution, node_id)) for p in io.outputs]
    outer = run.parent(execution) or execution
    for parameter, value in values:
        run.set_variable(outer, parameter.name, value, from_expression=el_typed(parameter))
    return True


def apply_cancelled_outputs(run: Run, execution: Execution, node: FlowNode) -> None:
    """The output mappings of an activity instance being cancelled, as Camunda runs them when
    it destroys the activity's scope (after its end listeners), unless the command skips IO
    mappings or the engine skips them on every cancellation. A failure fails the command and
    names the activity: the caller may retry skipping the mappings."""
    if node.input_output is None or not node.input_output.outputs:
        return
    if run.skip_io_mappings or run.env.skip_output_mapping_on_canceled_activities:
        return
    try:
        apply_outputs(run, execution, node.id)
    except (ProcessEngineError, BpmnError) as error:
        cause = error.message if isinstance(error, ProcessEngineError) else str(error)
        raise ProcessEngineError(
            f"Output mapping of the cancelled activity '{node.id}' failed: {cause}; "
            "deleting or modifying the instance with skipIoMappings skips it",
            node.id,
        ) from error


def el_typed(parameter: Parameter) -> bool:
    """Whether the value's whole numbers are Longs, as EL arithmetic makes them; a JavaScript
    or Groovy number that fits is an Integer (Nashorn's and GraalJS's int, Groovy's)."""
    script = parameter.value.script
    return not (
        parameter.value.kind is ValueKind.SCRIPT
        and script is not None
        and (is_javascript(script) or script.format.lower() in GROOVY_FORMATS)
    )
