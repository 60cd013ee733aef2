"""Migration plans: which activity of a source process definition becomes which activity of a
target definition (Camunda's `RuntimeService.createMigrationPlan`), generated and validated.

A plan is checked against both definitions before any instance is touched, as Camunda's
creation-time validation does; what is refused here is refused for every instance. Applying a
plan to one instance is engine.runtime.migrating.

What Legato migrates (one instruction maps one source activity to one target activity) is
`SUPPORTED` below: waiting activities, joins, event sub-processes, transactions, multi-instance
activities of those kinds, and tokens waiting for an asynchronous continuation; anything else
is refused with a failure naming it. An activity may change its scope hierarchy (Camunda's
hierarchy preservation): it must stay below the target of its closest mapped ancestor
sub-process, if it has one; the sub-processes around it that are not mapped are removed, the
target's sub-processes no instruction maps to are added (engine.runtime.migrating_scopes).
Neither may be multi-instance, and an event sub-process is never added (only its start event
starts it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.bpmn.model import BoundaryEvent, EventKind, FlowNode, SubProcess
from engine.bpmn.model.kinds import ImplementationKind, NodeKind
from engine.runtime.definition import ProcessDefinition
from engine.runtime.errors import ProcessEngineError

SUPPORTED = (
    "user tasks, receive tasks, external tasks, call activities, parallel, inclusive and "
    "event-based gateways, intermediate message/signal/timer catch events, "
    "message/signal/timer boundary events, embedded and event sub-processes, transactions, "
    "multi-instance activities of these kinds, and asynchronous tasks and throw or end events "
    "(a token waiting for the continuation)"
)
_JOINS = (NodeKind.PARALLEL_GATEWAY, NodeKind.INCLUSIVE_GATEWAY)
# Activities that never wait themselves: a token is only ever found at one waiting for its
# asynchronous continuation (Camunda's transition instance), which migrates when the
# activity is asynchronous.
_PASSING_KINDS = frozenset(
    {
        NodeKind.SERVICE_TASK,
        NodeKind.SEND_TASK,
        NodeKind.SCRIPT_TASK,
        NodeKind.BUSINESS_RULE_TASK,
        NodeKind.MANUAL_TASK,
        NodeKind.TASK,
        NodeKind.INTERMEDIATE_THROW_EVENT,
        NodeKind.END_EVENT,
    }
)
# Triggers that live as a subscription or a job, and so can be migrated or updated.
_EVENT_TRIGGERS = frozenset({EventKind.MESSAGE, EventKind.SIGNAL, EventKind.TIMER})


@dataclass(frozen=True, slots=True)
class MigrationInstruction:
    """Instances of `source_activity_id` become instances of `target_activity_id`;
    `update_event_trigger` makes a migrated event use the target's message, signal or timer."""

    source_activity_id: str
    target_activity_id: str
    update_event_trigger: bool = False


@dataclass(frozen=True, slots=True)
class MigrationPlan:
    """A plan between two definitions; `variables` are set on every migrated instance."""

    source_definition_id: str
    target_definition_id: str
    instructions: tuple[MigrationInstruction, ...]
    variables: Mapping[str, Any] = field(default_factory=dict)

    def by_source(self) -> dict[str, MigrationInstruction]:
        return {i.source_activity_id: i for i in self.instructions}


@dataclass(frozen=True, slots=True)
class InstructionReport:
    """The failures of one instruction (Camunda's MigrationInstructionValidationReport)."""

    instruction: MigrationInstruction
    failures: tuple[str, ...]


class InvalidMigrationPlan(ProcessEngineError):
    """The plan does not fit its definitions; `reports` holds every failing instruction."""

    def __init__(self, definition_ids: tuple[str, str], reports: list[InstructionReport]):
        lines = [
            f"\tMigration instruction {_describe(r.instruction)} is invalid:\n"
            + "\n".join(f"\t\t{failure}" for failure in r.failures)
            for r in reports
        ]
        super().__init__(
            f"Migration plan for process definition '{definition_ids[0]}' to "
            f"'{definition_ids[1]}' is not valid:\n" + "\n".join(lines)
        )
        self.reports = reports


