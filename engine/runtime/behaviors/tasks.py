"""Tasks: user, service/send/business-rule, script, receive, manual, call activity."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from engine.bpmn.model import (
    CallActivity,
    FlowNode,
    Implementation,
    ImplementationKind,
    ReceiveTask,
    ScriptTask,
    ServiceTask,
    UserTask,
)
from engine.runtime import effects as fx
from engine.runtime import flow
from engine.runtime.behaviors import task_timeouts
from engine.runtime.behaviors.connectors import call_connector
from engine.runtime.behaviors.listeners import (
    call_delegate,
    field_values,
    fire_task_listeners,
    resolve_class,
)
from engine.runtime.behaviors.payloads import input_payload
from engine.runtime.behaviors.scripts import ScriptThrew, run_script
from engine.runtime.commands import ExternalTaskReport
from engine.runtime.context import Run
from engine.runtime.decisions import evaluate_business_rule
from engine.runtime.errors import BpmnError, ConcurrentModification, ProcessEngineError
from engine.runtime.facades import ExecutionFacade, ExternalTaskFacade
from engine.runtime.state import Execution, ExternalTask, SubscriptionKind, Task, Wait
from engine.runtime.timers import TimerSpecError, parse_duration
from engine.runtime.values import TypedValue, infer_type

DEFAULT_PRIORITY = 50  # Camunda's Task.PRIORITY_NORMAL


def execute_pass_through(run: Run, execution: Execution, node: FlowNode) -> None:
    flow.leave(run, execution)


# -- user task ---------------------------------------------------------------------------------


def execute_user_task(run: Run, execution: Execution, node: FlowNode) -> None:
    assert isinstance(node, UserTask)
    name, description, assignee, users, groups, due, follow_up, priority, form_key = _evaluated(
        run,
        execution,
        node.id,
        node.name,
        node.documentation,
        node.assignee,
        node.candidate_users,
        node.candidate_groups,
        node.due_date,
        node.follow_up_date,
        node.priority,
        node.form_key,
    )
    task = Task(
        id=run.new_id(),
        name=_text(name),
        description=_text(description),
        assignee=_text(assignee),
        owner=None,
        candidate_users=_names(users),
        candidate_groups=_names(groups),
        due_date=_date(run, due, node.id),
        follow_up_date=_date(run, follow_up, node.id),
        priority=_priority(priority, node.id),
        form_key=_text(form_key),
        task_definition_key=node.id,
        execution_id=run.public_id(execution),
        activity_instance_id=execution.activity_instance_id or "",
        process_instance_id=run.state.id,
        process_definition_id=run.definition.id,
        created=run.now,
    )
    execution.wait = Wait.TASK
    run.state.tasks[task.id] = task
    execution.task_id = task.id
    if node.task_listeners:
        fire_task_listeners(run, execution, task, node, "create")
        if not run.alive(execution) or execution.task_id != task.id:
            return
    run.effects.append(fx.TaskCreated(task))
    if node.task_listeners:
        task_timeouts.arm_timeout_listeners(run, execution, node)
    if task.assignee is not None:
        fire_task_listeners(run, execution, task, node, "assignment")


def complete_user_task(run: Run, execution: Execution, task: Task) -> None:
    node = run.definition.node(task.task_definition_key)
    assert isinstance(node, UserTask)
    fire_task_listeners(run, execution, task, node, "complete")
    if not run.alive(execution) or execution.task_id != task.id:
        return  # a listener's BPMN error interrupted the task: it is not completed
    run.remove_task(execution, "completed")
    execution.wait = None
    flow.leave(run, execution)


def set_assignee(run: Run, execution: Execution, task: Task, assignee: str | None) -> None:
    update_task(run, execution, task, {"assignee": assignee})


def update_task(run: Run, execution: Execution, task: Task, changes: Mapping[str, Any]) -> None:
    """A command updated an open task: its fields change (none for a comment, an attachment
    or its own variables), it is stamped as updated, its `update` listeners run, then the
    `assignment` listeners of a new assignee (Camunda's triggerUpdateEvent, which every such
    command calls, whether or not a field changed)."""
    assigned = "assignee" in changes and task.assignee != changes["assignee"]
    for name, value in changes.items():
        setattr(task, name, value)
    task.last_updated = run.now
    node = run.definition.node(task.task_definition_key)
    assert isinstance(node, UserTask)
    fire_task_listeners(run, execution, task, node, "update")
    if assigned and task.id in run.state.tasks:
        fire_task_listeners(run, execution, task, node, "assignment")
    if task.id in run.state.tasks:  # not when a listener's BPMN error interrupted it
        run.effects.append(fx.TaskUpdated(task))


def _evaluated(
    run: Run, execution: Execution, activity_id: str, *texts: str | None
) -> list[Any]:
    """Each attribute's expression evaluated, in order (an attribute not set stays None)."""
    return [
        None if text is None else run.evaluate(text, execution, activity_id=activity_id)
        for text in texts
    ]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _names(value: Any) -> list[str]:
    """candidateUsers/Groups: a comma-separated string or an expression giving a collection."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple | set) else str(value).split(",")
    names: list[str] = []
    for item in items:
        name = str(item).strip()
        if name and name not in names:
            names.append(name)
    return names


def _priority(value: Any, activity_id: str) -> int:
    if value is None or value == "":
        return DEFAULT_PRIORITY
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ProcessEngineError(f"Priority '{value}' is not an integer", activity_id) from None


def _date(run: Run, value: Any, activity_id: str) -> datetime | None:
    """Due/follow-up: a Date, an ISO date-time, or an ISO duration from now (`P2D`)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    text = str(value).strip()
    if text.startswith("P"):
        try:
            duration = parse_duration(text)
        except TimerSpecError as error:
            raise ProcessEngineError(str(error), activity_id) from error
        due = duration.next_due(run.now)
        return due if due is not None else run.now + timedelta()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ProcessEngineError(f"Due date '{text}' is not an ISO date", activity_id) from None


