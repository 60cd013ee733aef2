"""Process instance modification: start before/after an activity or on a sequence flow, cancel
activity and transition instances (Camunda's `RuntimeService.createProcessInstanceModification`).

Instructions apply in order and each runs to rest before the next one starts, as Camunda
executes every instruction in full ("Instructions are executed immediately and in the order
they are provided"). Rules followed from Camunda's ModifyProcessInstanceCmd and
AbstractInstantiationCmd:

- Starting an element: its flow scopes (sub-processes) that have no instance are instantiated
  first; the innermost flow scope with exactly one instance is reused; with several instances
  the caller must name one (`ancestor_activity_instance_id`).
- Cancelling propagates: an activity instance that is the last one in its scope cancels the
  scope too, up to but not including the process instance, which is preserved while the
  instructions run. When no activity instance is left after the last instruction, the
  process instance is cancelled (EXTERNALLY_TERMINATED, as the REST API asks for).
- Variables of a start instruction are set after the scopes exist and before the element
  runs: `variables` by the usual setVariable rule from the new token, `local_variables` on it.

`preview` runs the same instructions on a copy in a dry mode (no listeners, no mappings, no
behaviour runs) and reports the direct changes: what is cancelled, what is started, whether
the instance would end — what Camunda's cockpit shows before an operator applies them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from engine.bpmn.model import BoundaryEvent, FlowNode, SequenceFlow, StartEvent, SubProcess
from engine.runtime import flow
from engine.runtime.behaviors.listeners import apply_inputs, fire_execution_listeners
from engine.runtime.behaviors.multi_instance import NR_ACTIVE, NR_OF_INSTANCES, new_inner_instance
from engine.runtime.context import Run
from engine.runtime.definition import ProcessDefinition
from engine.runtime.env import Environment
from engine.runtime.errors import ProcessEngineError
from engine.runtime.modification_instructions import (
    CancelActivity,
    CancelActivityInstance,
    CancelTransitionInstance,
    Instruction,
    StartAfter,
    StartBefore,
    StartInstruction,
    StartTransition,
    Variables,
    describe,
)
from engine.runtime.state import Execution, InstanceState, InstanceStatus, Wait
from engine.runtime.values import infer_type

if TYPE_CHECKING:
    from engine.runtime.commands import ModifyInstance

__all__ = [  # the instructions are imported from here, with the commands that take them
    "CancelActivity",
    "CancelActivityInstance",
    "CancelTransitionInstance",
    "Instruction",
    "StartAfter",
    "StartBefore",
    "StartInstruction",
    "StartTransition",
    "Variables",
    "ActivityRef",
    "InvalidModification",
    "ModificationPreview",
    "apply",
    "describe",
    "preview",
]

MI_BODY_SUFFIX = "#multiInstanceBody"
CANCEL_REASON = "Cancellation due to process instance modification"


class InvalidModification(ProcessEngineError):
    """An instruction cannot be applied (unknown element, ambiguous scope, ...); the whole
    modification fails and nothing changes."""


# -- preview result --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActivityRef:
    """An activity instance a modification cancels or starts (`#multiInstanceBody` for a body;
    a transition instance is named by its execution id)."""

    activity_id: str
    activity_instance_id: str
    activity_name: str | None = None


@dataclass(frozen=True, slots=True)
class ModificationPreview:
    """The direct changes of a modification. Like Camunda's cockpit badges it counts only the
    instances the instructions themselves cancel or create (scopes included), not what the
    started tokens do afterwards."""

    cancelled: tuple[ActivityRef, ...]
    started: tuple[ActivityRef, ...]
    instance_ends: bool


# -- entry points ----------------------------------------------------------------------------


def apply(current: Run, command: ModifyInstance, settle: Callable[[Run], None]) -> None:
    """The ModifyInstance handler; `settle` runs the agenda to rest after each instruction."""
    current.skip_listeners = command.skip_custom_listeners
    modifier = _Modifier(current, skip_io_mappings=command.skip_io_mappings, dry_run=False)
    modifier.apply_all(command.instructions, settle)
    if not current.state.is_ended and not current.state.children(current.state.id):
        flow.finish_instance(current, InstanceStatus.EXTERNALLY_TERMINATED, CANCEL_REASON)


def preview(
    definition: ProcessDefinition,
    state: InstanceState,
    instructions: Sequence[Instruction],
    now: datetime,
    env: Environment | None = None,
) -> ModificationPreview:
    """What `instructions` would cancel and start, computed on a copy of `state` (which is
    left untouched). No listener, mapping, delegate or script runs. Raises
    InvalidModification for an instruction that the real modification would refuse."""
    if state.is_ended:
        raise InvalidModification(f"Process instance '{state.id}' has already ended")
    copy = state.copy()
    current = Run(definition, copy, now, env or Environment())
    current.skip_listeners = True
    modifier = _Modifier(current, skip_io_mappings=True, dry_run=True)
    modifier.apply_all(instructions, lambda run: run.agenda.clear())
    return ModificationPreview(
        cancelled=tuple(modifier.cancelled),
        started=tuple(modifier.started),
        instance_ends=not copy.children(copy.id),
    )


# -- the work ----------------------------------------------------------------------------------


class _Modifier:
    def __init__(self, run: Run, *, skip_io_mappings: bool, dry_run: bool) -> None:
        self.run = run
        self.skip_io_mappings = skip_io_mappings
        # dry run: scopes and tokens are created and cancellations happen on the (copied)
        # state, but no behaviour runs, so later instructions see what earlier ones did
        self.dry_run = dry_run
        self.cancelled: list[ActivityRef] = []
        self.started: list[ActivityRef] = []
        # What ran before the first instruction (CancelActivity.current_only).
        self.present = {_instance_key(e) for e in run.state.executions.values()}

    @property
    def state(self) -> InstanceState:
        return self.run.state

    def apply_all(self, instructions: Iterable[Instruction], settle: Callable[[Run], None]) -> None:
        for number, instruction in enumerate(instructions, 1):
            where = f"Cannot perform instruction {number} ({describe(instruction)})"
            if self.state.is_ended:
                raise InvalidModification(
                    f"{where}: the process instance ended during an earlier instruction"
                )
            try:
                self._apply(instruction)
            except InvalidModification as error:
                raise InvalidModification(f"{where}: {error.message}", error.activity_id) from None
            settle(self.run)

    def _apply(self, instruction: Instruction) -> None:
        if isinstance(instruction, StartBefore):
            node = self._node(instruction.activity_id.removesuffix(MI_BODY_SUFFIX))
            self._interrupt_for(node, instruction.ancestor_activity_instance_id)
            if isinstance(node, SubProcess) and node.triggered_by_event:
                # An event sub-process runs from its start event, as if that event occurred.
                node = node.scope.start_events[0]
            body = None
            if node.multi_instance is not None and node.id == instruction.activity_id:
                body = self._running_body(node, instruction.ancestor_activity_instance_id)
            if body is not None:  # one more instance of it, not a second body
                token = new_inner_instance(self.run, body)
                self._go(token, instruction, lambda token: self._enter(token, node), node)
            else:
                self._start(node.id, instruction, lambda token: self._enter(token, node), node)
        elif isinstance(instruction, StartAfter):
            node = self._node(instruction.activity_id)
            outgoing = self.run.definition.scope_of(node.id).outgoing(node.id)
            if not outgoing:
                raise InvalidModification(
                    f"Activity '{node.id}' has no outgoing sequence flow to take", node.id
                )
            if len(outgoing) > 1:
                raise InvalidModification(
                    f"Activity '{node.id}' has more than one outgoing sequence flow; "
                    "use startTransition to pick one",
                    node.id,
                )
            self._start_transition(outgoing[0], instruction)
        elif isinstance(instruction, StartTransition):
            sequence_flow = self.run.definition.process.all_flows.get(instruction.flow_id)
            if sequence_flow is None:
                raise InvalidModification(
                    f"Sequence flow '{instruction.flow_id}' does not exist in process "
                    f"'{self.run.definition.id}'"
                )
            self._start_transition(sequence_flow, instruction)
        elif isinstance(instruction, CancelActivity):
            self._cancel_all(instruction.activity_id, current_only=instruction.current_only)
        elif isinstance(instruction, CancelActivityInstance):
            self._cancel_activity_instance(instruction.activity_instance_id)
        else:
            self._cancel_transition_instance(instruction.transition_instance_id)

    def _node(self, activity_id: str) -> FlowNode:
        node = self.run.definition.process.find_node(activity_id)
        if node is None:
            raise InvalidModification(
                f"Activity '{activity_id}' does not exist in process '{self.run.definition.id}'"
            )
        return node

    # -- starting ------------------------------------------------------------------------------

    def _start_transition(self, sequence_flow: SequenceFlow, instruction: StartInstruction) -> None:
        target = self.run.definition.node(sequence_flow.target)

        def take(token: Execution) -> None:
            fire_execution_listeners(
                self.run, token, sequence_flow.execution_listeners, "take", sequence_flow.source
            )
            self._enter(token, target)

        self._start(sequence_flow.source, instruction, take, target)

    def _start(
        self,
        element_id: str,
        instruction: StartInstruction,
        go: Callable[[Execution], None],
        target: FlowNode,
    ) -> None:
        """A token in the flow scope of `element_id` (scopes created as needed), its
        variables set, then `go` moves it (into the target, or along a flow)."""
        parent = self._scope_execution(element_id, instruction.ancestor_activity_instance_id)
        self._go(self.run.new_execution(parent, element_id), instruction, go, target)

    def _go(
        self,
        token: Execution,
        instruction: StartInstruction,
        go: Callable[[Execution], None],
        target: FlowNode,
    ) -> None:
        for name, value in dict(instruction.variables).items():
            self.run.set_variable(token, name, value)
        for name, value in dict(instruction.local_variables).items():
            self.run.set_local(token, name, infer_type(value))
        if self.dry_run:
            # Only the direct change: the token rests at its target as if it waited there,
            # so a later instruction (cancel it, start beside it) finds it.
            token.activity_id = target.id
            self.run.activity_started(token, target)
            token.wait = Wait.RECEIVE
            self.started.append(
                ActivityRef(target.id, token.activity_instance_id or token.id, target.name)
            )
            return
        go(token)

    def _running_body(self, node: FlowNode, ancestor_id: str | None) -> Execution | None:
        """The parallel multi-instance body of `node` running in the scope it would start in
        (Camunda adds an inner instance to it); None when there is none."""
        scope = self._scope_execution(node.id, ancestor_id)
        bodies = [
            e for e in self.state.children(scope.id) if e.mi_body and e.activity_id == node.id
        ]
        if not bodies:
            return None
        if len(bodies) > 1:
            raise InvalidModification(
                f"Activity '{node.id}' has {len(bodies)} multi-instance bodies running; "
                "start one more instance inside one of them with ancestorActivityInstanceId",
                node.id,
            )
        assert node.multi_instance is not None
        if node.multi_instance.is_sequential:
            raise InvalidModification(
                f"Multi-instance activity '{node.id}' is sequential: no instance can be added "
                f"beside the running one; start '{node.id}{MI_BODY_SUFFIX}' for a new body",
                node.id,
            )
        return bodies[0]

    def _enter(self, token: Execution, node: FlowNode) -> None:
        """flow.enter, but without the input mapping of the target under skipIoMappings."""
        skip_inputs = (
            self.skip_io_mappings
            and node.input_output is not None
            and node.multi_instance is None
            and not node.async_before
        )
        if not skip_inputs:
            flow.enter(self.run, token, node.id)
            return
        token.activity_id = node.id

        def enter() -> None:
            if not self.run.alive(token):
                return
            self.run.activity_started(token, node)
            fire_execution_listeners(self.run, token, node.execution_listeners, "start")
            flow.subscribe_boundaries(self.run, token, node)
            flow.behavior(node).execute(self.run, token, node)

        self.run.agenda.append(enter)

    def _flow_scopes(self, element_id: str) -> list[SubProcess]:
        """The sub-processes around `element_id`, innermost first."""
        definition = self.run.definition
        scopes: list[SubProcess] = []
        scope = definition.scope_of(element_id)
        while scope.id != definition.process.id:
            node = definition.node(scope.id)
            assert isinstance(node, SubProcess)
            scopes.append(node)
            scope = definition.scope_of(node.id)
        return scopes

    def _scope_instances(self, scope_id: str) -> list[Execution]:
        """Executions running the inner flow of sub-process `scope_id` (one per instance; for
        a multi-instance sub-process the inner instances, not the body)."""
        return [
            execution
            for execution in self.state.executions.values()
            if execution.activity_id == scope_id
            and execution.wait == Wait.SCOPE
            and not execution.mi_body
            and execution.parent_id is not None
        ]

    def _scope_execution(self, element_id: str, ancestor_id: str | None) -> Execution:
        """Camunda's rule for where a started element goes: under the named ancestor, else
        under the innermost flow scope that has an instance (exactly one), creating the flow
        scopes in between."""
        chain = self._flow_scopes(element_id)
        root = self.state.root
        parent = root
        to_create = chain
        if ancestor_id is not None:
            ancestor = self._by_activity_instance(ancestor_id)
            if ancestor is None:
                raise InvalidModification(
                    f"Ancestor activity instance '{ancestor_id}' does not exist"
                )
            if ancestor is not root:
                ids = [scope.id for scope in chain]
                if (
                    ancestor.wait != Wait.SCOPE
                    or ancestor.mi_body
                    or ancestor.activity_id not in ids
                ):
                    raise InvalidModification(
                        f"Scope execution for '{ancestor_id}' cannot be found in parent "
                        f"hierarchy of flow element '{element_id}'",
                        element_id,
                    )
                to_create = chain[: ids.index(ancestor.activity_id or "")]
            parent = ancestor
        else:
            for index, scope in enumerate(chain):
                instances = self._scope_instances(scope.id)
                if len(instances) > 1:
                    raise InvalidModification(
                        f"Ancestor activity instance is ambiguous for '{element_id}': "
                        f"'{scope.id}' has {len(instances)} instances; name one with "
                        "ancestorActivityInstanceId",
                        element_id,
                    )
                if instances:
                    parent = instances[0]
                    to_create = chain[:index]
                    break
        for scope in reversed(to_create):
            parent = self._create_scope(parent, scope)
        return parent

    def _create_scope(self, parent: Execution, node: SubProcess) -> Execution:
        """A sub-process instance without a token at its start event: the started element
        is the only thing running in it."""
        if node.multi_instance is not None:
            raise InvalidModification(
                f"Cannot start inside multi-instance sub-process '{node.id}' without a running "
                f"instance of it; start '{node.id}' itself instead",
                node.id,
            )
        scope = self.run.new_execution(parent, node.id)
        scope.wait = Wait.SCOPE
        self.run.activity_started(scope, node)
        self.started.append(ActivityRef(node.id, scope.activity_instance_id or scope.id, node.name))
        if self.dry_run:
            return scope
        fire_execution_listeners(self.run, scope, node.execution_listeners, "start")
        if not self.skip_io_mappings:
            apply_inputs(self.run, scope, node.id)
        if not node.triggered_by_event:
            flow.subscribe_boundaries(self.run, scope, node)
        for event_sub_process in node.scope.event_subprocesses:
            for start in event_sub_process.scope.start_events:
                flow.arm_event(self.run, scope, start)
        return scope

    def _interrupt_for(self, node: FlowNode, ancestor_id: str | None) -> None:
        """Camunda keeps the interrupting semantics of what modification starts: an
        interrupting boundary event cancels the activity it is attached to, an interrupting
        event sub-process (or its start event) what runs in its scope, before it starts."""
        if isinstance(node, BoundaryEvent) and node.cancel_activity:
            scope = self._scope_execution(node.id, ancestor_id)
            for owner in self.state.children(scope.id):
                if owner.activity_id == node.attached_to and owner.wait is not None:
                    self._interrupt(owner, cancel_inside=False)
            return
        event_sub_process = node if isinstance(node, SubProcess) else None
        if isinstance(node, StartEvent):
            container = self.run.definition.process.find_node(
                self.run.definition.scope_of(node.id).id
            )
            event_sub_process = container if isinstance(container, SubProcess) else None
        if event_sub_process is None or not event_sub_process.triggered_by_event:
            return
        starts = event_sub_process.scope.start_events
        start = node if isinstance(node, StartEvent) else (starts[0] if starts else None)
        if start is not None and start.is_interrupting:
            host = self._scope_execution(event_sub_process.id, ancestor_id)
            self._interrupt(host, cancel_inside=True)
            self.run.drop_events(
                host, keep=lambda a: isinstance(self.run.definition.node(a), BoundaryEvent)
            )

    def _interrupt(self, execution: Execution, *, cancel_inside: bool) -> None:
        """Cancel `execution` (or, `cancel_inside`, all it runs) where it stands: unlike a
        cancel instruction, the enclosing scopes stay, the started event runs in them."""
        gone = list(self.state.children(execution.id)) if cancel_inside else [execution]
        for top in gone:
            self._record_cancelled(top)
        self.run.skip_io_mappings = self.skip_io_mappings
        try:
            for top in gone:
                flow.cancel_activity(self.run, top, CANCEL_REASON)
                self.run.remove_execution(top)
        finally:
            self.run.skip_io_mappings = False

    # -- cancelling ----------------------------------------------------------------------------

    def _by_activity_instance(self, activity_instance_id: str) -> Execution | None:
        if activity_instance_id == self.state.id:
            return self.state.root
        for execution in self.state.executions.values():
            if execution.activity_instance_id == activity_instance_id:
                return execution
        return None

    def _cancel_all(self, activity_id: str, *, current_only: bool) -> None:
        body = activity_id.endswith(MI_BODY_SUFFIX)
        node = self._node(activity_id.removesuffix(MI_BODY_SUFFIX))
        # Camunda cancels activity instances and transition instances (async waits) alike;
        # no instance at all is not an error there either.
        targets = [
            execution
            for execution in self.state.executions.values()
            if execution.parent_id is not None
            and execution.activity_id == node.id
            and execution.wait is not None
            and execution.mi_body == body
            and (not current_only or _instance_key(execution) in self.present)
        ]
        for execution in targets:
            if self.run.alive(execution):
                self._cancel(execution)

    def _cancel_activity_instance(self, activity_instance_id: str) -> None:
        execution = self._by_activity_instance(activity_instance_id)
        if execution is None:
            raise InvalidModification(f"Activity instance '{activity_instance_id}' does not exist")
        if execution.parent_id is None:
            for child in self.state.children(execution.id):
                if self.run.alive(child):
                    self._cancel(child)
            return
        self._cancel(execution)

    def _cancel_transition_instance(self, transition_instance_id: str) -> None:
        for execution in self.state.executions.values():
            if execution.wait == Wait.JOB and transition_instance_id in (
                execution.id,
                execution.activity_instance_id,
            ):
                self._cancel(execution)
                return
        raise InvalidModification(f"Transition instance '{transition_instance_id}' does not exist")

    def _cancel(self, execution: Execution) -> None:
        """Cancel the activity instance of `execution`, and every enclosing scope it is the
        last activity instance of (below the process instance, which is kept until all
        instructions ran)."""
        top = execution
        while True:
            parent = self.run.parent(top)
            if parent is None or parent.parent_id is None:
                break
            if len(self.state.children(parent.id)) > 1:
                break
            top = parent
        parent = self.run.parent(top)
        self._record_cancelled(top)
        # skipIoMappings concerns what the instructions cancel, not what the started tokens
        # later interrupt (a boundary event, an error) in the same command
        self.run.skip_io_mappings = self.skip_io_mappings
        try:
            flow.cancel_activity(self.run, top, CANCEL_REASON)
        finally:
            self.run.skip_io_mappings = False
        self.run.remove_execution(top)
        self.run.joins_to_check = True  # a cancelled token may release an inclusive join
        if parent is not None and parent.mi_body:
            # A parallel multi-instance body with other instances left: one instance fewer
            # to wait for (Camunda's destroyInnerInstance).
            for name in (NR_OF_INSTANCES, NR_ACTIVE):
                typed = parent.variables.get(name)
                count = int(typed.value) if typed is not None else 1
                self.run.set_local(parent, name, infer_type(max(count - 1, 0)))

    def _record_cancelled(self, top: Execution) -> None:
        for execution in [*self.state.descendants(top.id), top]:
            if execution.activity_id is None:
                continue
            node = self.run.definition.process.find_node(execution.activity_id)
            activity_id = execution.activity_id + (MI_BODY_SUFFIX if execution.mi_body else "")
            self.cancelled.append(
                ActivityRef(
                    activity_id,
                    execution.activity_instance_id or execution.id,
                    node.name if node is not None else None,
                )
            )


def _instance_key(execution: Execution) -> tuple[str, str]:
    """An activity instance, or a token waiting before one (a transition instance), as
    a key that a later instance of the same activity does not share."""
    if execution.activity_instance_id is not None:
        return ("activity", execution.activity_instance_id)
    return ("transition", f"{execution.id}/{execution.activity_id}")