def _describe(instruction: MigrationInstruction) -> str:
    return (
        f"{{sourceActivityId='{instruction.source_activity_id}', "
        f"targetActivityId='{instruction.target_activity_id}', "
        f"updateEventTrigger={str(instruction.update_event_trigger).lower()}}}"
    )


# -- what can be migrated into what -----------------------------------------------------------


def migration_kind(node: FlowNode) -> str | None:
    """A label equal for nodes that can migrate into each other; None: not migratable.

    Camunda compares activity behaviours; the labels stand for them (an external send task
    and an external service task share ExternalTaskActivityBehavior, so they match). A
    multi-instance activity is its body and its instances: it matches a multi-instance
    activity of the same kind and mode (sequential or parallel).
    """
    if node.multi_instance is not None:
        inner = _single_kind(node)
        mode = "sequential" if node.multi_instance.is_sequential else "parallel"
        return None if inner is None else f"{mode} multi-instance {inner}"
    return _single_kind(node)


def _single_kind(node: FlowNode) -> str | None:
    implementation = getattr(node, "implementation", None)
    if implementation is not None and implementation.kind is ImplementationKind.EXTERNAL:
        return "externalTask"
    if node.kind is NodeKind.USER_TASK:
        return "userTask"
    if node.kind is NodeKind.RECEIVE_TASK:
        return "receiveTask"
    if node.kind in _JOINS:
        return node.kind.value  # tokens wait there for the join
    if node.kind is NodeKind.EVENT_BASED_GATEWAY:
        return "eventBasedGateway"  # its token waits for the events after it
    if node.kind is NodeKind.CALL_ACTIVITY:
        # The called instance stays as it is; it returns to the target call activity, whose
        # output mappings then apply (Camunda's CallableElementActivityBehavior).
        return "callActivity"
    if node.kind is NodeKind.SUB_PROCESS and isinstance(node, SubProcess):
        return "eventSubProcess" if node.triggered_by_event else "subProcess"
    if node.kind is NodeKind.TRANSACTION:
        # what it completed and keeps for compensation refuses the instance (migrating.py)
        return "transaction"
    if node.kind in _PASSING_KINDS:
        if not (node.async_before or node.async_after):
            return None  # no token ever waits there (Camunda's SupportedActivityValidator)
        # Camunda compares behaviours: a class delegate task with a class delegate task, ...
        kind = implementation.kind.value if implementation is not None else ""
        return f"{node.kind.value}/{kind}/{getattr(node, 'trigger', '')}"
    trigger = getattr(node, "trigger", None)
    if trigger in _EVENT_TRIGGERS:
        if node.kind is NodeKind.INTERMEDIATE_CATCH_EVENT:
            return f"intermediateCatch/{trigger}"
        if node.kind is NodeKind.BOUNDARY_EVENT:
            return f"boundary/{trigger}"
    return None


def has_event_trigger(node: FlowNode) -> bool:
    """Whether the node waits on a persistent trigger (subscription or job) it owns."""
    if node.kind is NodeKind.RECEIVE_TASK:
        return getattr(node, "message_ref", None) is not None
    return getattr(node, "trigger", None) in _EVENT_TRIGGERS and node.kind in (
        NodeKind.INTERMEDIATE_CATCH_EVENT,
        NodeKind.BOUNDARY_EVENT,
    )


def flow_scope_id(definition: ProcessDefinition, activity_id: str) -> str | None:
    """The sub-process directly around `activity_id` (None: the process itself)."""
    scope = definition.scope_of(activity_id)
    return None if scope.id == definition.process.id else scope.id


# -- generating ---------------------------------------------------------------------------------


