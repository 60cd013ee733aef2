"""The runner around the interpreter: one service call = one unit of work over a `Store`.

`ProcessEngine` loads the instance a call is about, runs the command, saves the state with
its version, records the effects, and follows cross-instance effects (a call activity's
child, a thrown signal, an ended child, a cancelled child; engine.runtime.routing) by running
further commands on other instances inside the same `store.atomic()` block. The Django
store and the in-memory store share this code; they differ only in how they keep rows.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from engine.runtime import commands as cmd
from engine.runtime import effects as fx
from engine.runtime.definition import ProcessDefinition
from engine.runtime.env import Environment
from engine.runtime.errors import ConcurrentModification, NotFoundError, ProcessEngineError
from engine.runtime.forms import FormFieldData, form_fields
from engine.runtime.interpreter import run
from engine.runtime.migrating import migrate_all
from engine.runtime.migration import MigrationPlan, require_valid
from engine.runtime.modification import Instruction
from engine.runtime.routing import CROSS_INSTANCE, Work, follow_up, signal_work
from engine.runtime.starts import (
    change_timer_start,
    conditional_start_events,
    conditional_starts,
    fire_start_job,
    signal_start_jobs,
)
from engine.runtime.state import Job
from engine.runtime.store import (
    MismatchingMessageCorrelation,
    ProcessInstance,
    Store,
)
from engine.runtime.tenancy import TenantFilter

__all__ = ["MismatchingMessageCorrelation", "ProcessEngine", "ProcessInstance", "Store"]

DEFAULT_RETRIES = 3


def _utc_now() -> datetime:
    return datetime.now(UTC)


class ProcessEngine:
    """The operations the service API calls; each is one transaction on the store."""

    def __init__(
        self,
        store: Store,
        env: Environment | None = None,
        *,
        clock: Callable[[], datetime] = _utc_now,
        retries: int = DEFAULT_RETRIES,
    ) -> None:
        self.store = store
        self.env = env or Environment()
        self.clock = clock
        self.retries = retries

    # -- deployment --------------------------------------------------------------------------

    def deploy(
        self, resources: Mapping[str, bytes], deployment_id: str | None = None
    ) -> list[ProcessDefinition]:
        """Parse every BPMN and DMN resource first (nothing is deployed if one fails), then
        register the executable processes and the decisions with a new version each."""
        from engine.runtime.deployment import deploy_resources

        return deploy_resources(self, resources, deployment_id or self.env.new_id())

    # -- operations ------------------------------------------------------------------------

    def start_process_instance(
        self,
        key: str | None = None,
        *,
        definition_id: str | None = None,
        variables: Mapping[str, Any] | None = None,
        business_key: str | None = None,
        start_activity_id: str | None = None,
        instructions: Sequence[Instruction] = (),
        skip_custom_listeners: bool = False,
        skip_io_mappings: bool = False,
    ) -> ProcessInstance:
        definition = self._definition(key, definition_id)
        command = cmd.StartInstance(
            variables=dict(variables or {}),
            business_key=business_key,
            start_activity_id=start_activity_id,
            instance_id=self.env.new_id(),
            instructions=tuple(instructions),
            skip_custom_listeners=skip_custom_listeners,
            skip_io_mappings=skip_io_mappings,
        )
        return self._start(definition, command)

    def start_process_instance_by_message(
        self,
        message_name: str,
        *,
        variables: Mapping[str, Any] | None = None,
        business_key: str | None = None,
    ) -> ProcessInstance:
        starts = self.store.find_message_start_events(message_name)
        if not starts:
            raise MismatchingMessageCorrelation(
                f"Cannot start process instance by message: no subscription to message with "
                f"name '{message_name}'"
            )
        definition, activity_id = starts[0]
        command = cmd.StartInstance(
            variables=dict(variables or {}),
            business_key=business_key,
            start_activity_id=activity_id,
            instance_id=self.env.new_id(),
        )
        return self._start(definition, command)

    def evaluate_start_conditions(
        self,
        variables: Mapping[str, Any] | None = None,
        *,
        business_key: str | None = None,
        definition_id: str | None = None,
        tenant: TenantFilter | None = None,
    ) -> list[ProcessInstance]:
        """runtimeService.createConditionEvaluation().evaluateStartConditions(): start an
        instance at every conditional start event (newest versions of the tenants `tenant`
        admits, or of `definition_id`) whose condition holds for `variables`, all in one
        transaction."""
        if definition_id is not None:
            definition = self._definition(None, definition_id)
            candidates = conditional_start_events(definition)
            if not candidates:
                raise ProcessEngineError(
                    f"Process definition with id '{definition_id}' does not declare "
                    "conditional start event."
                )
        else:
            candidates = self.store.find_conditional_start_events(tenant)
            if not candidates:
                raise ProcessEngineError(
                    "No subscriptions were found during evaluation of the conditional start "
                    "events."
                )
        starts = conditional_starts(
            candidates, dict(variables or {}), business_key, self.clock(), self.env
        )
        if starts:
            self._execute([Work(None, command, definition) for definition, command in starts])
        return [self._started(definition, command) for definition, command in starts]

    def _start(self, definition: ProcessDefinition, command: cmd.StartInstance) -> ProcessInstance:
        """Run `command` (its instance id allocated) as a new instance of `definition`."""
        instance_id = command.instance_id
        assert instance_id is not None
        self._execute([Work(None, command, definition)])
        return self._started(definition, command)

    def _started(
        self, definition: ProcessDefinition, command: cmd.StartInstance
    ) -> ProcessInstance:
        instance_id = command.instance_id
        assert instance_id is not None
        state = self.store.load(instance_id)
        ended = state is None or state.is_ended
        tasks = () if state is None or ended else tuple(state.tasks)
        return ProcessInstance(instance_id, definition.id, command.business_key, ended, tasks)

    def complete_task(
        self, task_id: str, variables: Mapping[str, Any] | None = None, *, local: bool = False
    ) -> None:
        instance_id = self._require(self.store.instance_of_task(task_id), "Task", task_id)
        self._execute([Work(instance_id, cmd.CompleteTask(task_id, dict(variables or {}), local))])

    def set_assignee(self, task_id: str, assignee: str | None) -> None:
        instance_id = self._require(self.store.instance_of_task(task_id), "Task", task_id)
        self._execute([Work(instance_id, cmd.SetAssignee(task_id, assignee))])

    def update_task(self, task_id: str, changes: Mapping[str, Any]) -> None:
        instance_id = self._require(self.store.instance_of_task(task_id), "Task", task_id)
        self._execute([Work(instance_id, cmd.UpdateTask(task_id, dict(changes)))])

    def handle_task_bpmn_error(
        self,
        task_id: str,
        error_code: str,
        error_message: str | None = None,
        variables: Mapping[str, Any] | None = None,
    ) -> None:
        """taskService.handleBpmnError: the task's activity throws the error."""
        instance_id = self._require(self.store.instance_of_task(task_id), "Task", task_id)
        command = cmd.HandleTaskBpmnError(task_id, error_code, error_message, dict(variables or {}))
        self._execute([Work(instance_id, command)])

    def handle_task_escalation(
        self, task_id: str, escalation_code: str, variables: Mapping[str, Any] | None = None
    ) -> None:
        """taskService.handleEscalation: the task's activity throws the escalation."""
        instance_id = self._require(self.store.instance_of_task(task_id), "Task", task_id)
        command = cmd.HandleTaskEscalation(task_id, escalation_code, dict(variables or {}))
        self._execute([Work(instance_id, command)])

    def trigger(self, execution_id: str, variables: Mapping[str, Any] | None = None) -> None:
        """runtimeService.signal(executionId)."""
        instance_id = self._require(
            self.store.instance_of_execution(execution_id), "Execution", execution_id
        )
        self._execute([Work(instance_id, cmd.Trigger(execution_id, dict(variables or {})))])

    def message_event_received(
        self, name: str, execution_id: str, variables: Mapping[str, Any] | None = None
    ) -> None:
        instance_id = self._require(
            self.store.instance_of_execution(execution_id), "Execution", execution_id
        )
        command = cmd.DeliverMessage(
            execution_id=execution_id, message_name=name, variables=dict(variables or {})
        )
        self._execute([Work(instance_id, command)])

    def signal_event_received(
        self, name: str, execution_id: str, variables: Mapping[str, Any] | None = None
    ) -> None:
        """runtimeService.signalEventReceived(name, executionId): the signal for one
        execution's subscription alone."""
        instance_id = self._require(
            self.store.instance_of_execution(execution_id), "Execution", execution_id
        )
        command = cmd.DeliverSignal(
            None, dict(variables or {}), execution_id=execution_id, signal_name=name
        )
        self._execute([Work(instance_id, command)])

    def correlate_message(
        self,
        name: str,
        *,
        business_key: str | None = None,
        correlation_keys: Mapping[str, Any] | None = None,
        variables: Mapping[str, Any] | None = None,
        all: bool = False,  # noqa: A002 - Camunda's correlateAll
        process_instance_id: str | None = None,
        local_variables: Mapping[str, Any] | None = None,
        variables_local: Mapping[str, Any] | None = None,
        variables_to_triggered_scope: Mapping[str, Any] | None = None,
        tenant: TenantFilter | None = None,
    ) -> list[str]:
        """Deliver to the waiting execution(s) matching name, business key, correlation
        keys (process variables), the instance id and local variables of the waiting
        execution; with none waiting, start by a message start event.
        `variables` are set as any; `variables_local` on the waiting execution and
        `variables_to_triggered_scope` on the scope the message triggers (a new instance
        gets all three as its variables); `tenant`: only executions and definitions of the
        tenants it admits.
        Returns the ids of the instances that received the message."""
        payload = dict(variables or {})
        local_payload = dict(variables_local or {})
        scope_payload = dict(variables_to_triggered_scope or {})
        targeted = bool(correlation_keys or process_instance_id or local_variables)

        def work() -> list[Work]:
            subscriptions = self.store.find_message_subscriptions(
                name, business_key, correlation_keys, process_instance_id, local_variables,
                tenant,
            )
            if subscriptions:
                if not all and len(subscriptions) > 1:
                    raise MismatchingMessageCorrelation(
                        f"Cannot correlate a message with name '{name}' to a single execution. "
                        f"{len(subscriptions)} executions match the correlation keys"
                    )
                return [
                    Work(
                        s.process_instance_id,
                        cmd.DeliverMessage(
                            subscription_id=s.id, variables=payload,
                            local_variables=local_payload, scope_variables=scope_payload,
                        ),
                    )
                    for s in subscriptions
                ]
            # A message aimed at variables or an instance never starts a new instance.
            starts = [] if targeted else self.store.find_message_start_events(name, tenant)
            if not starts and all:
                return []  # Camunda's correlateAll: nothing matching is no error
            if not starts:
                raise MismatchingMessageCorrelation(
                    f"Cannot correlate message '{name}': No process definition or execution "
                    "matches the parameters"
                )
            if not all and len(starts) > 1:
                raise MismatchingMessageCorrelation(
                    f"Cannot correlate message '{name}': {len(starts)} process definitions "
                    "match the parameters"
                )
            return [
                Work(
                    None,
                    cmd.StartInstance(
                        variables={**payload, **local_payload, **scope_payload},
                        business_key=business_key,
                        start_activity_id=activity_id,
                        instance_id=self.env.new_id(),
                    ),
                    definition,
                )
                for definition, activity_id in starts
            ]

        return self._execute_planned(work)

    def broadcast_signal(
        self,
        name: str,
        variables: Mapping[str, Any] | None = None,
        tenant: TenantFilter | None = None,
    ) -> None:
        """runtimeService.signalEventReceived(name): every subscription and signal start (of
        the tenants `tenant` admits)."""
        self._execute(
            [],
            signals=[
                fx.SignalThrown(name, {}, tenant=tenant),
            ],
            signal_variables=variables,
        )

    def execute_job(self, job_id: str) -> None:
        job = self.store.get_job(job_id)
        if job is None:
            raise NotFoundError(f"Job '{job_id}' does not exist")
        if job.process_instance_id is not None:
            self._execute([Work(job.process_instance_id, cmd.ExecuteJob(job_id))])
            return
        self._execute_start_job(job)

    def change_job(
        self, job_id: str,
        command: cmd.DeleteJob | cmd.RecalculateJobDueDate | cmd.SetJobDueDate,
    ) -> None:
        """An operator's command on a job: on its instance, or on a timer start job."""
        job = self.store.get_job(job_id)
        if job is None:
            raise NotFoundError(f"No job found with id '{job_id}'")
        if job.process_instance_id is not None:
            self._execute([Work(job.process_instance_id, command)])
            return
        definition = self._definition(None, job.process_definition_id)
        with self.store.atomic():
            effects = change_timer_start(job, definition, command, self.clock(), self.env)
            self.store.record(None, effects)

    def complete_external_task(
        self,
        external_task_id: str,
        variables: Mapping[str, Any] | None = None,
        local_variables: Mapping[str, Any] | None = None,
        report: cmd.ExternalTaskReport | None = None,
    ) -> None:
        self._on_external_task(cmd.CompleteExternalTask(
            external_task_id, dict(variables or {}), dict(local_variables or {}),
            report or cmd.ExternalTaskReport(),
        ))

    def fail_external_task(
        self,
        external_task_id: str,
        report: cmd.ExternalTaskReport,
        variables: Mapping[str, Any] | None = None,
        local_variables: Mapping[str, Any] | None = None,
    ) -> None:
        self._on_external_task(cmd.FailExternalTask(
            external_task_id, report, dict(variables or {}), dict(local_variables or {})
        ))

    def handle_bpmn_error(
        self,
        external_task_id: str,
        error_code: str,
        error_message: str | None = None,
        variables: Mapping[str, Any] | None = None,
    ) -> None:
        self._on_external_task(cmd.HandleExternalTaskBpmnError(
            external_task_id, error_code, error_message, dict(variables or {})
        ))

    def _on_external_task(self, command: cmd.ExternalTaskCommand) -> None:
        task = command.external_task_id
        found = self._require(self.store.instance_of_external_task(task), "External task", task)
        self._execute([Work(found, command)])

    def set_variables(
        self,
        execution_id: str,
        variables: Mapping[str, Any],
        *,
        local: bool = False,
        removed: Sequence[str] = (),
        through_task: bool = False,
        task_held: Sequence[str] = (),
    ) -> None:
        """Set variables on an execution (a process instance id names the instance)."""
        instance_id = self._require(
            self.store.instance_of_execution(execution_id), "Execution", execution_id
        )
        command = cmd.SetVariables(
            dict(variables), execution_id, local, (*removed,), through_task, (*task_held,)
        )
        self._execute([Work(instance_id, command)])

    def delete_process_instance(
        self, instance_id: str, reason: str | None = None, *, skip_custom_listeners: bool = False,
        skip_io_mappings: bool = False,
    ) -> None:
        command = cmd.DeleteInstance(reason, skip_custom_listeners, skip_io_mappings)
        self._execute([Work(instance_id, command)])

    def modify_process_instance(
        self,
        instance_id: str,
        instructions: Sequence[Instruction],
        *,
        skip_custom_listeners: bool = False,
        skip_io_mappings: bool = False,
    ) -> None:
        """Camunda's process instance modification (engine.runtime.modification)."""
        command = cmd.ModifyInstance(tuple(instructions), skip_custom_listeners, skip_io_mappings)
        self._execute([Work(instance_id, command)])

    def migrate_process_instances(
        self, plan: MigrationPlan, instance_ids: Sequence[str], **skip: bool
    ) -> None:
        """Camunda's process instance migration: all instances or none (runtime.migrating);
        `skip`: skip_custom_listeners, skip_io_mappings (of sub-processes it adds, removes)."""
        source = self._definition(None, plan.source_definition_id)
        target = self._definition(None, plan.target_definition_id)
        require_valid(source, target, plan)

        def plan_work() -> list[Work]:
            now = self.clock()
            migrate_all(self.store, source, target, plan, instance_ids, now, self.env, **skip)
            return []  # nothing to route: migration runs no element

        self._execute_planned(plan_work)

    def get_task_form_fields(self, task_id: str) -> list[FormFieldData]:
        """`formService.getTaskFormData(taskId).getFormFields()`: read-only."""
        instance_id = self._require(self.store.instance_of_task(task_id), "Task", task_id)
        state = self.store.load(instance_id)
        task = state.tasks.get(task_id) if state is not None else None
        if state is None or task is None:
            raise NotFoundError(f"Task '{task_id}' does not exist")
        definition = self._definition(None, state.process_definition_id)
        variables = {name: typed.value for name, typed in state.root.variables.items()}
        return form_fields(definition, task.task_definition_key, variables, self.clock())

    # -- the unit of work -------------------------------------------------------------------

    def _definition(self, key: str | None, definition_id: str | None) -> ProcessDefinition:
        if definition_id is not None:
            definition = self.store.get_definition(definition_id)
        elif key is not None:
            definition = self.store.find_definition(key)
        else:
            raise ProcessEngineError("Give a process definition key or id")
        if definition is None:
            raise NotFoundError(f"No process definition found for '{definition_id or key}'")
        return definition

    @staticmethod
    def _require(instance_id: str | None, what: str, ident: str) -> str:
        if instance_id is None:
            raise NotFoundError(f"{what} '{ident}' does not exist")
        return instance_id

    def _execute_planned(self, plan: Callable[[], list[Work]]) -> list[str]:
        for attempt in range(self.retries):
            try:
                with self.store.atomic():
                    work = plan()
                    self._drain(deque(work), [])
                    return [_instance_of(w) for w in work]
            except ConcurrentModification:
                if attempt == self.retries - 1:
                    raise
        raise AssertionError("unreachable")

    def _execute(
        self,
        work: list[Work],
        *,
        signals: list[fx.SignalThrown] | None = None,
        signal_variables: Mapping[str, Any] | None = None,
    ) -> None:
        for attempt in range(self.retries):
            try:
                with self.store.atomic():
                    queue: deque[Work | fx.SignalThrown] = deque(work)
                    pending = list(signals or [])
                    self._drain(queue, pending, dict(signal_variables or {}))
                    return
            except ConcurrentModification:
                if attempt == self.retries - 1:
                    raise

    def _drain(
        self,
        queue: deque[Work | fx.SignalThrown],
        signals: list[fx.SignalThrown],
        signal_variables: dict[str, Any] | None = None,
    ) -> None:
        while queue or signals:
            # Camunda delivers a signal while it is thrown: the signals a command threw go
            # before the work it left for other instances (a called instance that ended with
            # a signal must not complete its call activity first, whose boundary event waits
            # for it), in the order thrown, and each reaches its receivers before the next is
            # looked up (a receiver the first one moved on no longer waits for the second)
            queue.extendleft(reversed(signals))
            signals.clear()
            item = queue.popleft()
            if isinstance(item, fx.SignalThrown):
                variables = signal_variables if signal_variables else dict(item.variables)
                signal_variables = None
                if item.asynchronous:
                    starts = self.store.find_signal_start_events(item.name, item.tenant)
                    self.store.record(None, signal_start_jobs(starts, self.env))
                deliveries = signal_work(self.store, self.env, item, variables)
                queue.extendleft(reversed(list(deliveries)))
                continue
            for effect in self._run_one(item):
                # most effects concern only their own instance: skip the routing for them
                if type(effect) in CROSS_INSTANCE:
                    queue.extend(follow_up(self.store, effect, signals))

    def _run_one(self, item: Work) -> list[fx.Effect]:
        now = self.clock()
        if item.instance_id is None:
            assert item.definition is not None
            step = run(item.definition, None, item.command, now, self.env)
            self.store.save(step.state, None)
        else:
            state = self.store.load(item.instance_id)
            if state is None or state.is_ended:
                if item.ignore_missing:
                    return []
                raise NotFoundError(f"Process instance '{item.instance_id}' does not exist")
            definition = self.store.get_definition(state.process_definition_id)
            if definition is None:
                raise NotFoundError(f"Definition '{state.process_definition_id}' is gone")
            expected = state.version
            try:
                step = run(definition, state, item.command, now, self.env)
            except NotFoundError:
                if item.ignore_missing:
                    return []
                raise
            self.store.save(step.state, expected)
        self.store.record(step.state.id, step.effects)
        return step.effects

    def _execute_start_job(self, job: Job) -> None:
        """A job without an instance: a timer start or an asynchronous signal's start."""
        definition = self.store.get_definition(job.process_definition_id)
        if definition is None:
            raise NotFoundError(f"Definition '{job.process_definition_id}' is gone")

        def plan() -> list[Work]:
            effects = fire_start_job(job, definition, self.clock(), self.env)
            self.store.record(None, effects)
            start = cmd.StartInstance(start_activity_id=job.activity_id,
                                      instance_id=self.env.new_id())
            return [Work(None, start, definition)]

        self._execute_planned(plan)


def _instance_of(work: Work) -> str:
    if work.instance_id is not None:
        return work.instance_id
    if isinstance(work.command, cmd.StartInstance) and work.command.instance_id:
        return work.command.instance_id
    return ""