# -- service-like tasks -----------------------------------------------------------------------


def execute_service_task(run: Run, execution: Execution, node: FlowNode) -> None:
    assert isinstance(node, ServiceTask)
    if node.implementation.kind is ImplementationKind.EXTERNAL:
        _create_external_task(run, execution, node)
        return
    if run_implementation(run, execution, node, node.implementation, node.result_variable):
        flow.leave(run, execution)


def run_implementation(
    run: Run,
    execution: Execution,
    node: FlowNode,
    implementation: Implementation,
    result_variable: str | None,
) -> bool:
    """Run a class/expression/delegateExpression implementation; a BpmnError it raises is
    thrown as a BPMN error. Returns False when the token must not continue."""
    kind = implementation.kind
    facade = ExecutionFacade(run, execution, activity_id=node.id)
    try:
        if kind is ImplementationKind.EXPRESSION:
            result = run.evaluate(implementation.expression or "", execution, activity_id=node.id)
            if result_variable:
                run.set_variable(execution, result_variable, result, from_expression=True)
        elif kind is ImplementationKind.CLASS:
            fields = field_values(run, implementation.fields, execution, node.id)
            delegate = resolve_class(run, implementation.class_name or "", node.id)
            call_delegate(run, delegate, facade, node.id, fields)
        elif kind is ImplementationKind.DELEGATE_EXPRESSION:
            fields = field_values(run, implementation.fields, execution, node.id)
            target = run.evaluate(
                implementation.delegate_expression or "", execution, activity_id=node.id
            )
            call_delegate(run, target, facade, node.id, fields)
        elif kind is ImplementationKind.DECISION:
            evaluate_business_rule(run, execution, node, implementation, result_variable)
        elif kind is ImplementationKind.CONNECTOR:
            call_connector(run, execution, node, implementation)
        elif kind is ImplementationKind.NONE:
            pass
        elif kind is ImplementationKind.EXTERNAL:
            raise ProcessEngineError("External implementation is not allowed here", node.id)
        else:
            raise ProcessEngineError(f"Implementation '{kind}' is not supported", node.id)
    except BpmnError as error:
        from engine.runtime.behaviors.events import raise_bpmn_error

        raise_bpmn_error(run, execution, error)
        return False
    except (ProcessEngineError, ConcurrentModification):
        raise  # the engine's own failures are never business errors
    except Exception as error:
        if not _thrown_as_error(run, execution, error):
            raise
        return False
    return run.alive(execution)


