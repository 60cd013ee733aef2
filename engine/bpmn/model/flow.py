"""Flow elements: sequence flows and one class per kind of flow node."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.bpmn.model.kinds import EventKind, NodeKind
from engine.bpmn.model.values import (
    NONE_EVENT,
    CallMapping,
    ErrorMapping,
    EventDefinition,
    FormField,
    FormRef,
    Implementation,
    InputOutput,
    Listener,
    MultiInstance,
    Property,
    Script,
)

if TYPE_CHECKING:
    from engine.bpmn.model.scopes import Scope


@dataclass(frozen=True, slots=True, kw_only=True)
class SequenceFlow:
    id: str
    source: str
    target: str
    name: str | None = None
    condition: str | None = None  # expression text (or script text when condition_language)
    condition_language: str | None = None  # None: EL; else a script language
    condition_resource: str | None = None
    execution_listeners: tuple[Listener, ...] = ()
    documentation: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowNode:
    """Fields every flow node has: Camunda applies the generic activity attributes to all."""

    id: str
    kind: NodeKind
    name: str | None = None
    documentation: str | None = None
    line: int | None = None
    # Sequence flow ids in document order, derived from sourceRef/targetRef: Camunda ignores
    # the <incoming>/<outgoing> child elements.
    incoming: tuple[str, ...] = ()
    outgoing: tuple[str, ...] = ()
    default_flow: str | None = None
    async_before: bool = False
    async_after: bool = False
    exclusive: bool = True
    job_priority: str | None = None
    failed_job_retry_time_cycle: str | None = None
    input_output: InputOutput | None = None
    execution_listeners: tuple[Listener, ...] = ()
    properties: tuple[Property, ...] = ()
    multi_instance: MultiInstance | None = None
    is_for_compensation: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Activity(FlowNode):
    """A task without a specific behaviour (`task`, `manualTask`): pass-through."""


@dataclass(frozen=True, slots=True, kw_only=True)
class UserTask(Activity):
    assignee: str | None = None
    candidate_users: str | None = None  # comma-separated list or an expression
    candidate_groups: str | None = None
    due_date: str | None = None
    follow_up_date: str | None = None
    priority: str | None = None
    form_key: str | None = None
    form_ref: FormRef | None = None
    form_fields: tuple[FormField, ...] = ()
    task_listeners: tuple[Listener, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceTask(Activity):
    """serviceTask, sendTask and businessRuleTask."""

    implementation: Implementation = field(default_factory=Implementation)
    result_variable: str | None = None
    error_mappings: tuple[ErrorMapping, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ScriptTask(Activity):
    script: Script | None = None
    result_variable: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiveTask(Activity):
    message_ref: str | None = None
    instantiate: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class CallActivity(Activity):
    called_element: str | None = None
    binding: str = "latest"  # latest, deployment, version, versionTag
    version: str | None = None
    version_tag: str | None = None
    tenant_id: str | None = None
    inputs: tuple[CallMapping, ...] = ()
    outputs: tuple[CallMapping, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SubProcess(Activity):
    """Embedded sub-process, event sub-process (triggered_by_event) or transaction."""

    scope: Scope
    triggered_by_event: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Gateway(FlowNode):
    """All gateways; the default flow is `FlowNode.default_flow`."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Event(FlowNode):
    """Events; most carry one definition, a multiple event several."""

    event_definitions: tuple[EventDefinition, ...] = ()

    @property
    def definition(self) -> EventDefinition:
        return self.event_definitions[0] if self.event_definitions else NONE_EVENT

    @property
    def trigger(self) -> EventKind:
        return self.definition.kind


@dataclass(frozen=True, slots=True, kw_only=True)
class StartEvent(Event):
    is_interrupting: bool = True
    initiator: str | None = None
    form_key: str | None = None
    form_ref: FormRef | None = None
    form_fields: tuple[FormField, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ThrowEvent(Event):
    """End and intermediate throw events; a message throw runs `implementation` (Camunda)."""

    implementation: Implementation | None = None
    result_variable: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EndEvent(ThrowEvent):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class IntermediateThrowEvent(ThrowEvent):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class IntermediateCatchEvent(Event):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class BoundaryEvent(Event):
    attached_to: str
    cancel_activity: bool = True
    # For a compensation boundary: the handler activity linked by an association.
    compensation_handler: str | None = None
