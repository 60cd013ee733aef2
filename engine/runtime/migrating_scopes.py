"""Adding and removing sub-process instances while migrating (Camunda's "instantiation of newly
introduced BPMN scopes" and "cancellation of unmapped activity instances").

The plan's validation (engine.runtime.migration) guarantees that every migrated activity
instance lands below the target of its closest migrated ancestor. What lies between is
settled here, once every execution carries its target activity:

- A sub-process instance that no instruction maps (a non-leaf activity instance) is removed:
  its historic activity instance ends as canceled, its boundary events and event sub-process
  triggers go, and so do its local variables (they lived on the removed scope, as the
  scope execution's variables die with it in Camunda). Its tokens move to the closest
  migrated ancestor, or into the sub-processes added below it.
- A target sub-process around a migrated activity that no activity instance migrates to is
  added: a new activity instance (history starts at migration time) whose start listeners
  and input mappings run unless skipped (Camunda's skipCustomListeners / skipIoMappings),
  whose boundary events and event sub-process start events are armed. Tokens that need the
  same added sub-process under the same ancestor share one instance of it.

A removed sub-process runs its end listeners, then its output mappings (each unless
skipped), before anything migrates, as Camunda deletes unmapped activity instances first
(`deleteCascade("migration", skipCustomListeners, skipIoMappings)`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from engine.bpmn.model import SubProcess
from engine.runtime import effects as fx
from engine.runtime import flow
from engine.runtime.behaviors.listeners import (
    apply_cancelled_outputs,
    apply_inputs,
    fire_cancelled_end_listeners,
    fire_execution_listeners,
)
from engine.runtime.context import Run
from engine.runtime.definition import ProcessDefinition
from engine.runtime.env import Environment
from engine.runtime.errors import ProcessEngineError
from engine.runtime.migration import MigrationInstruction, ancestor_scopes
from engine.runtime.state import Execution, InstanceState, Wait


def end_removed_scopes(
    source: ProcessDefinition,
    state: InstanceState,
    removed: set[str],
    now: datetime,
    env: Environment,
    *,
    skip_custom_listeners: bool,
    skip_io_mappings: bool,
) -> list[fx.Effect]:
    """Run the end listeners and output mappings of the sub-process instances migration
    removes, deepest first, against the source definition they still belong to. Returns
    what they did."""
    run = Run(source, state, now, env)
    run.skip_listeners = skip_custom_listeners
    run.skip_io_mappings = skip_io_mappings
    for execution in list(state.descendants(state.id)):
        if execution.id not in removed:
            continue
        node = source.nodes.get(execution.activity_id or "")
        if node is None:
            continue
        if node.execution_listeners:
            fire_cancelled_end_listeners(run, execution, node)
        apply_cancelled_outputs(run, execution, node)
    return run.effects


def is_removable(
    state: InstanceState, execution: Execution, mapped: Mapping[str, MigrationInstruction]
) -> bool:
    """Whether `execution` is a sub-process instance without instruction that migration
    removes (Camunda: a non-leaf activity instance needs no instruction)."""
    return (
        execution.parent_id is not None
        and execution.activity_id not in mapped
        and execution.wait == Wait.SCOPE
        and bool(state.children(execution.id))
    )


class ScopeChanges:
    """Re-hangs the migrated executions of one instance under the target's scopes."""

    def __init__(
        self,
        run: Run,
        removed: set[str],
        *,
        skip_custom_listeners: bool,
        skip_io_mappings: bool,
    ) -> None:
        self.run = run
        self.removed = removed
        self.skip_custom_listeners = skip_custom_listeners
        self.skip_io_mappings = skip_io_mappings
        # (migrated ancestor execution id, target sub-process id) -> added instance
        self.added: dict[tuple[str, str], Execution] = {}
        # activity instance id -> its new parent activity instance id (history)
        self.new_parents: dict[str, str] = {}

    @property
    def state(self) -> InstanceState:
        return self.run.state

    def apply(self, original_parents: Mapping[str, str | None]) -> None:
        """Move every migrated execution under the scope its target activity needs, then
        remove the unmapped sub-process instances. `original_parents`: each execution's
        parent before migration (top-down order is taken from it)."""
        for execution_id in sorted(original_parents, key=lambda e: _depth(original_parents, e)):
            execution = self.state.executions.get(execution_id)
            if execution is None or execution.parent_id is None or execution_id in self.removed:
                continue
            self._place(execution, original_parents)
        for execution_id in sorted(self.removed, key=lambda e: -_depth(original_parents, e)):
            self._remove(self.state.executions[execution_id])

    def _place(self, execution: Execution, original_parents: Mapping[str, str | None]) -> None:
        if execution.mi_instance:
            return  # an instance stays in its body, which migrated with it
        ancestor = self._closest_migrated_ancestor(execution, original_parents)
        needed = self._scopes_between(execution, ancestor)
        parent = ancestor
        for scope_id in reversed(needed):
            parent = self._added_scope(parent, scope_id)
        if execution.parent_id != parent.id:
            execution.parent_id = parent.id
            if execution.activity_instance_id is not None:
                self.new_parents[execution.activity_instance_id] = (
                    parent.activity_instance_id or self.state.id
                )

    def _closest_migrated_ancestor(
        self, execution: Execution, original_parents: Mapping[str, str | None]
    ) -> Execution:
        parent_id = original_parents[execution.id]
        while parent_id is not None and parent_id in self.removed:
            parent_id = original_parents[parent_id]
        if parent_id is None:
            return self.state.root
        return self.state.executions[parent_id]

    def _scopes_between(self, execution: Execution, ancestor: Execution) -> list[str]:
        """The target sub-processes around the execution's activity below the ancestor's
        (innermost first): those it needs added."""
        definition = self.run.definition
        chain = ancestor_scopes(definition, execution.activity_id or "")
        if ancestor.parent_id is None:
            return chain
        if ancestor.activity_id not in chain:
            # the plan's validation prevents this; never leave a broken tree behind
            raise ProcessEngineError(
                f"Migrated activity '{execution.activity_id}' does not lie in "
                f"'{ancestor.activity_id}', where its closest migrated ancestor went"
            )
        return chain[: chain.index(ancestor.activity_id or "")]

    def _added_scope(self, parent: Execution, scope_id: str) -> Execution:
        key = (parent.id, scope_id)
        if key in self.added:
            return self.added[key]
        run = self.run
        node = run.definition.node(scope_id)
        if not isinstance(node, SubProcess) or node.multi_instance is not None:
            raise ProcessEngineError(f"Migration cannot add activity '{scope_id}'", scope_id)
        scope = run.new_execution(parent, node.id)
        scope.wait = Wait.SCOPE
        run.activity_started(scope, node)
        # Camunda runs what entering the scope runs, unless the caller skips it.
        run.skip_listeners = self.skip_custom_listeners
        try:
            fire_execution_listeners(run, scope, node.execution_listeners, "start")
        finally:
            run.skip_listeners = True
        if not self.skip_io_mappings:
            apply_inputs(run, scope, node.id)
        flow.subscribe_boundaries(run, scope, node)
        for event_sub_process in node.scope.event_subprocesses:
            for start in event_sub_process.scope.start_events:
                flow.arm_event(run, scope, start)
        self.added[key] = scope
        return scope

    def _remove(self, execution: Execution) -> None:
        if execution.mi_body or execution.mi_instance:
            raise ProcessEngineError(
                f"Migration cannot remove multi-instance activity '{execution.activity_id}'",
                execution.activity_id,
            )
        if self.state.children(execution.id):
            raise ProcessEngineError(
                f"Sub-process instance '{execution.activity_instance_id}' still holds tokens "
                "after migration"
            )
        self.run.drop_events(execution)
        self.run.activity_ended(execution, canceled=True)
        self.run.remove_execution(execution)


def _depth(parents: Mapping[str, str | None], execution_id: str) -> int:
    depth = 0
    parent = parents.get(execution_id)
    while parent is not None:
        depth += 1
        parent = parents.get(parent)
    return depth