def generate_plan(
    source: ProcessDefinition,
    target: ProcessDefinition,
    *,
    update_event_triggers: bool = False,
    variables: Mapping[str, Any] | None = None,
) -> MigrationPlan:
    """Map every migratable activity to the target activity with the same id and kind, when
    their flow scopes (and, for boundary events, their activities) are mapped as well —
    Camunda's generator matches equal ids the same way, so it never adds or removes a
    sub-process: such instructions are written by hand."""
    candidates: dict[str, str] = {}
    for node in source.nodes.values():
        other = target.process.find_node(node.id)
        kind = migration_kind(node)
        if other is not None and kind is not None and kind == migration_kind(other):
            candidates[node.id] = other.id
    # Drop candidates whose scope does not map, until nothing changes: dropping a
    # sub-process makes its contents unmappable too.
    changed = True
    while changed:
        changed = False
        for source_id in list(candidates):
            if not _same_scope(source, target, source_id, candidates[source_id], candidates):
                del candidates[source_id]
                changed = True
    instructions = tuple(
        MigrationInstruction(
            source_id,
            target_id,
            update_event_triggers and has_event_trigger(source.node(source_id)),
        )
        for source_id, target_id in candidates.items()
    )
    return MigrationPlan(source.id, target.id, instructions, dict(variables or {}))


# -- validating ---------------------------------------------------------------------------------


def validate_plan(
    source: ProcessDefinition, target: ProcessDefinition, plan: MigrationPlan
) -> list[InstructionReport]:
    """The failing instructions of `plan`, each with every reason (empty: the plan is valid)."""
    mapping = {i.source_activity_id: i.target_activity_id for i in plan.instructions}
    sources = Counter(i.source_activity_id for i in plan.instructions)
    targets = Counter(i.target_activity_id for i in plan.instructions)
    reports = []
    for instruction in plan.instructions:
        failures = _instruction_failures(source, target, instruction, mapping)
        if sources[instruction.source_activity_id] > 1:
            failures.append(
                f"There are multiple mappings for source activity id "
                f"'{instruction.source_activity_id}'"
            )
        if targets[instruction.target_activity_id] > 1:
            failures.append(
                f"There are multiple mappings for target activity id "
                f"'{instruction.target_activity_id}'"
            )
        if failures:
            reports.append(InstructionReport(instruction, tuple(failures)))
    return reports


def require_valid(
    source: ProcessDefinition, target: ProcessDefinition, plan: MigrationPlan
) -> None:
    """Raise InvalidMigrationPlan when `validate_plan` finds anything."""
    reports = validate_plan(source, target, plan)
    if reports:
        raise InvalidMigrationPlan((source.id, target.id), reports)


def _instruction_failures(
    source: ProcessDefinition,
    target: ProcessDefinition,
    instruction: MigrationInstruction,
    mapping: Mapping[str, str],
) -> list[str]:
    source_node = source.process.find_node(instruction.source_activity_id)
    target_node = target.process.find_node(instruction.target_activity_id)
    failures = []
    if source_node is None:
        failures.append(f"Source activity '{instruction.source_activity_id}' does not exist")
    if target_node is None:
        failures.append(f"Target activity '{instruction.target_activity_id}' does not exist")
    if source_node is None or target_node is None:
        return failures
    for node, definition in ((source_node, source), (target_node, target)):
        if migration_kind(node) is None:
            failures.append(
                f"Activity '{node.id}' of type {definition.activity_type(node)} cannot be "
                f"migrated; supported are {SUPPORTED}"
            )
    source_kind, target_kind = migration_kind(source_node), migration_kind(target_node)
    multi = (source_node.multi_instance is not None, target_node.multi_instance is not None)
    if source_kind and target_kind and multi[0] != multi[1]:
        failures.append(
            "A multi-instance activity maps only to a multi-instance activity, and a single "
            "one only to a single one"
        )
    elif source_kind and target_kind and source_kind != target_kind:
        failures.append(
            f"Activities have incompatible types ({source.activity_type(source_node)} "
            f"is not compatible with {target.activity_type(target_node)})"
        )
    joins = source_node.kind in _JOINS and source_kind == target_kind
    if joins and len(target_node.incoming) < len(source_node.incoming):
        # Camunda's GatewayMappingValidator: the tokens waiting there must still be enough
        failures.append(
            "The target gateway must have at least the same number of incoming sequence "
            "flows that the source gateway has"
        )
    source_scope = flow_scope_id(source, source_node.id)
    if joins and source_scope is not None and source_scope not in mapping:
        # Camunda's GatewayMappingValidator: the tokens waiting there stay together
        failures.append(f"The gateway's flow scope '{source_scope}' must be mapped")
    if instruction.update_event_trigger and not has_event_trigger(source_node):
        failures.append(
            "Cannot update event trigger because the activity does not define a persistent "
            "event trigger"
        )
    failures += _scope_failures(
        source, target, instruction.source_activity_id, instruction.target_activity_id, mapping
    )
    return failures


