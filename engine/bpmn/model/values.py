"""Camunda extension values: scripts, parameters, listeners, forms, multi-instance, ..."""

from __future__ import annotations

from dataclasses import dataclass

from engine.bpmn.model.kinds import EventKind, ImplementationKind, TimerKind, ValueKind


@dataclass(frozen=True, slots=True)
class Script:
    """An inline script or a `camunda:resource` reference, in a named language."""

    format: str
    text: str | None = None
    resource: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class ParameterValue:
    """Value of an input/output parameter; nested for lists and maps.

    `text` holds the literal or the expression source (kind TEXT/EXPRESSION); `items` the
    elements of a list; `entries` the (key, value) pairs of a map, where keys may be
    expressions too; `script` the script of kind SCRIPT.
    """

    kind: ValueKind
    text: str | None = None
    items: tuple[ParameterValue, ...] = ()
    entries: tuple[tuple[str, ParameterValue], ...] = ()
    script: Script | None = None


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    value: ParameterValue
    line: int | None = None


@dataclass(frozen=True, slots=True)
class InputOutput:
    inputs: tuple[Parameter, ...] = ()
    outputs: tuple[Parameter, ...] = ()


@dataclass(frozen=True, slots=True)
class Property:
    name: str | None
    value: str | None
    id: str | None = None


@dataclass(frozen=True, slots=True)
class FieldInjection:
    """`camunda:field`: a value injected into a class delegate or a listener."""

    name: str
    string_value: str | None = None
    expression: str | None = None


@dataclass(frozen=True, slots=True)
class TimerDefinition:
    kind: TimerKind
    text: str


@dataclass(frozen=True, slots=True)
class Listener:
    """`camunda:executionListener` or `camunda:taskListener`.

    Exactly one of class_name, expression, delegate_expression, script is set in a valid
    model. `timer` is the timeout of a task listener with event="timeout".
    """

    event: str
    class_name: str | None = None
    expression: str | None = None
    delegate_expression: str | None = None
    script: Script | None = None
    fields: tuple[FieldInjection, ...] = ()
    id: str | None = None
    timer: TimerDefinition | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class FormFieldConstraint:
    name: str
    config: str | None = None


@dataclass(frozen=True, slots=True)
class FormFieldValue:
    """One choice of an enum form field."""

    id: str
    name: str | None


@dataclass(frozen=True, slots=True)
class FormField:
    id: str
    label: str | None = None
    type: str | None = None
    default_value: str | None = None
    date_pattern: str | None = None
    values: tuple[FormFieldValue, ...] = ()
    constraints: tuple[FormFieldConstraint, ...] = ()
    properties: tuple[Property, ...] = ()


@dataclass(frozen=True, slots=True)
class FormRef:
    """`camunda:formRef` (+ binding `latest`/`deployment`/`version`, version)."""

    form_id: str
    binding: str = "latest"
    version: str | None = None


@dataclass(frozen=True, slots=True)
class MultiInstance:
    """`multiInstanceLoopCharacteristics`; async flags here apply to the multi-instance body."""

    is_sequential: bool = False
    loop_cardinality: str | None = None
    collection: str | None = None  # camunda:collection or loopDataInputRef
    element_variable: str | None = None  # camunda:elementVariable or inputDataItem name
    completion_condition: str | None = None
    async_before: bool = False
    async_after: bool = False
    exclusive: bool = True
    failed_job_retry_time_cycle: str | None = None
    line: int | None = None


# Camunda's camunda:decisionRefBinding and camunda:mapDecisionResult values.
DECISION_BINDINGS = ("latest", "deployment", "version", "versionTag")
DECISION_RESULT_MAPPINGS = ("singleEntry", "singleResult", "collectEntries", "resultList")


@dataclass(frozen=True, slots=True)
class Implementation:
    """What a service, send or business-rule task (or a message throw event) runs."""

    kind: ImplementationKind = ImplementationKind.NONE
    class_name: str | None = None
    expression: str | None = None
    delegate_expression: str | None = None
    topic: str | None = None
    task_priority: str | None = None
    decision_ref: str | None = None
    decision_ref_binding: str = "latest"
    decision_ref_version: str | None = None
    decision_ref_version_tag: str | None = None
    decision_ref_tenant_id: str | None = None  # default: the calling definition's tenant
    map_decision_result: str = "resultList"
    connector_id: str | None = None
    connector_io: InputOutput | None = None  # the connector's own request/response mapping
    fields: tuple[FieldInjection, ...] = ()


@dataclass(frozen=True, slots=True)
class ErrorMapping:
    """`camunda:errorEventDefinition` on an external task: raise error_ref when expression holds."""

    id: str | None
    error_ref: str | None
    expression: str | None


@dataclass(frozen=True, slots=True)
class CallMapping:
    """`camunda:in` / `camunda:out` of a call activity."""

    source: str | None = None
    source_expression: str | None = None
    target: str | None = None
    all_variables: bool = False  # variables="all"
    local: bool = False
    business_key: str | None = None  # only on camunda:in


@dataclass(frozen=True, slots=True)
class EventDefinition:
    """One event definition; only the fields of its kind are set."""

    kind: EventKind
    id: str | None = None
    message_ref: str | None = None
    signal_ref: str | None = None
    timer: TimerDefinition | None = None
    error_ref: str | None = None
    error_code_variable: str | None = None
    error_message_variable: str | None = None
    escalation_ref: str | None = None
    escalation_code_variable: str | None = None
    activity_ref: str | None = None
    wait_for_completion: bool = True
    condition: str | None = None
    condition_language: str | None = None  # None: an EL expression
    variable_name: str | None = None
    variable_events: tuple[str, ...] = ()
    link_name: str | None = None
    is_async: bool = False  # camunda:async on a signal throw
    inputs: tuple[CallMapping, ...] = ()  # camunda:in on a signal throw: its payload
    line: int | None = None


NONE_EVENT = EventDefinition(kind=EventKind.NONE)