def _thrown_as_error(run: Run, execution: Execution, error: Exception) -> bool:
    from engine.runtime.behaviors.events import throw_exception_as_error

    return throw_exception_as_error(run, execution, error)


def _create_external_task(run: Run, execution: Execution, node: ServiceTask) -> None:
    implementation = node.implementation
    topic = run.evaluate(implementation.topic or "", execution, activity_id=node.id)
    priority = 0
    if implementation.task_priority is not None:
        priority = int(run.evaluate(implementation.task_priority, execution, activity_id=node.id))
    external = ExternalTask(
        id=run.new_id(),
        topic=str(topic),
        priority=priority,
        activity_id=node.id,
        activity_instance_id=execution.activity_instance_id or "",
        execution_id=run.public_id(execution),
        process_instance_id=run.state.id,
        process_definition_id=run.definition.id,
    )
    execution.wait = Wait.EXTERNAL
    run.add_external_task(execution, external)


def complete_external_task(
    run: Run,
    execution: Execution,
    variables: Any,
    local_variables: Any,
    report: ExternalTaskReport,
) -> None:
    """A worker completed the external task. Camunda 7 first sets the variables, then tests
    the task's `camunda:errorEventDefinition`s in order: the first whose expression holds
    throws its BPMN error from the task instead of completing it."""
    run.set_variables(execution, variables)
    run.set_execution_locals(execution, local_variables)
    error_code = _matching_error(run, execution, report, tolerant=False)
    run.remove_external_task(execution)
    execution.wait = None
    if error_code is not None:
        from engine.runtime.behaviors.events import throw_error

        throw_error(run, execution, error_code, report.error_message)
        return
    flow.leave(run, execution)


def fail_external_task(
    run: Run,
    execution: Execution,
    report: ExternalTaskReport,
    variables: Any,
    local_variables: Any,
) -> None:
    """A worker reported a failure: as on completion, a matching error event definition turns
    it into its BPMN error (an expression that fails to evaluate counts as no match, as in
    Camunda); else the task stays and waits for its retries."""
    run.set_variables(execution, variables)
    run.set_execution_locals(execution, local_variables)
    error_code = _matching_error(run, execution, report, tolerant=True)
    if error_code is None:
        return
    from engine.runtime.behaviors.events import throw_error

    run.remove_external_task(execution)
    execution.wait = None
    throw_error(run, execution, error_code, report.error_message)


def _matching_error(
    run: Run, execution: Execution, report: ExternalTaskReport, *, tolerant: bool
) -> str | None:
    """The error code of the first error event definition whose expression is true, with
    the task as `externalTask` (Camunda's BPMN error then carries the reported message)."""
    node = run.definition.node(execution.activity_id or "")
    if not isinstance(node, ServiceTask) or not node.error_mappings:
        return None
    external = run.state.external_tasks[execution.external_task_id or ""]
    context = run.context(execution, external_task=ExternalTaskFacade(external, report))
    for mapping in node.error_mappings:
        if mapping.expression is None:
            continue
        try:
            holds = run.evaluate(
                mapping.expression, execution, activity_id=node.id, context=context
            )
        except ProcessEngineError:
            if tolerant:
                continue
            raise
        if holds is True:
            error = run.definition.definitions.errors.get(mapping.error_ref or "")
            return mapping.error_ref or "" if error is None else error.error_code or error.id
    return None


