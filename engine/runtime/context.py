"""`Run`: one command's working set — the state being changed, the effects, the agenda.

Behaviours change the state only through these primitives, so every change also yields its
effect (a task row, a job row, a variable update, a history record) exactly once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from engine.bpmn.model import FlowNode, TimerDefinition
from engine.el import EvaluationContext, ExpressionError, compile_expression
from engine.runtime import effects as fx
from engine.runtime.contents import BINARY_TYPES, keep_under
from engine.runtime.definition import ProcessDefinition
from engine.runtime.env import Environment
from engine.runtime.errors import ProcessEngineError, VariableValueError
from engine.runtime.facades import ExecutionFacade, ExternalTaskFacade, TaskFacade
from engine.runtime.queries import is_scope, public_execution_id
from engine.runtime.scope_variables import ScopeVariables
from engine.runtime.state import (
    Execution,
    ExternalTask,
    InstanceState,
    Job,
    Subscription,
    Task,
    Wait,
)
from engine.runtime.timers import TimerSpecError, first_due, next_cycle_due
from engine.runtime.values import VARIABLE_NAME_LIMIT, TypedValue, check_value, infer_type

_NO_CONTEXT = EvaluationContext()


class Run:
    """Working set of one `run` call. Not reused across commands."""

    def __init__(
        self,
        definition: ProcessDefinition,
        state: InstanceState,
        now: datetime,
        env: Environment,
    ) -> None:
        self.definition = definition
        self.state = state
        self.now = now
        self.env = env
        self.new_id: Callable[[], str] = env.new_id  # the host's id factory, called directly
        self.effects: list[fx.Effect] = []
        self.agenda: deque[Callable[[], None]] = deque()
        # names of variables written in this round; conditional events look at them
        self.changed_variables: set[str] = set()
        self.new_conditions = False
        self.joins_to_check = False
        # DeleteInstance(skip_listeners=True): Camunda's skipCustomListeners
        self.skip_listeners = False
        # a transient variable was set: the state drops them before it is saved
        self.transient_set = False
        # activity instances whose end listeners ran (or threw a BPMN error) in this command:
        # the cancellation that error may cause does not run them again
        self.ended_listeners: set[str] = set()
        # DeleteInstance / a modification's cancellations with skipIoMappings: cancelled
        # activities run no output mapping
        self.skip_io_mappings = False
        self._history_activity = env.history != "none"
        self._history_details = env.history == "full"
        # Counted for the metrics only where the history level leaves out the effects that
        # would carry them (`counted`): at level full this costs nothing.
        self.uncounted: fx.ExecutionCounted | None = None

    # -- ids, executions -----------------------------------------------------------------

    def new_execution(self, parent: Execution, activity_id: str | None) -> Execution:
        execution = Execution(
            id=self.new_id(),
            parent_id=parent.id,
            activity_id=activity_id,
            activity_instance_id=None,
        )
        self.state.executions[execution.id] = execution
        return execution

    def public_id(self, execution: Execution) -> str:
        """The execution id Camunda would show (engine.runtime.queries.public_execution_id)."""
        return public_execution_id(self.definition, self.state, execution)

    def shown_execution(self, execution: Execution) -> Execution:
        """The execution Camunda would run `execution` in: a lone token of a non-scope
        activity is its scope's execution, so what it sets locally is the scope's (a
        process variable for a token directly under the instance) and outlives the activity."""
        shown = self.public_id(execution)
        return execution if shown == execution.id else self.state.executions[shown]

    def set_execution_locals(self, execution: Execution, variables: Any) -> None:
        """Camunda's `execution.setVariableLocal`, on the execution Camunda would run
        `execution` in. A token beside siblings at a non-scope activity is a concurrent
        execution there: what it sets stays with the branch until the branch joins."""
        owner = self.shown_execution(execution)
        branch = owner is execution and self._runs_a_branch(execution)
        for name, value in dict(variables or {}).items():
            if branch:
                execution.branch_variables.add(name)
            self.set_variable(owner, name, value, local=True)

    def _runs_a_branch(self, execution: Execution) -> bool:
        parent = self.parent(execution)
        return (
            parent is not None and not parent.mi_body and execution.wait != Wait.SCOPE
            and not is_scope(self.definition, execution)
        )

    def end_branch(self, execution: Execution) -> None:
        """A join merged `execution`'s branch with others: the branch's variables end, as
        Camunda ends the concurrent executions it joins."""
        if execution.branch_variables:
            self._drop(execution, self._take_branch_names(execution))

    def merge_branch(self, execution: Execution) -> None:
        """The last token of its scope: Camunda folds its concurrent execution into the
        scope's, the branch's variables with it."""
        parent = self.parent(execution)
        names = self._take_branch_names(execution)
        if parent is None or not names:
            return
        moved = {name: execution.variables[name] for name in names}
        self._drop(execution, names)
        for name, typed in moved.items():
            self.set_local(parent, name, typed)

    @staticmethod
    def _take_branch_names(execution: Execution) -> list[str]:
        names = [n for n in execution.variables if n in execution.branch_variables]
        execution.branch_variables = set()
        return names

    def follow_public_executions(self) -> None:
        """Waiting tasks and external tasks name the execution their token is shown as, which
        changes when a sibling appears beside a lone token or the last one leaves."""
        tasks: dict[str, str] = {}
        external: dict[str, str] = {}
        for execution in self.state.executions.values():
            work = None
            if execution.task_id is not None:
                work, moved = self.state.tasks.get(execution.task_id), tasks
            elif execution.external_task_id is not None:
                work, moved = self.state.external_tasks.get(execution.external_task_id), external
            if work is None:
                continue
            shown_as = self.public_id(execution)
            if work.execution_id != shown_as:
                work.execution_id = shown_as
                moved[work.id] = shown_as
        if tasks or external:
            self.effects.append(fx.WaitingWorkMoved(tasks, external))

    def alive(self, execution: Execution) -> bool:
        return self.state.executions.get(execution.id) is execution

    def parent(self, execution: Execution) -> Execution | None:
        if execution.parent_id is None:
            return None
        return self.state.executions[execution.parent_id]

    def remove_execution(self, execution: Execution) -> None:
        if execution.variables:
            self.effects.append(
                fx.VariablesChanged(self.state.id, execution.id, removed=tuple(execution.variables))
            )
            execution.variables = {}
        del self.state.executions[execution.id]

    # -- variables -----------------------------------------------------------------------

    def _find(self, execution: Execution, name: str) -> Execution | None:
        current: Execution | None = execution
        executions = self.state.executions
        while current is not None:
            if name in current.variables:
                return current
            current = executions.get(current.parent_id) if current.parent_id else None
        return None

    def has_variable(self, execution: Execution, name: str) -> bool:
        return self._find(execution, name) is not None

    def get_typed(self, execution: Execution, name: str) -> TypedValue | None:
        owner = self._find(execution, name)
        return owner.variables[name] if owner is not None else None

    def get_variable(self, execution: Execution, name: str) -> Any:
        typed = self.get_typed(execution, name)
        return typed.value if typed is not None else None

    def visible_variables(self, execution: Execution) -> dict[str, TypedValue]:
        """Every variable visible from `execution`; inner scopes shadow outer ones."""
        chain: list[Execution] = []
        current: Execution | None = execution
        while current is not None:
            chain.append(current)
            current = self.parent(current)
        merged: dict[str, TypedValue] = {}
        for owner in reversed(chain):
            merged.update(owner.variables)
        return merged

    def set_variable(
        self,
        execution: Execution,
        name: str,
        value: Any,
        *,
        local: bool = False,
        from_expression: bool = False,
    ) -> None:
        """Camunda's setVariable: the nearest scope that has the variable, else the process
        instance (`local`: this execution)."""
        typed = infer_type(value, from_expression=from_expression)
        owner = execution if local else (self._find(execution, name) or self.state.root)
        self.set_local(owner, name, typed)

    def set_task_locals(self, execution: Execution, task_id: str, variables: Any) -> None:
        """Camunda's `task.setVariableLocal`: the task's own variables, kept on the token it
        waits at (they end with it) and named by the task in the rows and in history."""
        for name, value in dict(variables or {}).items():
            self.set_local(execution, name, infer_type(value), task_id=task_id)

    def set_local(
        self, owner: Execution, name: str, typed: TypedValue, *, task_id: str | None = None
    ) -> None:
        # Every variable the state keeps passes here, from callers and expressions alike.
        if len(name) > VARIABLE_NAME_LIMIT:
            raise VariableValueError(
                f"Cannot set variable '{name[:40]}...': its name is {len(name)} characters "
                f"long, at most {VARIABLE_NAME_LIMIT}"
            )
        try:
            check_value(typed)
        except ValueError as reason:
            raise VariableValueError(
                f"Cannot set variable '{name}' of type '{typed.type}': {reason}"
            ) from None
        existing = owner.variables.get(name)
        if existing is not None and existing.transient != typed.transient:
            raise VariableValueError(  # Camunda's words
                f"Cannot set transient variable with name {name} to non-transient variable "
                "and vice versa."
            )
        if typed.transient:  # for this command only: no rows, no history
            owner.variables[name] = typed
            self.changed_variables.add(name)
            self.transient_set = True
            return
        if typed.type in BINARY_TYPES:
            keep_under(typed, owner.id, name)  # a content is kept with its own variable
        owner.variables[name] = typed
        self.changed_variables.add(name)
        self.effects.append(
            fx.VariablesChanged(self.state.id, owner.id, set={name: typed}, task_id=task_id)
        )
        if self._history_details:
            key = f"{owner.id}/{name}"
            revision = self.state.variable_revisions.get(key, -1) + 1
            self.state.variable_revisions[key] = revision
            self.effects.append(
                fx.VariableUpdated(
                    self.state.id,
                    owner.id,
                    owner.activity_instance_id,
                    name,
                    typed,
                    revision,
                    self.now,
                    task_id=task_id,
                )
            )

    def drop_transient_variables(self) -> None:
        """Transient variables end with the command that set them."""
        for execution in self.state.executions.values():
            for name in [n for n, typed in execution.variables.items() if typed.transient]:
                del execution.variables[name]

    def set_variables(self, execution: Execution, variables: Any, *, local: bool = False) -> None:
        for name, value in dict(variables or {}).items():
            self.set_variable(execution, name, value, local=local)

    def remove_variable(self, execution: Execution, name: str) -> None:
        owner = self._find(execution, name)
        if owner is None:
            return
        del owner.variables[name]
        owner.branch_variables.discard(name)
        self.changed_variables.add(name)
        self.effects.append(fx.VariablesChanged(self.state.id, owner.id, removed=(name,)))

    def clear_local_variables(self, execution: Execution) -> None:
        """An activity ended: its own variables end with it; its branch's stay, and come
        back where the activity's input mappings had hidden them."""
        if execution.variables:
            kept = execution.branch_variables
            self._drop(execution, [n for n in execution.variables if n not in kept])
        if execution.shadowed_branch_variables:
            hidden = execution.shadowed_branch_variables
            execution.shadowed_branch_variables = {}
            for name, typed in hidden.items():
                execution.branch_variables.add(name)
                self.set_local(execution, name, typed)

    def shadow_branch_variable(self, execution: Execution, name: str) -> None:
        """An input mapping of the activity sets `name`, a variable of the token's branch:
        the branch's value waits aside until the activity ends."""
        if name in execution.branch_variables and name in execution.variables:
            execution.shadowed_branch_variables[name] = execution.variables[name]
            execution.branch_variables.discard(name)

    def _drop(self, execution: Execution, names: list[str]) -> None:
        if names:
            self.effects.append(
                fx.VariablesChanged(self.state.id, execution.id, removed=tuple(names))
            )
            gone = set(names)
            # a new dict: whoever holds the old one (a snapshot) keeps what it saw
            execution.variables = {
                n: v for n, v in execution.variables.items() if n not in gone
            }

    # -- expressions ---------------------------------------------------------------------

    def context(
        self,
        execution: Execution,
        *,
        task: Task | None = None,
        event_name: str | None = None,
        activity_id: str | None = None,
        facade: TaskFacade | None = None,
        external_task: ExternalTaskFacade | None = None,
    ) -> EvaluationContext:
        facade_ex = ExecutionFacade(self, execution, event_name, activity_id)
        beans: dict[str, object] = dict(self.env.beans)
        beans["execution"] = facade_ex
        if external_task is not None:
            beans["externalTask"] = external_task
        if facade is not None:
            beans["task"] = facade
        elif task is not None:
            beans["task"] = TaskFacade(self, task, execution, event_name or "")
        return EvaluationContext(ScopeVariables(self, execution), beans=beans, now=self.now)

    def evaluate(
        self,
        text: str,
        execution: Execution,
        *,
        activity_id: str | None = None,
        context: EvaluationContext | None = None,
    ) -> Any:
        """Evaluate `text`; an ExpressionError fails the command, naming the activity."""
        where = activity_id or execution.activity_id
        try:
            expression = compile_expression(text)
            if expression.is_literal:  # plain text reads nothing: no context to build
                return expression.evaluate(_NO_CONTEXT)
            return expression.evaluate(context or self.context(execution))
        except ExpressionError as error:
            raise ProcessEngineError(
                f"Error while evaluating expression '{text}': {error}", where
            ) from error

    def condition(self, text: str, execution: Execution, *, activity_id: str | None = None) -> bool:
        value = self.evaluate(text, execution, activity_id=activity_id)
        if isinstance(value, str) and value in ("true", "false"):
            return value == "true"
        if not isinstance(value, bool):
            raise ProcessEngineError(
                f"Condition expression '{text}' did not return a boolean value", activity_id
            )
        return value

    # -- tasks, jobs, subscriptions, external tasks -----------------------------------------

    def add_task(self, execution: Execution, task: Task) -> None:
        self.state.tasks[task.id] = task
        execution.task_id = task.id
        self.effects.append(fx.TaskCreated(task))

    def remove_task(self, execution: Execution, reason: str) -> Task | None:
        if execution.task_id is None:
            return None
        task = self.state.tasks.pop(execution.task_id, None)
        execution.task_id = None
        if task is not None:
            self.effects.append(fx.TaskRemoved(task.id, reason, self.now, task))
        return task

    def add_job(
        self,
        execution: Execution | None,
        kind: str,
        activity_id: str,
        due: datetime | None = None,
        repeat: str | None = None,
        repeat_offset: int = 0,
    ) -> Job:
        node = self.definition.process.find_node(activity_id)
        job = Job(
            id=self.new_id(),
            kind=kind,
            execution_id=execution.id if execution else None,
            process_instance_id=self.state.id,
            process_definition_id=self.definition.id,
            activity_id=activity_id,
            due=due,
            priority=self._job_priority(node, execution),
            exclusive=node.exclusive if node is not None else True,
            repeat=repeat,
            repeat_offset=repeat_offset,
        )
        self.state.jobs[job.id] = job
        if execution is not None:
            execution.job_ids.append(job.id)
        shown_as = self.public_id(execution) if execution is not None else None
        self.effects.append(fx.JobCreated(job, shown_as))
        return job

    def _job_priority(self, node: FlowNode | None, execution: Execution | None) -> int:
        if node is None or node.job_priority is None or execution is None:
            return 0
        return int(self.evaluate(node.job_priority, execution, activity_id=node.id))

    def remove_job(self, job_id: str) -> None:
        job = self.state.jobs.pop(job_id, None)
        if job is None:
            return
        owner = self.state.executions.get(job.execution_id) if job.execution_id else None
        if owner is not None and job_id in owner.job_ids:
            owner.job_ids.remove(job_id)
        shown_as = self.public_id(owner) if owner is not None else job.execution_id
        self.effects.append(fx.JobRemoved(job_id, shown_as))

    def subscribe(
        self, execution: Execution, kind: str, event_name: str | None, activity_id: str
    ) -> Subscription:
        subscription = Subscription(
            id=self.new_id(),
            kind=kind,
            event_name=event_name,
            execution_id=execution.id,
            process_instance_id=self.state.id,
            process_definition_id=self.definition.id,
            activity_id=activity_id,
            created=self.now,
        )
        self.state.subscriptions[subscription.id] = subscription
        execution.subscription_ids.append(subscription.id)
        self.effects.append(fx.SubscriptionCreated(subscription))
        if kind == "conditional":
            self.new_conditions = True
        return subscription

    def unsubscribe(self, subscription_id: str) -> None:
        subscription = self.state.subscriptions.pop(subscription_id, None)
        if subscription is None:
            return
        owner = self.state.executions.get(subscription.execution_id)
        if owner is not None and subscription_id in owner.subscription_ids:
            owner.subscription_ids.remove(subscription_id)
        self.effects.append(fx.SubscriptionRemoved(subscription_id))

    def drop_events(self, execution: Execution, keep: Callable[[str], bool] | None = None) -> None:
        """Remove the execution's subscriptions and jobs (those whose activity `keep` rejects)."""
        for subscription_id in list(execution.subscription_ids):
            sub = self.state.subscriptions.get(subscription_id)
            if sub is None or keep is None or not keep(sub.activity_id):
                self.unsubscribe(subscription_id)
        for job_id in list(execution.job_ids):
            job = self.state.jobs.get(job_id)
            if job is None or keep is None or not keep(job.activity_id):
                self.remove_job(job_id)

    def add_external_task(self, execution: Execution, external: ExternalTask) -> None:
        self.state.external_tasks[external.id] = external
        execution.external_task_id = external.id
        self.effects.append(fx.ExternalTaskCreated(external))

    def remove_external_task(self, execution: Execution) -> None:
        if execution.external_task_id is None:
            return
        self.state.external_tasks.pop(execution.external_task_id, None)
        self.effects.append(fx.ExternalTaskRemoved(execution.external_task_id))
        execution.external_task_id = None

    # -- timers ----------------------------------------------------------------------------

    def timer_due(
        self, timer: TimerDefinition, execution: Execution, activity_id: str,
        base: datetime | None = None,
    ) -> tuple[datetime | None, str | None]:
        """Due date of a timer event counted from `base` (None: now), and for a cycle the
        text it re-arms with, anchored at that moment (None: no repeat)."""
        text: Any = timer.text
        if "${" in text or "#{" in text:
            text = self.evaluate(text, execution, activity_id=activity_id)
        if isinstance(text, datetime):
            return text, None
        try:
            return first_due(timer.kind.value, str(text).strip(), base or self.now)
        except TimerSpecError as error:
            raise ProcessEngineError(str(error), activity_id) from error

    def next_cycle_of(self, job: Job, activity_id: str) -> tuple[datetime, str | None] | None:
        """When a cycle job that fired comes back, on its own (possibly moved) schedule, and
        the text it keeps (timers.next_cycle_due); None: the cycle is used up."""
        assert job.repeat is not None
        offset = timedelta(milliseconds=job.repeat_offset)
        try:
            return next_cycle_due(job.repeat, job.due, self.now, offset)
        except TimerSpecError as error:
            raise ProcessEngineError(str(error), activity_id) from error

    # -- history -----------------------------------------------------------------------------

    def counted(self) -> fx.ExecutionCounted:
        """The one ExecutionCounted effect of this run, made and appended when first needed."""
        if self.uncounted is None:
            self.uncounted = fx.ExecutionCounted()
            self.effects.append(self.uncounted)
        return self.uncounted

    def activity_started(self, execution: Execution, node: FlowNode, *, body: bool = False) -> None:
        execution.activity_instance_id = f"{node.id}:{self.new_id()}"
        execution.started = self.now
        if not self._history_activity:
            self.counted().activities_started += 1
            return
        parent = self.parent(execution)
        parent_ai = parent.activity_instance_id if parent is not None else None
        activity_type = "multiInstanceBody" if body else self.definition.activity_type(node)
        self.effects.append(
            fx.ActivityInstanceStarted(
                execution.activity_instance_id,
                f"{node.id}#multiInstanceBody" if body else node.id,
                activity_type,
                node.name,
                self.public_id(execution),  # the execution Camunda records it in
                parent_ai or self.state.id,
                self.state.id,
                self.definition.id,
                self.now,
            )
        )

    def activity_ended(
        self, execution: Execution, *, canceled: bool = False, complete_scope: bool = False
    ) -> None:
        if execution.activity_instance_id is None or execution.activity_id is None:
            return
        if self._history_activity:
            activity_id = execution.activity_id
            if execution.mi_body:
                activity_id += "#multiInstanceBody"
            self.effects.append(
                fx.ActivityInstanceEnded(
                    execution.activity_instance_id,
                    activity_id,
                    self.now,
                    canceled=canceled,
                    complete_scope=complete_scope,
                    start_time=execution.started,
                )
            )
        else:
            self.counted().activities_ended += 1
        execution.activity_instance_id = None
