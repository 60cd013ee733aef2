"""`run(definition, state, command, now, env) -> Step`: the whole interpreter in one call.

The command is applied, then every token is moved forward (the agenda) until each rests in
a wait state; inclusive joins and conditional events are re-checked whenever the agenda
empties. `run` changes the given state in place and returns it: when it raises, the caller
must throw that state object away (the store loads a fresh copy for the next attempt).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.bpmn.model import BoundaryEvent, NodeKind, StartEvent
from engine.runtime import commands as cmd
from engine.runtime import effects as fx
from engine.runtime import flow, job_changes, modification
from engine.runtime.behaviors import events, gateways, task_timeouts, tasks
from engine.runtime.behaviors.listeners import fire_execution_listeners
from engine.runtime.context import Run
from engine.runtime.definition import ProcessDefinition
from engine.runtime.env import Environment
from engine.runtime.errors import NotFoundError, ProcessEngineError
from engine.runtime.state import (
    Execution,
    InstanceState,
    InstanceStatus,
    JobKind,
    Subscription,
    SubscriptionKind,
    Wait,
)
from engine.runtime.values import TypedValue, infer_type

MAX_ROUNDS = 10_000  # conditional events re-firing each other without end


@dataclass(frozen=True, slots=True)
class Step:
    state: InstanceState
    effects: list[fx.Effect]


def run(
    definition: ProcessDefinition,
    state: InstanceState | None,
    command: cmd.Command,
    now: datetime,
    env: Environment | None = None,
) -> Step:
    """Apply `command` to the instance and run it to rest. Raises ProcessEngineError (and
    lets a delegate's own exceptions through) without a step: persist nothing then."""
    env = env or Environment()
    if isinstance(command, cmd.StartInstance):
        if state is not None:
            raise ProcessEngineError("StartInstance needs no state")
        state = _new_state(definition, command, now, env)
    elif state is None:
        raise ProcessEngineError(f"{type(command).__name__} needs the instance state")
    elif state.is_ended:
        raise ProcessEngineError(f"Process instance '{state.id}' has already ended")
    current = Run(definition, state, now, env)
    _HANDLERS[type(command)](current, command)
    _drain(current)
    if current.transient_set:
        current.drop_transient_variables()
    if current.state.tasks or current.state.external_tasks:
        current.follow_public_executions()
    return Step(current.state, current.effects)


def _drain(current: Run) -> None:
    for _ in range(MAX_ROUNDS):
        # Conditions first: Camunda evaluates conditional events as soon as a variable is
        # set, before the token that set it moves on (order-handling: the conditional
        # boundary wins over the sub-process completing).
        fired = False
        if current.changed_variables or current.new_conditions:
            changed = current.changed_variables
            current.changed_variables = set()
            current.new_conditions = False
            fired = _evaluate_conditions(current, changed)
        agenda = current.agenda
        while agenda:
            agenda.popleft()()
        if current.state.is_ended:
            return
        if current.joins_to_check:
            current.joins_to_check = False
            if gateways.check_waiting_joins(current):
                continue
        if fired or current.changed_variables or current.new_conditions:
            continue
        return
    raise ProcessEngineError("Conditional events kept triggering each other; gave up")


def _evaluate_conditions(current: Run, changed: set[str]) -> bool:
    """Camunda evaluates conditional events when their scope starts and on variable changes
    (restricted by camunda:variableName); an interrupting one removes the others it cancels."""
    fired = False
    for subscription in list(current.state.subscriptions.values()):
        if subscription.kind != SubscriptionKind.CONDITIONAL:
            continue
        if subscription.id not in current.state.subscriptions:
            continue
        node = current.definition.node(subscription.activity_id)
        definition = node.definition  # type: ignore[attr-defined]
        if definition.variable_name and changed and definition.variable_name not in changed:
            continue
        owner = current.state.executions.get(subscription.execution_id)
        if owner is None:
            continue
        if events._condition_holds(current, owner, node):
            events.fire_event(current, owner, subscription.activity_id)
            fired = True
    return fired


def _new_state(
    definition: ProcessDefinition, command: cmd.StartInstance, now: datetime, env: Environment
) -> InstanceState:
    instance_id = command.instance_id or env.new_id()
    state = InstanceState(
        id=instance_id,
        process_definition_id=definition.id,
        process_definition_key=definition.key,
        business_key=command.business_key,
        super_execution_id=command.super_execution_id,
        super_instance_id=command.super_instance_id,
        start_time=now,
    )
    root = Execution(
        id=instance_id, parent_id=None, activity_id=None, activity_instance_id=instance_id
    )
    state.executions[root.id] = root
    return state


# -- command handlers --------------------------------------------------------------------------


def _start(current: Run, command: cmd.StartInstance) -> None:
    if command.instructions:
        _start_at(current, command)
        return
    process = current.definition.process
    if command.start_activity_id is not None:
        start = process.find_node(command.start_activity_id)
        if not isinstance(start, StartEvent):
            raise ProcessEngineError(
                f"'{command.start_activity_id}' is not a start event", command.start_activity_id
            )
    else:
        start = process.initial_start_event
        if start is None:
            raise ProcessEngineError(
                f"Process '{process.id}' has no none start event to start by key"
            )
    _begin(current, command, start.id)
    flow.start_scope(current, current.state.root, process.scope, start)


def _begin(current: Run, command: cmd.StartInstance, start_activity_id: str) -> None:
    """What every start does first: record it, set the variables, run the start listeners."""
    state = current.state
    current.effects.append(
        fx.ProcessInstanceStarted(
            state.id,
            current.definition.id,
            current.definition.key,
            state.business_key,
            state.super_instance_id,
            start_activity_id,
            current.now,
        )
    )
    root = state.root
    for name, value in dict(command.variables).items():
        current.set_local(root, name, infer_type(value))
    if not command.skip_custom_listeners:
        listeners = current.definition.process.execution_listeners
        fire_execution_listeners(current, root, listeners, "start", start_activity_id)


def _start_at(current: Run, command: cmd.StartInstance) -> None:
    """Start at the instructions' elements instead of a start event: Camunda's
    ProcessInstantiationBuilder, which runs them as a modification of the new instance."""
    for instruction in command.instructions:
        if not isinstance(instruction, modification.StartInstruction):
            raise ProcessEngineError(
                f"{modification.describe(instruction)}: a new instance can only be started"
            )
    first = command.instructions[0]
    if isinstance(first, modification.StartTransition):
        # history names the element the token enters first (a wrong id fails below)
        taken = current.definition.process.all_flows.get(first.flow_id)
        start_id = taken.target if taken is not None else first.flow_id
    else:
        start_id = first.activity_id
    _begin(current, command, start_id)
    modify = cmd.ModifyInstance(
        command.instructions, command.skip_custom_listeners, command.skip_io_mappings
    )
    modification.apply(current, modify, settle=_drain)


def _execution(current: Run, execution_id: str) -> Execution:
    execution = current.state.executions.get(execution_id)
    if execution is None:
        raise NotFoundError(f"Execution '{execution_id}' does not exist")
    return execution


def _waiting(current: Run, attribute: str, ident: str) -> Execution:
    """The execution waiting for a task / external task (their execution_id is the public
    one, which may name the process instance)."""
    for execution in current.state.executions.values():
        if getattr(execution, attribute) == ident:
            return execution
    raise NotFoundError(f"No execution waits for '{ident}'")


def _resolve(current: Run, execution_id: str) -> Execution:
    """A public execution id: the process instance id names its lone token, as in Camunda."""
    execution = _execution(current, execution_id)
    while execution.wait == Wait.SCOPE:
        children = current.state.children(execution.id)
        if len(children) != 1:
            break
        execution = children[0]
    return execution


def _complete_task(current: Run, command: cmd.CompleteTask) -> None:
    execution = _waiting_at_task(current, command.task_id)
    current.set_variables(execution, command.variables, local=command.local)
    tasks.complete_user_task(current, execution, current.state.tasks[command.task_id])


def _task_bpmn_error(current: Run, command: cmd.HandleTaskBpmnError) -> None:
    execution = _waiting_at_task(current, command.task_id)
    current.set_variables(execution, command.variables)
    events.throw_error(current, execution, command.error_code, command.error_message)


def _task_escalation(current: Run, command: cmd.HandleTaskEscalation) -> None:
    execution = _waiting_at_task(current, command.task_id)
    current.set_variables(execution, command.variables)
    code = command.escalation_code
    escalated = events.throw_escalation(current, execution, code, must_catch=True)
    if escalated is events.Escalated.UNCAUGHT:
        raise events.escalation_not_caught(execution.activity_id, code)


def _waiting_at_task(current: Run, task_id: str) -> Execution:
    task = current.state.tasks.get(task_id)
    if task is None:
        raise NotFoundError(f"Task '{task_id}' does not exist")
    return _waiting(current, "task_id", task.id)


def _set_assignee(current: Run, command: cmd.SetAssignee) -> None:
    execution = _waiting_at_task(current, command.task_id)
    task = current.state.tasks[command.task_id]
    tasks.set_assignee(current, execution, task, command.assignee)


_UPDATABLE_TASK_FIELDS = frozenset(
    {"name", "description", "owner", "due_date", "follow_up_date", "priority", "delegation_state",
     "candidate_users", "candidate_groups", "assignee"}
)


def _update_task(current: Run, command: cmd.UpdateTask) -> None:
    execution = _waiting_at_task(current, command.task_id)
    unknown = set(command.changes) - _UPDATABLE_TASK_FIELDS
    if unknown:
        raise ProcessEngineError(f"Task fields cannot be changed this way: {sorted(unknown)}")
    task = current.state.tasks[command.task_id]
    tasks.update_task(current, execution, task, command.changes)


def _trigger(current: Run, command: cmd.Trigger) -> None:
    execution = _resolve(current, command.execution_id)
    activity_id = execution.activity_id
    waits = execution.wait in (Wait.RECEIVE, Wait.CATCH) and activity_id is not None
    # at an event-based gateway one of the events after it must fire, not the gateway
    if activity_id is None or not waits or (
        current.definition.node(activity_id).kind is NodeKind.EVENT_BASED_GATEWAY
    ):
        raise ProcessEngineError(
            f"Execution '{execution.id}' is not waiting in a receive task or catch event",
            activity_id,
        )
    # runtimeService.signal also resumes a receive task waiting for a message, and removes
    # that subscription (ReceiveTaskTest#testSupportsLegacySignalingOnSingleReceiveTask).
    events.fire_event(current, execution, activity_id, command.variables)


def _subscription_at(
    current: Run, execution_id: str, kind: str, name: str | None
) -> Subscription | None:
    """The subscription of `kind` (named `name`, unless None) of an execution, by its id or
    the public id Camunda shows for it."""
    for execution in (_execution(current, execution_id), _resolve(current, execution_id)):
        for subscription_id in execution.subscription_ids:
            candidate = current.state.subscriptions[subscription_id]
            if candidate.kind == kind and (name is None or candidate.event_name == name):
                return candidate
    return None


def _deliver_message(current: Run, command: cmd.DeliverMessage) -> None:
    subscription = None
    if command.subscription_id is not None:
        subscription = current.state.subscriptions.get(command.subscription_id)
    elif command.execution_id is not None:
        subscription = _subscription_at(
            current, command.execution_id, SubscriptionKind.MESSAGE, command.message_name
        )
    if subscription is None:
        raise NotFoundError(
            f"No message subscription for '{command.message_name}' "
            f"(execution '{command.execution_id}', subscription '{command.subscription_id}')"
        )
    owner = _execution(current, subscription.execution_id)
    current.set_execution_locals(owner, command.local_variables)
    events.fire_event(
        current, owner, subscription.activity_id, command.variables, command.scope_variables
    )


def _deliver_signal(current: Run, command: cmd.DeliverSignal) -> None:
    if command.subscription_id is None:
        subscription = _subscription_at(
            current, command.execution_id or "", SubscriptionKind.SIGNAL, command.signal_name
        )
        if subscription is None:  # Camunda's words (SignalEventReceivedCmd)
            raise NotFoundError(
                f"Execution '{command.execution_id}' has not subscribed to a signal event "
                f"with name '{command.signal_name}'."
            )
    else:
        subscription = current.state.subscriptions.get(command.subscription_id)
    if subscription is None:
        raise NotFoundError(f"Signal subscription '{command.subscription_id}' does not exist")
    owner = _execution(current, subscription.execution_id)
    if command.asynchronous:
        # Camunda's event job carries no payload: the signal arrives bare
        job = current.add_job(owner, JobKind.SIGNAL_EVENT, subscription.activity_id)
        job.subscription_id = subscription.id
        return
    events.fire_event(current, owner, subscription.activity_id, command.variables)


def _execute_job(current: Run, command: cmd.ExecuteJob) -> None:
    job = current.state.jobs.get(command.job_id)
    if job is None or job.execution_id is None:
        raise NotFoundError(f"Job '{command.job_id}' does not exist")
    execution = _execution(current, job.execution_id)
    current.remove_job(job.id)
    node = current.definition.node(job.activity_id)
    if job.kind == JobKind.ASYNC_BEFORE:
        execution.async_done = True
        execution.wait = None
        flow.enter(current, execution, job.activity_id)
    elif job.kind == JobKind.ASYNC_AFTER:
        execution.wait = None
        if execution.mi_body:
            execution.mi_body = False
            flow.take_outgoing(current, execution, node)
        else:
            flow.continue_after(current, execution, node)
    elif job.kind == JobKind.TASK_TIMEOUT:
        task_timeouts.fire_timeout_listener(current, execution, job)
    elif job.kind == JobKind.SIGNAL_EVENT:
        # a subscription gone since (its activity ended) ignores the job, as in Camunda
        subscription = current.state.subscriptions.get(job.subscription_id or "")
        if subscription is not None:
            events.fire_event(current, execution, subscription.activity_id)
    else:
        repeats = job.repeat and _repeats(node)
        cycle = current.next_cycle_of(job, node.id) if repeats else None
        if cycle is not None:
            due, repeat = cycle
            current.add_job(execution, JobKind.TIMER, node.id, due=due, repeat=repeat,
                            repeat_offset=job.repeat_offset)
        events.fire_event(current, execution, job.activity_id)


def _repeats(node: Any) -> bool:
    """A cycle re-arms only where the event does not end the activity it waits on."""
    if isinstance(node, BoundaryEvent):
        return not node.cancel_activity
    if isinstance(node, StartEvent):
        return not node.is_interrupting
    return False


def _external_task_execution(current: Run, command: cmd.ExternalTaskCommand) -> Execution:
    external = current.state.external_tasks.get(command.external_task_id)
    if external is None:
        raise NotFoundError(f"External task '{command.external_task_id}' does not exist")
    return _waiting(current, "external_task_id", external.id)


def _complete_external_task(current: Run, command: cmd.CompleteExternalTask) -> None:
    execution = _external_task_execution(current, command)
    tasks.complete_external_task(
        current, execution, command.variables, command.local_variables, command.report
    )


def _fail_external_task(current: Run, command: cmd.FailExternalTask) -> None:
    execution = _external_task_execution(current, command)
    tasks.fail_external_task(
        current, execution, command.report, command.variables, command.local_variables
    )


def _external_task_error(current: Run, command: cmd.HandleExternalTaskBpmnError) -> None:
    execution = _external_task_execution(current, command)
    current.set_variables(execution, command.variables)
    current.remove_external_task(execution)
    execution.wait = None
    events.throw_error(current, execution, command.error_code, command.error_message)


def _set_variables(current: Run, command: cmd.SetVariables) -> None:
    execution = (
        _execution(current, command.execution_id)
        if command.execution_id is not None
        else current.state.root
    )
    if command.local and command.through_task and execution.task_id is not None:
        current.set_task_locals(execution, execution.task_id, command.variables)
    elif command.local and not command.through_task:
        current.set_execution_locals(execution, command.variables)
    else:
        current.set_variables(execution, command.variables, local=command.local)
    own = command.variables if command.local else command.task_held
    if command.through_task and execution.task_id is not None and own:
        # Camunda: setting the task's own variables updates the task
        tasks.update_task(current, execution, current.state.tasks[execution.task_id], {})
    for name in command.removed:
        current.remove_variable(execution, name)


def _delete(current: Run, command: cmd.DeleteInstance) -> None:
    current.skip_listeners = command.skip_listeners
    current.skip_io_mappings = command.skip_io_mappings
    flow.finish_instance(current, InstanceStatus.EXTERNALLY_TERMINATED, command.reason)


def _called_instance_ended(current: Run, command: cmd.CalledInstanceEnded) -> None:
    if command.instance_id is not None:
        waiting = current.state.executions.get(command.execution_id)
        if waiting is None or waiting.called_instance_id != command.instance_id:
            return  # the call activity was interrupted meanwhile (e.g. by the child's error)
    execution = _execution(current, command.execution_id)
    if execution.wait != Wait.CALL:
        raise ProcessEngineError(
            f"Execution '{execution.id}' is not waiting for a called instance",
            execution.activity_id,
        )
    variables: dict[str, TypedValue] = {
        name: infer_type(value) for name, value in dict(command.variables).items()
    }
    tasks.called_instance_ended(current, execution, variables)


def _throw_error(current: Run, command: cmd.ThrowError) -> None:
    execution = current.state.executions.get(command.execution_id)
    if execution is None or execution.wait != Wait.CALL:
        return  # interrupted meanwhile: the called instance is deleted with it
    if command.instance_id is not None and execution.called_instance_id != command.instance_id:
        return
    tasks.pass_output_variables(current, execution, dict(command.variables))
    events.throw_error(
        current,
        execution,
        command.error_code,
        command.error_message,
        uncaught_ok=not command.must_catch,
        origin=command.origin,
    )


def _throw_escalation(current: Run, command: cmd.ThrowEscalation) -> None:
    execution = current.state.executions.get(command.execution_id)
    if execution is None or execution.wait != Wait.CALL:
        return  # interrupted meanwhile: the called instance is deleted with it
    if execution.called_instance_id != command.instance_id:
        return
    tasks.pass_output_variables(current, execution, dict(command.variables))
    code, origin = command.escalation_code, command.origin
    escalated = events.throw_escalation(
        current, execution, code, must_catch=command.must_catch, origin=origin
    )
    if escalated is events.Escalated.UNCAUGHT and command.must_catch:
        raise events.escalation_not_caught(origin.activity_id, code)
    going_on = escalated in (events.Escalated.CAUGHT, events.Escalated.UNCAUGHT)
    if going_on and not command.must_catch:  # a task that escalated stays as it is
        current.effects.append(fx.EscalationReturned(origin))


def _continue_after_escalation(current: Run, command: cmd.ContinueAfterEscalation) -> None:
    execution = current.state.executions.get(command.execution_id)
    if execution is not None:
        flow.leave(current, execution)


def _end_uncaught_error(current: Run, command: cmd.EndUncaughtError) -> None:
    execution = current.state.executions.get(command.execution_id)
    if execution is not None:
        flow.end_unhandled(current, execution)


def _modify(current: Run, command: cmd.ModifyInstance) -> None:
    # each instruction runs to rest (conditions, joins) before the next one, as in Camunda
    modification.apply(current, command, settle=_drain)


_HANDLERS: dict[type[Any], Callable[[Run, Any], None]] = {
    cmd.StartInstance: _start,
    cmd.CompleteTask: _complete_task,
    cmd.SetAssignee: _set_assignee,
    cmd.UpdateTask: _update_task,
    cmd.Trigger: _trigger,
    cmd.DeliverMessage: _deliver_message,
    cmd.DeliverSignal: _deliver_signal,
    cmd.ExecuteJob: _execute_job,
    cmd.DeleteJob: job_changes.delete_job,
    cmd.RecalculateJobDueDate: job_changes.recalculate_due_date,
    cmd.SetJobDueDate: job_changes.move_due_date,
    cmd.CompleteExternalTask: _complete_external_task,
    cmd.FailExternalTask: _fail_external_task,
    cmd.HandleExternalTaskBpmnError: _external_task_error,
    cmd.HandleTaskBpmnError: _task_bpmn_error,
    cmd.HandleTaskEscalation: _task_escalation,
    cmd.SetVariables: _set_variables,
    cmd.DeleteInstance: _delete,
    cmd.CalledInstanceEnded: _called_instance_ended,
    cmd.ThrowError: _throw_error,
    cmd.EndUncaughtError: _end_uncaught_error,
    cmd.ThrowEscalation: _throw_escalation,
    cmd.ContinueAfterEscalation: _continue_after_escalation,
    cmd.ModifyInstance: _modify,
}
