"""Applying a migration plan to one process instance (Camunda's MigrateProcessInstanceCmd).

Migration touches the activity instance state as little as possible, as Camunda's does: the
executions, activity instances, tasks (with assignee, name, due date), external tasks (topic,
lock, retries) and variables stay what they are; they now belong to the target definition and
carry the target activity's id. Event triggers of migrated events stay (the same subscription,
the same timer job with its due date) unless the instruction asks to update them to the
target's message, signal or timer. Boundary events of a migrated activity that the plan does
not map are removed; target boundary events that no source boundary maps to are armed anew,
as are the event sub-process triggers of every migrated scope. No listener and no input or
output mapping of a migrated activity runs. Sub-process instances the plan does not map are
removed and target sub-processes no instance migrates to are added
(engine.runtime.migrating_scopes).

An instance is checked in full before anything changes: every activity instance must have an
instruction (but a sub-process instance holding tokens, which is removed), and a token
waiting for compensation, or a scope keeping completed work to compensate, refuses the
instance. A token waiting for its asynchronous continuation (a job
before or after its activity) moves with its job, to a target activity asynchronous the same
way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from engine.bpmn.model import BoundaryEvent, FlowNode, NodeKind
from engine.runtime import effects as fx
from engine.runtime import flow
from engine.runtime.context import Run
from engine.runtime.definition import ProcessDefinition
from engine.runtime.env import Environment
from engine.runtime.errors import ProcessEngineError
from engine.runtime.migrating_scopes import ScopeChanges, end_removed_scopes, is_removable
from engine.runtime.migration import MigrationInstruction, MigrationPlan
from engine.runtime.state import Execution, InstanceState, JobKind, Wait
from engine.runtime.store import Store
from engine.runtime.values import infer_type

NO_INSTRUCTION = "There is no migration instruction for this instance's activity"

# Waits Legato does not migrate, with the reason the failure gives.
_REFUSED_WAITS = {
    Wait.COMPENSATION: "an activity waiting for compensation cannot be migrated",
}


class MigratingInstancesInvalid(ProcessEngineError):
    """One or more instances cannot be migrated by the plan; none is (Camunda's
    MigratingProcessInstanceValidationException)."""


def instance_failures(
    source: ProcessDefinition,
    target: ProcessDefinition,
    plan: MigrationPlan,
    state: InstanceState,
) -> list[str]:
    """Why `plan` cannot migrate this instance (empty: it can)."""
    if state.process_definition_id != source.id:
        return [
            f"Process instance '{state.id}' cannot be migrated: its process definition "
            f"'{state.process_definition_id}' is not the migration plan's source process "
            f"definition '{source.id}'"
        ]
    mapped = plan.by_source()
    failures = []
    for execution in state.executions.values():
        reason = _refusal(state, execution, mapped) or _async_refusal(
            target, state, execution, mapped
        )
        if reason is not None:
            failures.append(
                f"Cannot migrate activity instance '{execution.activity_instance_id}' "
                f"(activity '{execution.activity_id}'): {reason}"
            )
        elif execution.compensations:
            failures.append(
                f"Cannot migrate execution '{execution.id}': it keeps completed activities "
                "for compensation, which migration does not support"
            )
    if not failures:
        return []
    return [f"Cannot migrate process instance '{state.id}':", *(f"\t{f}" for f in failures)]


def _refusal(
    state: InstanceState, execution: Execution, mapped: dict[str, MigrationInstruction]
) -> str | None:
    if execution.parent_id is None or execution.activity_id is None:
        return None  # the process instance itself always migrates
    if execution.compensation_thrower is not None:
        return _REFUSED_WAITS[Wait.COMPENSATION]
    if execution.wait in _REFUSED_WAITS:
        return _REFUSED_WAITS[execution.wait]
    if execution.activity_id not in mapped and not is_removable(state, execution, mapped):
        return NO_INSTRUCTION
    return None


def _async_refusal(
    target: ProcessDefinition,
    state: InstanceState,
    execution: Execution,
    mapped: dict[str, MigrationInstruction],
) -> str | None:
    """A token waiting for its asynchronous continuation goes where it can wait the same
    way (Camunda's AsyncMigrationValidator and AsyncAfterMigrationValidator)."""
    if execution.wait != Wait.JOB or execution.activity_id not in mapped:
        return None
    node = target.node(mapped[execution.activity_id].target_activity_id)
    for job_id in execution.job_ids:
        kind = state.jobs[job_id].kind
        if kind == JobKind.ASYNC_BEFORE and not node.async_before:
            return f"the target activity '{node.id}' is not asyncBefore"
        if kind == JobKind.ASYNC_AFTER and not node.async_after:
            return f"the target activity '{node.id}' is not asyncAfter"
    return None


def _is_event_gateway(node: FlowNode) -> bool:
    return node.kind is NodeKind.EVENT_BASED_GATEWAY


def migrate(
    source: ProcessDefinition,
    target: ProcessDefinition,
    state: InstanceState,
    plan: MigrationPlan,
    now: datetime,
    env: Environment,
    *,
    skip_custom_listeners: bool = False,
    skip_io_mappings: bool = False,
) -> list[fx.Effect]:
    """Move `state` (changed in place) onto `target`; the caller checked the plan and
    `instance_failures`. Returns the effects for the store. The skip flags concern the
    sub-processes migration adds (their start listeners and input mappings) and the end
    listeners and output mappings of those it removes."""
    failures = instance_failures(source, target, plan, state)
    if failures:
        raise MigratingInstancesInvalid("\n".join(failures))
    run = Run(target, state, now, env)
    run.skip_listeners = True
    migrator = _Migrator(run, source, plan)
    original_parents = {e.id: e.parent_id for e in state.executions.values()}
    removed = {e.id for e in state.executions.values() if is_removable(state, e, migrator.mapped)}
    if removed and not (skip_custom_listeners and skip_io_mappings):
        run.effects.extend(
            end_removed_scopes(
                source,
                state,
                removed,
                now,
                env,
                skip_custom_listeners=skip_custom_listeners,
                skip_io_mappings=skip_io_mappings,
            )
        )
    for execution in list(state.executions.values()):
        if execution.id not in removed:
            migrator.migrate_execution(execution)
    scopes = ScopeChanges(
        run,
        removed,
        skip_custom_listeners=skip_custom_listeners,
        skip_io_mappings=skip_io_mappings,
    )
    scopes.apply(original_parents)
    migrator.new_parents = scopes.new_parents
    migrator.renew_execution_ids()
    state.process_definition_id = target.id
    state.process_definition_key = target.key
    for name, value in dict(plan.variables).items():
        run.set_local(state.root, name, infer_type(value))
    migrator.check_nothing_left()
    return [*run.effects, migrator.effect()]


@dataclass
class _Kept:
    """Open work that stays (same id) and now points at the target."""

    tasks: list[str]
    jobs: list[str]
    subscriptions: list[str]
    external_tasks: list[str]


class _Migrator:
    def __init__(self, run: Run, source: ProcessDefinition, plan: MigrationPlan) -> None:
        self.run = run
        self.source = source
        self.target = run.definition
        self.mapped = plan.by_source()
        self.kept = _Kept([], [], [], [])
        self.activity_instances: dict[str, str] = {}
        self.new_parents: dict[str, str] = {}

    @property
    def state(self) -> InstanceState:
        return self.run.state

    def migrate_execution(self, execution: Execution) -> None:
        source_id = execution.activity_id
        if execution.parent_id is None or source_id is None:
            self._migrate_events(execution, None, None)
            return
        instruction = self.mapped[source_id]
        target_node = self.target.node(instruction.target_activity_id)
        execution.activity_id = target_node.id
        if execution.activity_instance_id is not None:
            self.activity_instances[execution.activity_instance_id] = target_node.id
        if execution.task_id is not None:
            task = self.state.tasks[execution.task_id]
            # Camunda updates only these two: the assignee, name and dates stay the user's.
            task.process_definition_id = self.target.id
            task.task_definition_key = target_node.id
            self.kept.tasks.append(task.id)
        if execution.external_task_id is not None:
            # The topic, priority, lock and retries stay, as in Camunda.
            external = self.state.external_tasks[execution.external_task_id]
            external.process_definition_id = self.target.id
            external.activity_id = target_node.id
            self.kept.external_tasks.append(external.id)
        self._migrate_events(execution, source_id, instruction)

    # -- event triggers ---------------------------------------------------------------------

    def _migrate_events(
        self,
        execution: Execution,
        source_id: str | None,
        instruction: MigrationInstruction | None,
    ) -> None:
        """The subscriptions and timer jobs `execution` owns: its own trigger (a catch event,
        a receive task), the boundary events of its activity, and the event sub-process
        starts of the scope it runs."""
        kept_boundaries: set[str] = set()
        gateway = source_id is not None and _is_event_gateway(self.source.node(source_id))
        for trigger_id, renew in self._owned_triggers(execution):
            own = trigger_id == source_id
            node = self.source.node(trigger_id)
            on_activity = isinstance(node, BoundaryEvent) and node.attached_to == source_id
            if own and instruction is not None:
                self._keep(execution, instruction, renew)
            elif (on_activity or gateway) and trigger_id in self.mapped:
                # a mapped boundary event, or a mapped event after the event-based gateway
                boundary_instruction = self.mapped[trigger_id]
                kept_boundaries.add(boundary_instruction.target_activity_id)
                self._keep(execution, boundary_instruction, renew)
            else:
                # an unmapped boundary or event, or an event sub-process start: re-armed below
                self._drop(renew)
        if gateway and execution.activity_id is not None:
            scope = self.target.scope_of(execution.activity_id)
            for outgoing in scope.outgoing(execution.activity_id):
                if outgoing.target not in kept_boundaries:
                    flow.arm_event(self.run, execution, self.target.node(outgoing.target))
        # A multi-instance activity's boundary events belong to its body, not its instances;
        # a body runs no scope of its own (its instances do).
        owns_boundaries = execution.parent_id is not None and not execution.mi_instance
        if execution.activity_id is not None and owns_boundaries:
            for boundary in self.target.boundary_events[execution.activity_id]:
                if boundary.id not in kept_boundaries:
                    flow.arm_event(self.run, execution, boundary)
        if execution.parent_id is None or execution.wait == Wait.SCOPE and not execution.mi_body:
            scope = self.target.inner_scope(
                execution.activity_id if execution.parent_id is not None else None
            )
            for event_sub_process in scope.event_subprocesses:
                for start in event_sub_process.scope.start_events:
                    flow.arm_event(self.run, execution, start)

    def _owned_triggers(self, execution: Execution) -> Iterable[tuple[str, tuple[str, str]]]:
        """(activity id, (kind of item, item id)) of every subscription and job it owns."""
        for subscription_id in list(execution.subscription_ids):
            subscription = self.state.subscriptions[subscription_id]
            yield subscription.activity_id, ("subscription", subscription_id)
        for job_id in list(execution.job_ids):
            yield self.state.jobs[job_id].activity_id, ("job", job_id)

    def _keep(
        self, execution: Execution, instruction: MigrationInstruction, item: tuple[str, str]
    ) -> None:
        target_node = self.target.node(instruction.target_activity_id)
        kind, item_id = item
        if kind == "job":
            job = self.state.jobs[item_id]
            if instruction.update_event_trigger and job.kind == JobKind.TIMER:
                self.run.remove_job(item_id)
                self._arm_timer(execution, target_node)
                return
            job.process_definition_id = self.target.id
            job.activity_id = target_node.id
            self.kept.jobs.append(item_id)
            return
        subscription = self.state.subscriptions[item_id]
        subscription.process_definition_id = self.target.id
        subscription.activity_id = target_node.id
        if instruction.update_event_trigger:
            subscription.event_name = self._event_name(target_node, subscription.event_name)
        self.kept.subscriptions.append(item_id)

    def _arm_timer(self, execution: Execution, node: FlowNode) -> None:
        timer = getattr(node, "definition", None)
        if timer is None or timer.timer is None:
            raise ProcessEngineError(f"Target activity '{node.id}' has no timer", node.id)
        due, repeat = self.run.timer_due(timer.timer, execution, node.id)
        self.run.add_job(execution, JobKind.TIMER, node.id, due=due, repeat=repeat)

    def _event_name(self, node: FlowNode, current: str | None) -> str | None:
        """The target's message or signal name (Camunda's updateEventTrigger)."""
        message_ref = getattr(node, "message_ref", None)  # a receive task
        definition = getattr(node, "definition", None)
        if definition is not None and definition.message_ref is not None:
            message_ref = definition.message_ref
        if message_ref is not None:
            return self.target.message_name(message_ref)
        if definition is not None and definition.signal_ref is not None:
            return self.target.signal_name(definition.signal_ref)
        return current

    def _drop(self, item: tuple[str, str]) -> None:
        kind, item_id = item
        if kind == "job":
            self.run.remove_job(item_id)
        else:
            self.run.unsubscribe(item_id)

    # -- result -----------------------------------------------------------------------------

    def renew_execution_ids(self) -> None:
        """A task or external task names its execution as Camunda shows it, which depends on
        the tree (a lone token under the process instance is the instance): after scopes
        were added or removed, it may be another one."""
        for execution in self.state.executions.values():
            if execution.task_id is not None:
                task = self.state.tasks[execution.task_id]
                task.execution_id = self.run.public_id(execution)
            if execution.external_task_id is not None:
                external = self.state.external_tasks[execution.external_task_id]
                external.execution_id = self.run.public_id(execution)

    def check_nothing_left(self) -> None:
        """Every open item must now belong to the target: a leftover is a bug, and failing
        the command is safer than leaving rows pointing at the source."""
        left: Sequence[object] = [
            item
            for item in (
                *self.state.tasks.values(),
                *self.state.jobs.values(),
                *self.state.subscriptions.values(),
                *self.state.external_tasks.values(),
            )
            if getattr(item, "process_definition_id", None) == self.source.id
        ]
        if left:
            raise ProcessEngineError(
                f"Migration of process instance '{self.state.id}' left {len(left)} item(s) "
                "of the source definition"
            )

    def effect(self) -> fx.InstanceMigrated:
        return fx.InstanceMigrated(
            process_instance_id=self.state.id,
            source_definition_id=self.source.id,
            target_definition_id=self.target.id,
            activity_map={i.source_activity_id: i.target_activity_id for i in self.mapped.values()},
            activity_instances=dict(self.activity_instances),
            parent_activity_instances=dict(self.new_parents),
            tasks=tuple(self.state.tasks[t] for t in self.kept.tasks),
            jobs=tuple(self.state.jobs[j] for j in self.kept.jobs),
            subscriptions=tuple(self.state.subscriptions[s] for s in self.kept.subscriptions),
            external_tasks=tuple(self.state.external_tasks[x] for x in self.kept.external_tasks),
            time=self.run.now,
        )


def migrate_all(
    store: Store,
    source: ProcessDefinition,
    target: ProcessDefinition,
    plan: MigrationPlan,
    instance_ids: Sequence[str],
    now: datetime,
    env: Environment,
    *,
    skip_custom_listeners: bool = False,
    skip_io_mappings: bool = False,
) -> None:
    """Check every instance first, then migrate them all (inside the caller's transaction):
    one instance that cannot be migrated refuses the whole call, as in Camunda."""
    states = []
    failures: list[str] = []
    for instance_id in dict.fromkeys(instance_ids):
        state = store.load(instance_id)
        if state is None or state.is_ended:
            failures.append(
                f"Process instance '{instance_id}' cannot be migrated: it does not exist"
            )
            continue
        failures += instance_failures(source, target, plan, state)
        states.append(state)
    if failures:
        raise MigratingInstancesInvalid("\n".join(failures))
    for state in states:
        expected = state.version
        effects = migrate(
            source,
            target,
            state,
            plan,
            now,
            env,
            skip_custom_listeners=skip_custom_listeners,
            skip_io_mappings=skip_io_mappings,
        )
        store.save(state, expected)
        store.record(state.id, effects)