def execute_script_task(run: Run, execution: Execution, node: FlowNode) -> None:
    assert isinstance(node, ScriptTask)
    if node.script is None:
        raise ProcessEngineError("Script task without a script", node.id)
    try:
        result = run_script(
            run, node.script, execution, node.id, result_used=node.result_variable is not None
        )
    except BpmnError as error:
        from engine.runtime.behaviors.events import raise_bpmn_error

        raise_bpmn_error(run, execution, error)
        return
    except ScriptThrew as error:  # an exception the script threw (Groovy), named or not
        if not _thrown_as_error(run, execution, error):
            raise
        return
    except (ProcessEngineError, ConcurrentModification):
        raise  # the engine's own failures are never business errors
    except Exception as error:  # a Python script's
        if not _thrown_as_error(run, execution, error):
            raise
        return
    if node.result_variable:
        run.set_variable(
            execution,
            node.result_variable,
            result,
            # JUEL integer arithmetic yields Longs; Groovy, JavaScript and Python integers
            # are Integers where they fit.
            from_expression=node.script.format.lower() == "juel",
        )
    flow.leave(run, execution)


def execute_receive_task(run: Run, execution: Execution, node: FlowNode) -> None:
    assert isinstance(node, ReceiveTask)
    execution.wait = Wait.RECEIVE
    if node.message_ref is not None:
        name = run.definition.message_name(node.message_ref)
        run.subscribe(execution, SubscriptionKind.MESSAGE, name, node.id)


# -- call activity -----------------------------------------------------------------------------


def execute_call_activity(run: Run, execution: Execution, node: FlowNode) -> None:
    assert isinstance(node, CallActivity)
    if node.called_element is None:
        raise ProcessEngineError("Call activity without calledElement", node.id)
    called = str(run.evaluate(node.called_element, execution, activity_id=node.id))
    variables, business_key = input_payload(run, execution, node.inputs, node.id)
    version = node.version
    if version is not None:
        version = str(run.evaluate(version, execution, activity_id=node.id))
    # As Camunda: the caller's tenant unless calledElementTenantId (text or expression) says.
    tenant = run.definition.tenant_id
    if node.tenant_id is not None:
        named = run.evaluate(node.tenant_id, execution, activity_id=node.id)
        tenant = None if named is None else str(named)
    child_id = run.new_id()
    execution.wait = Wait.CALL
    execution.called_instance_id = child_id
    run.effects.append(
        fx.StartCalledInstance(
            instance_id=child_id,
            called_element=called,
            binding=node.binding,
            version=version,
            version_tag=node.version_tag,
            tenant_id=tenant,
            deployment_id=run.definition.deployment_id,
            business_key=business_key,
            variables=variables,
            super_execution_id=execution.id,
            super_instance_id=run.state.id,
        )
    )


def called_instance_ended(
    run: Run, execution: Execution, child_variables: dict[str, TypedValue]
) -> None:
    """camunda:out mappings are evaluated against the called instance's variables."""
    execution.called_instance_id = None
    execution.wait = None
    pass_output_variables(run, execution, child_variables)
    flow.leave(run, execution)


def pass_output_variables(
    run: Run, execution: Execution, child_variables: dict[str, TypedValue]
) -> None:
    """The call activity's camunda:out mappings, from the called instance's variables: when
    it ends, and when a BPMN error leaves it (Camunda's OutputVariablesPropagator)."""
    node = run.definition.node(execution.activity_id or "")
    assert isinstance(node, CallActivity)
    child_view = _ChildScope(child_variables)
    for mapping in node.outputs:
        if mapping.all_variables:
            for name, typed in child_variables.items():
                _write_out(run, execution, name, typed, mapping.local)
        elif mapping.target:
            if mapping.source_expression is not None:
                from engine.el import EvaluationContext

                context = EvaluationContext(child_view, beans=run.env.beans, now=run.now)
                value = run.evaluate(
                    mapping.source_expression, execution, activity_id=node.id, context=context
                )
                typed = infer_type(value, from_expression=True)
            else:
                typed = child_variables.get(mapping.source or "", TypedValue("Null", None))
            _write_out(run, execution, mapping.target, typed, mapping.local)


def _write_out(run: Run, execution: Execution, name: str, typed: TypedValue, local: bool) -> None:
    if local:
        run.set_local(execution, name, typed)
    else:
        run.set_variable(execution, name, typed)


class _ChildScope:
    def __init__(self, variables: dict[str, TypedValue]) -> None:
        self._variables = variables

    def has_variable(self, name: str) -> bool:
        return name in self._variables

    def get_variable(self, name: str) -> Any:
        return self._variables[name].value