def _boundary_failure(
    source_node: FlowNode, target_node: FlowNode, mapping: Mapping[str, str]
) -> str | None:
    """A boundary event must stay on the activity its source's activity maps to."""
    attached = getattr(source_node, "attached_to", None)
    wanted = getattr(target_node, "attached_to", None)
    if attached is None or wanted is None or mapping.get(attached) != wanted:
        return (
            f"The boundary event's activity '{attached}' is not mapped to '{wanted}', the "
            "activity the target boundary event is attached to"
        )
    return None


def _same_scope(
    source: ProcessDefinition,
    target: ProcessDefinition,
    source_id: str,
    target_id: str,
    mapping: Mapping[str, str],
) -> bool:
    """The generator's rule: both lie in the process, or in sub-processes mapped to each
    other (boundary events: on activities mapped to each other)."""
    source_node, target_node = source.node(source_id), target.node(target_id)
    if isinstance(source_node, BoundaryEvent) or isinstance(target_node, BoundaryEvent):
        return _boundary_failure(source_node, target_node, mapping) is None
    source_scope = flow_scope_id(source, source_id)
    target_scope = flow_scope_id(target, target_id)
    if source_scope is None or target_scope is None:
        return source_scope is None and target_scope is None
    return mapping.get(source_scope) == target_scope


def ancestor_scopes(definition: ProcessDefinition, activity_id: str) -> list[str]:
    """The sub-processes around `activity_id`, innermost first (the process not included)."""
    scopes = []
    scope = flow_scope_id(definition, activity_id)
    while scope is not None:
        scopes.append(scope)
        scope = flow_scope_id(definition, scope)
    return scopes


def _scope_failures(
    source: ProcessDefinition,
    target: ProcessDefinition,
    source_id: str,
    target_id: str,
    mapping: Mapping[str, str],
) -> list[str]:
    """Why the activity cannot sit where the target is (Camunda's hierarchy preservation and
    multi-instance rules); empty: it can, adding and removing sub-processes as needed."""
    source_node, target_node = source.node(source_id), target.node(target_id)
    if isinstance(source_node, BoundaryEvent) or isinstance(target_node, BoundaryEvent):
        failure = _boundary_failure(source_node, target_node, mapping)
        return [failure] if failure else []
    failures = []
    source_chain = ancestor_scopes(source, source_id)
    target_chain = ancestor_scopes(target, target_id)
    closest = next((scope for scope in source_chain if scope in mapping), None)
    if closest is not None and mapping[closest] not in target_chain:
        failures.append(
            f"The closest mapped ancestor '{closest}' is mapped to scope '{mapping[closest]}' "
            f"which is not an ancestor of target scope '{target_id}'"
        )
    removed = source_chain[: source_chain.index(closest)] if closest else source_chain
    for scope in removed:
        if source.node(scope).multi_instance is not None:
            failures.append(
                f"The source activity lies in multi-instance sub-process '{scope}', which is "
                "not mapped: migration cannot remove a multi-instance body"
            )
            break
    # Camunda walks up from the target until a scope some instruction maps to: those
    # below it are added by migration.
    mapped_targets = set(mapping.values())
    for scope in target_chain:
        if scope in mapped_targets:
            break
        node = target.node(scope)
        if node.multi_instance is not None:
            failures.append(
                f"Target activity '{target_id}' is a descendant of multi-instance body "
                f"'{scope}#multiInstanceBody' that is not mapped from the source process "
                "definition."
            )
            break
        if isinstance(node, SubProcess) and node.triggered_by_event:
            failures.append(
                f"Target activity '{target_id}' lies in event sub-process '{scope}', which no "
                "source activity is mapped to: migration cannot start an event sub-process"
            )
            break
    return failures
