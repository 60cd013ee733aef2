"""What a deployed process names that this engine cannot resolve as it is configured now: a
`camunda:class` with no Python stand-in, a delegate bean that is not there, a script language
switched off, a connector not offered, a called process or decision that is not deployed.

Camunda finds these only when an instance reaches the element and fails there ("Cannot load
class", "Unknown property used in expression"); listing them for a definition lets an operator
fix the configuration before that. Expressions that call beans by method (`${mail.send(x)}`)
are not judged: their first name may as well be a process variable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from engine.bpmn.model import (
    CallActivity,
    FlowNode,
    Implementation,
    ImplementationKind,
    InputOutput,
    Listener,
    ParameterValue,
    Process,
    Script,
    ScriptTask,
    ServiceTask,
    ThrowEvent,
    UserTask,
)
from engine.runtime.env import Environment
from engine.runtime.javascript import JAVASCRIPT_FORMATS

_BEAN = re.compile(r"^\s*[$#]\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\s*$")


class Missing(StrEnum):
    DELEGATE = "delegate"  # camunda:class without a registered stand-in
    BEAN = "bean"  # camunda:delegateExpression="${name}" naming no bean
    PYTHON = "python"  # scriptFormat="python" while Python scripts are off
    JAVASCRIPT = "javascript"  # a JavaScript script while JavaScript is off
    CONNECTOR = "connector"  # camunda:connector with an id no connector has
    PROCESS = "process"  # a call activity's calledElement with no deployed process
    DECISION = "decision"  # a business rule task's decisionRef with no deployed decision


@dataclass(frozen=True, slots=True)
class Unresolved:
    """One reference: the element that makes it (its id and name), what is missing, and the
    name it asks for (a class, a bean, a language, a key)."""

    element_id: str
    element_name: str | None
    missing: Missing
    name: str


def unresolved_references(
    process: Process,
    env: Environment,
    *,
    has_process: Callable[[str], bool],
    has_decision: Callable[[str], bool],
) -> list[Unresolved]:
    """Each unresolvable reference of `process` once per element, in document order."""
    found: dict[tuple[str, Missing, str], Unresolved] = {}

    def add(element_id: str, name: str | None, missing: Missing, what: str) -> None:
        found.setdefault((element_id, missing, what), Unresolved(element_id, name, missing, what))

    checks = _Checks(env, has_process, has_decision)
    for missing, what in checks.listeners(process.execution_listeners):
        add(process.id, process.name, missing, what)
    for node in process.all_nodes.values():
        for missing, what in checks.node(node):
            add(node.id, node.name, missing, what)
    for flow in process.all_flows.values():
        problems = [*checks.listeners(flow.execution_listeners)]
        if flow.condition_language is not None:
            problems += checks.language(flow.condition_language)
        for missing, what in problems:
            add(flow.id, flow.name, missing, what)
    return list(found.values())


Problem = tuple[Missing, str]


class _Checks:
    def __init__(
        self,
        env: Environment,
        has_process: Callable[[str], bool],
        has_decision: Callable[[str], bool],
    ) -> None:
        self.env = env
        self.has_process = has_process
        self.has_decision = has_decision

    def node(self, node: FlowNode) -> Iterator[Problem]:
        yield from self.listeners(node.execution_listeners)
        yield from self.parameters(node.input_output)
        if isinstance(node, UserTask):
            yield from self.listeners(node.task_listeners)
        if isinstance(node, ServiceTask | ThrowEvent) and node.implementation is not None:
            yield from self.implementation(node.implementation)
        if isinstance(node, ScriptTask) and node.script is not None:
            yield from self.script(node.script)
        if isinstance(node, CallActivity) and _static(node.called_element):
            assert node.called_element is not None
            if not self.has_process(node.called_element):
                yield Missing.PROCESS, node.called_element

    def implementation(self, implementation: Implementation) -> Iterator[Problem]:
        kind = implementation.kind
        if kind is ImplementationKind.CLASS and implementation.class_name:
            yield from self.delegate(implementation.class_name)
        elif kind is ImplementationKind.DELEGATE_EXPRESSION and implementation.delegate_expression:
            yield from self.bean(implementation.delegate_expression)
        elif kind is ImplementationKind.CONNECTOR and implementation.connector_id:
            if implementation.connector_id not in self.env.connectors:
                yield Missing.CONNECTOR, implementation.connector_id
        elif kind is ImplementationKind.DECISION and _static(implementation.decision_ref):
            assert implementation.decision_ref is not None
            if not self.has_decision(implementation.decision_ref):
                yield Missing.DECISION, implementation.decision_ref
        if implementation.connector_io is not None:
            yield from self.parameters(implementation.connector_io)

    def listeners(self, listeners: tuple[Listener, ...]) -> Iterator[Problem]:
        for listener in listeners:
            if listener.class_name:
                yield from self.delegate(listener.class_name)
            if listener.delegate_expression:
                yield from self.bean(listener.delegate_expression)
            if listener.script is not None:
                yield from self.script(listener.script)

    def parameters(self, io: InputOutput | None) -> Iterator[Problem]:
        if io is None:
            return
        for parameter in (*io.inputs, *io.outputs):
            yield from self.value(parameter.value)

    def value(self, value: ParameterValue) -> Iterator[Problem]:
        if value.script is not None:
            yield from self.script(value.script)
        for item in value.items:
            yield from self.value(item)
        for _key, entry in value.entries:
            yield from self.value(entry)

    def delegate(self, class_name: str) -> Iterator[Problem]:
        if class_name not in self.env.delegates:
            yield Missing.DELEGATE, class_name

    def bean(self, expression: str) -> Iterator[Problem]:
        match = _BEAN.match(expression)
        if match is not None and match.group(1) not in self.env.beans:
            yield Missing.BEAN, match.group(1)

    def script(self, script: Script) -> Iterator[Problem]:
        yield from self.language(script.format)

    def language(self, language: str) -> Iterator[Problem]:
        language = language.lower()
        if language == "python" and not self.env.scripts_enabled:
            yield Missing.PYTHON, language
        if language in JAVASCRIPT_FORMATS and self.env.javascript is None:
            yield Missing.JAVASCRIPT, language


def _static(text: str | None) -> bool:
    return bool(text) and "${" not in str(text) and "#{" not in str(text)
