"""Checks a parsed model before anything is stored; reports every problem of a file at once.

Structural checks (references, default flows) apply to every process. What the engine must be
able to run (supported elements, expressions, timers, script languages, implementations)
is only checked in executable processes: Camunda 7 never deploys the others.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.bpmn.errors import BpmnProblem
from engine.bpmn.expressions import ExpressionChecker
from engine.bpmn.model import (
    DECISION_BINDINGS,
    DECISION_RESULT_MAPPINGS,
    GATEWAY_KINDS,
    UNSUPPORTED_KINDS,
    BoundaryEvent,
    CallActivity,
    Definitions,
    Event,
    EventDefinition,
    EventKind,
    FlowNode,
    Implementation,
    ImplementationKind,
    IntermediateCatchEvent,
    Listener,
    NodeKind,
    Process,
    ReceiveTask,
    Scope,
    ScriptTask,
    ServiceTask,
    StartEvent,
    SubProcess,
    ThrowEvent,
    UserTask,
)
from engine.runtime.connectors import CONNECTORS

_EXECUTION_LISTENER_EVENTS = frozenset({"start", "end", "take"})
_TASK_LISTENER_EVENTS = frozenset(
    {"create", "assignment", "complete", "update", "delete", "timeout"}
)
_EVENT_GATEWAY_TARGETS = frozenset(
    {EventKind.MESSAGE, EventKind.TIMER, EventKind.SIGNAL, EventKind.CONDITIONAL}
)
# Triggers allowed on a start event of a process and of an event sub-process.
_PROCESS_START_TRIGGERS = frozenset(
    {EventKind.NONE, EventKind.MESSAGE, EventKind.TIMER, EventKind.SIGNAL, EventKind.CONDITIONAL}
)
_EVENT_SUBPROCESS_START_TRIGGERS = frozenset(
    {
        EventKind.MESSAGE,
        EventKind.TIMER,
        EventKind.SIGNAL,
        EventKind.CONDITIONAL,
        EventKind.ERROR,
        EventKind.ESCALATION,
        EventKind.COMPENSATE,
    }
)
_SERVICE_LIKE = {
    NodeKind.SERVICE_TASK: "service task",
    NodeKind.SEND_TASK: "send task",
    NodeKind.BUSINESS_RULE_TASK: "business rule task",
}


class _Validator:
    def __init__(
        self,
        definitions: Definitions,
        scripts_enabled: bool,
        require_executable: bool,
        javascript_enabled: bool,
        resources: Mapping[str, bytes] | None,
    ) -> None:
        self.definitions = definitions
        self.require_executable = require_executable
        self.problems: list[BpmnProblem] = []
        self.expressions = ExpressionChecker(
            self.report, scripts_enabled, javascript_enabled, resources
        )

    def report(self, element_id: str | None, message: str, line: int | None) -> None:
        self.problems.append(BpmnProblem(element_id, message, line, self.definitions.resource))

    def run(self) -> list[BpmnProblem]:
        if not self.definitions.processes:
            self.report(self.definitions.id, "the file defines no process", None)
        elif self.require_executable and not self.definitions.executable_processes:
            self.report(
                self.definitions.id,
                'the file has no executable process (set isExecutable="true" on the process '
                "to deploy)",
                None,
            )
        for process in self.definitions.processes:
            self.process(process)
        return self.problems

    # -- processes and scopes ------------------------------------------------------------------

    def process(self, process: Process) -> None:
        strict = process.is_executable
        self.scope_structure(process, process.scope, strict)
        if not strict:
            return
        if not process.scope.start_events:
            self.report(process.id, f"process '{process.id}' has no start event", process.line)
        for start in process.scope.start_events:
            if start.trigger not in _PROCESS_START_TRIGGERS:
                self.report(
                    start.id,
                    f"a {start.trigger} start event is only allowed in an event sub-process",
                    start.line,
                )
        self.listeners(process.id, process.line, process.execution_listeners, execution=True)
        for node in process.all_nodes.values():
            self.node(process, node)
        for flow in process.all_flows.values():
            self.listeners(flow.id, flow.line, flow.execution_listeners, execution=True)
            if flow.condition is not None or flow.condition_resource is not None:
                self.expressions.condition(
                    flow.id,
                    flow.line,
                    flow.condition,
                    flow.condition_language,
                    "condition",
                    flow.condition_resource,
                )

    def scope_structure(self, process: Process, scope: Scope, strict: bool) -> None:
        for flow in scope.flows.values():
            for end, ref in (("source", flow.source), ("target", flow.target)):
                if not ref:
                    self.report(flow.id, f"sequence flow '{flow.id}' has no {end}Ref", flow.line)
                elif ref not in process.all_nodes:
                    verb = "starts at" if end == "source" else "targets"
                    self.report(
                        flow.id,
                        f"sequence flow '{flow.id}' {verb} unknown element '{ref}'",
                        flow.line,
                    )
                elif ref not in scope.nodes:
                    self.report(
                        flow.id,
                        f"sequence flow '{flow.id}' crosses a sub-process boundary "
                        f"({end} '{ref}' is in another scope)",
                        flow.line,
                    )
        for node in scope.nodes.values():
            if node.default_flow is not None and node.default_flow not in node.outgoing:
                self.report(
                    node.id,
                    f"default flow '{node.default_flow}' is not an outgoing sequence flow "
                    f"of '{node.id}'",
                    node.line,
                )
            if isinstance(node, BoundaryEvent):
                self.boundary_structure(scope, node)
            if isinstance(node, Event):
                for definition in node.event_definitions:
                    self.references(node, definition)
            if isinstance(node, ReceiveTask) and node.message_ref is not None:
                self.reference(node, "messageRef", node.message_ref, self.definitions.messages)
            if isinstance(node, ServiceTask):
                for mapping in node.error_mappings:
                    if mapping.error_ref is not None:
                        self.reference(node, "errorRef", mapping.error_ref, self.definitions.errors)
            if isinstance(node, SubProcess):
                self.scope_structure(process, node.scope, strict)
                if strict:
                    self.sub_process_starts(node)

    def boundary_structure(self, scope: Scope, node: BoundaryEvent) -> None:
        if not node.attached_to:
            self.report(node.id, "boundary event has no attachedToRef", node.line)
        elif node.attached_to not in scope.nodes:
            self.report(
                node.id,
                f"boundary event is attached to unknown element '{node.attached_to}' "
                "(it must be in the same scope)",
                node.line,
            )

    def reference(self, node: FlowNode, attribute: str, ref: str, known: object) -> None:
        if ref not in known:  # type: ignore[operator]
            self.report(node.id, f"{attribute} '{ref}' references no declared element", node.line)

    def references(self, node: FlowNode, definition: EventDefinition) -> None:
        d = self.definitions
        if definition.message_ref is not None:
            self.reference(node, "messageRef", definition.message_ref, d.messages)
        if definition.signal_ref is not None:
            self.reference(node, "signalRef", definition.signal_ref, d.signals)
        if definition.error_ref is not None:
            self.reference(node, "errorRef", definition.error_ref, d.errors)
        if definition.escalation_ref is not None:
            self.reference(node, "escalationRef", definition.escalation_ref, d.escalations)

    def sub_process_starts(self, sub: SubProcess) -> None:
        starts = sub.scope.start_events
        if sub.kind is NodeKind.AD_HOC_SUB_PROCESS:
            return
        if sub.triggered_by_event:
            if len(starts) != 1:
                self.report(sub.id, "an event sub-process needs exactly one start event", sub.line)
            elif starts[0].trigger not in _EVENT_SUBPROCESS_START_TRIGGERS:
                self.report(
                    starts[0].id,
                    "the start event of an event sub-process needs a trigger "
                    "(message, timer, signal, conditional, error, escalation or compensation)",
                    starts[0].line,
                )
            if sub.incoming or sub.outgoing:
                self.report(sub.id, "an event sub-process cannot have sequence flows", sub.line)
            return
        if not starts:
            self.report(sub.id, "sub-process has no start event", sub.line)
        for start in starts:
            if start.trigger is not EventKind.NONE:
                self.report(
                    start.id,
                    f"a {start.trigger} start event is not allowed in an embedded sub-process "
                    "(only a none start event)",
                    start.line,
                )
        if len(starts) > 1:
            self.report(sub.id, "sub-process has more than one start event", sub.line)

    # -- nodes of executable processes ---------------------------------------------------------

    def node(self, process: Process, node: FlowNode) -> None:
        if node.kind in UNSUPPORTED_KINDS:
            label = node.kind.value.replace("_", " ")
            self.report(node.id, f"{label} is not supported by this engine", node.line)
            return
        self.common(node)
        if node.kind in GATEWAY_KINDS:
            self.gateway(process, node)
        if isinstance(node, UserTask):
            self.user_task(node)
        elif isinstance(node, ServiceTask):
            self.service_task(node)
        elif isinstance(node, ScriptTask):
            self.expressions.script(node.id, node.line, node.script, "script task")
        elif isinstance(node, CallActivity):
            self.call_activity(node)
        elif isinstance(node, Event):
            self.event(process, node)

    def common(self, node: FlowNode) -> None:
        check = self.expressions.expression
        self.listeners(node.id, node.line, node.execution_listeners, execution=True)
        if node.job_priority is not None:
            check(node.id, node.line, node.job_priority, "camunda:jobPriority")
        if node.input_output is not None:
            if isinstance(node, SubProcess) and node.triggered_by_event:
                self.report(
                    node.id,
                    "camunda:inputOutput mapping unsupported for element type 'subProcess' "
                    "with attribute 'triggeredByEvent = true'",  # Camunda's wording
                    node.line,
                )
            for parameter in (*node.input_output.inputs, *node.input_output.outputs):
                self.expressions.parameter(node.id, parameter)
        mi = node.multi_instance
        if mi is not None:
            if mi.loop_cardinality is None and mi.collection is None:
                self.report(
                    node.id,
                    "multi-instance needs loopCardinality or a collection "
                    "(camunda:collection / loopDataInputRef)",
                    mi.line,
                )
            if mi.element_variable is not None and mi.collection is None:
                self.report(node.id, "elementVariable is set without a collection", mi.line)
            for text, what in (
                (mi.loop_cardinality, "loopCardinality"),
                (mi.collection, "camunda:collection"),
                (mi.completion_condition, "completionCondition"),
            ):
                if text is not None:
                    check(node.id, mi.line, text, what)

    def listeners(
        self,
        element_id: str,
        line: int | None,
        listeners: tuple[Listener, ...],
        *,
        execution: bool,
    ) -> None:
        allowed = _EXECUTION_LISTENER_EVENTS if execution else _TASK_LISTENER_EVENTS
        kind = "execution listener" if execution else "task listener"
        for listener in listeners:
            where = listener.line or line
            if listener.event not in allowed:
                self.report(
                    element_id,
                    f"{kind} event '{listener.event}' is not one of {', '.join(sorted(allowed))}",
                    where,
                )
            given = [
                value
                for value in (
                    listener.class_name,
                    listener.expression,
                    listener.delegate_expression,
                    listener.script,
                )
                if value is not None
            ]
            if len(given) != 1:
                self.report(
                    element_id,
                    f"{kind} needs exactly one of class, expression, delegateExpression or script",
                    where,
                )
            for text in (listener.expression, listener.delegate_expression):
                if text is not None:
                    self.expressions.expression(element_id, where, text, kind)
            if listener.script is not None:
                self.expressions.script(element_id, where, listener.script, kind)
            for field in listener.fields:
                if field.expression is not None:
                    self.expressions.expression(element_id, where, field.expression, "field")
            if listener.event == "timeout" and listener.timer is None:
                self.report(element_id, "a timeout task listener needs a timer", where)
            if listener.timer is not None:
                self.expressions.timer(element_id, where, listener.timer)

    def gateway(self, process: Process, node: FlowNode) -> None:
        scope = process.parent_scope_of(node.id)
        outgoing = scope.outgoing(node.id)
        if not outgoing:
            self.report(node.id, "gateway has no outgoing sequence flow", node.line)
        if node.kind is NodeKind.EVENT_BASED_GATEWAY:
            for flow in outgoing:
                target = scope.nodes.get(flow.target)
                if target is None:
                    continue
                ok = isinstance(target, ReceiveTask) or (
                    isinstance(target, IntermediateCatchEvent)
                    and target.trigger in _EVENT_GATEWAY_TARGETS
                )
                if not ok:
                    self.report(
                        node.id,
                        f"event-based gateway '{node.id}' must lead to message, timer, signal "
                        f"or conditional catch events or receive tasks, not '{target.id}'",
                        node.line,
                    )

    def user_task(self, node: UserTask) -> None:
        check = self.expressions.expression
        for text, what in (
            (node.assignee, "camunda:assignee"),
            (node.candidate_users, "camunda:candidateUsers"),
            (node.candidate_groups, "camunda:candidateGroups"),
            (node.due_date, "camunda:dueDate"),
            (node.follow_up_date, "camunda:followUpDate"),
            (node.priority, "camunda:priority"),
            (node.form_key, "camunda:formKey"),
        ):
            if text is not None:
                check(node.id, node.line, text, what)
        self.listeners(node.id, node.line, node.task_listeners, execution=False)

    def service_task(self, node: ServiceTask) -> None:
        impl = node.implementation
        label = _SERVICE_LIKE.get(node.kind, "task")
        if impl.kind is ImplementationKind.NONE:
            self.report(
                node.id,
                f"{label} needs one of camunda:class, camunda:expression, "
                'camunda:delegateExpression, camunda:type="external"'
                + (" or camunda:decisionRef" if node.kind is NodeKind.BUSINESS_RULE_TASK else ""),
                node.line,
            )
        self.implementation(node.id, node.line, node)
        for mapping in node.error_mappings:
            if mapping.expression is not None:
                self.expressions.expression(
                    node.id, node.line, mapping.expression, "camunda:errorEventDefinition"
                )

    def implementation(
        self, element_id: str, line: int | None, node: ServiceTask | ThrowEvent
    ) -> None:
        impl = node.implementation
        if impl is None:
            return
        check = self.expressions.expression
        if impl.kind is ImplementationKind.EXTERNAL and not impl.topic:
            self.report(element_id, 'camunda:type="external" needs a camunda:topic', line)
        for text, what in (
            (impl.expression, "camunda:expression"),
            (impl.delegate_expression, "camunda:delegateExpression"),
            (impl.topic, "camunda:topic"),
            (impl.task_priority, "camunda:taskPriority"),
            (impl.decision_ref, "camunda:decisionRef"),
        ):
            if text is not None:
                check(element_id, line, text, what)
        for field in impl.fields:
            if field.expression is not None:
                check(element_id, line, field.expression, "field")
        if impl.kind is ImplementationKind.DECISION:
            self.decision_reference(element_id, line, impl)
        if impl.kind is ImplementationKind.CONNECTOR:
            self.connector(element_id, line, impl)

    def connector(self, element_id: str, line: int | None, impl: Implementation) -> None:
        if impl.connector_id not in CONNECTORS:
            self.report(
                element_id,
                f"camunda:connector '{impl.connector_id or ''}' is not available (Legato has "
                + ", ".join(sorted(CONNECTORS))
                + ")",
                line,
            )
        io = impl.connector_io
        for parameter in (io.inputs + io.outputs) if io is not None else ():
            self.expressions.parameter(element_id, parameter)

    def decision_reference(self, element_id: str, line: int | None, impl: Implementation) -> None:
        binding = impl.decision_ref_binding
        if binding not in DECISION_BINDINGS:
            self.report(
                element_id,
                f"camunda:decisionRefBinding '{binding}' is not one of "
                + ", ".join(DECISION_BINDINGS),
                line,
            )
        needed = {"version": impl.decision_ref_version, "versionTag": impl.decision_ref_version_tag}
        if binding in needed and not needed[binding]:
            self.report(
                element_id, f"camunda:decisionRefBinding '{binding}' needs camunda:decisionRef"
                + ("Version" if binding == "version" else "VersionTag"), line
            )
        if impl.map_decision_result not in DECISION_RESULT_MAPPINGS:
            self.report(
                element_id,
                f"camunda:mapDecisionResult '{impl.map_decision_result}' is not one of "
                + ", ".join(DECISION_RESULT_MAPPINGS),
                line,
            )

    def call_activity(self, node: CallActivity) -> None:
        check = self.expressions.expression
        if not node.called_element:
            self.report(node.id, "call activity has no calledElement", node.line)
        else:
            check(node.id, node.line, node.called_element, "calledElement")
        for mapping in (*node.inputs, *node.outputs):
            for text in (mapping.source_expression, mapping.business_key):
                if text is not None:
                    check(node.id, node.line, text, "camunda:in/out")

    def event(self, process: Process, node: Event) -> None:
        for definition in node.event_definitions:
            self.event_definition(process, node, definition)
        if isinstance(node, IntermediateCatchEvent) and node.trigger in {
            EventKind.NONE,
            EventKind.ERROR,
            EventKind.ESCALATION,
            EventKind.COMPENSATE,
            EventKind.TERMINATE,
            EventKind.CANCEL,
        }:
            self.report(
                node.id,
                f"an intermediate catch event cannot be a {node.trigger} event",
                node.line,
            )
        if isinstance(node, ThrowEvent):
            self.implementation(node.id, node.line, node)
        if isinstance(node, BoundaryEvent):
            self.boundary(process, node)
        if isinstance(node, StartEvent) and node.form_key is not None:
            self.expressions.expression(node.id, node.line, node.form_key, "camunda:formKey")

    def event_definition(self, process: Process, node: Event, d: EventDefinition) -> None:
        line = d.line or node.line
        catching = isinstance(node, StartEvent | IntermediateCatchEvent | BoundaryEvent)
        if d.kind is EventKind.TIMER:
            if d.timer is None:
                self.report(node.id, "timer needs a timeDate, timeDuration or timeCycle", line)
            else:
                self.expressions.timer(node.id, line, d.timer)
        elif d.kind is EventKind.MESSAGE and catching and d.message_ref is None:
            self.report(node.id, "message event needs a messageRef", line)
        elif d.kind is EventKind.SIGNAL and d.signal_ref is None:
            self.report(node.id, "signal event needs a signalRef", line)
        elif d.kind is EventKind.CONDITIONAL:
            if d.condition is None:
                self.report(node.id, "conditional event needs a condition", line)
            else:
                self.expressions.condition(
                    node.id, line, d.condition, d.condition_language, "condition"
                )
        elif d.kind is EventKind.LINK:
            self.link(process, node, d, line)
        elif d.kind is EventKind.ESCALATION and isinstance(node, ThrowEvent):
            escalation = self.definitions.escalations.get(d.escalation_ref or "")
            if escalation is None or not escalation.escalation_code:
                self.report(node.id, "escalation throw event needs an escalation with a code", line)
        elif d.kind is EventKind.COMPENSATE and d.activity_ref is not None:
            if d.activity_ref not in process.all_nodes:
                self.report(node.id, f"activityRef '{d.activity_ref}' references no activity", line)
        elif d.kind is EventKind.CANCEL:
            self.cancel(process, node, line)

    def link(self, process: Process, node: Event, d: EventDefinition, line: int | None) -> None:
        if not d.link_name:
            self.report(node.id, "link event needs a name", line)
            return
        if isinstance(node, ThrowEvent):
            scope = process.parent_scope_of(node.id)
            if d.link_name not in scope.link_targets:
                self.report(
                    node.id,
                    f"no link catch event named '{d.link_name}' in the same scope",
                    line,
                )

    def cancel(self, process: Process, node: Event, line: int | None) -> None:
        if isinstance(node, BoundaryEvent):
            attached = process.find_node(node.attached_to)
            if attached is not None and attached.kind is not NodeKind.TRANSACTION:
                self.report(
                    node.id, "a cancel boundary event is only allowed on a transaction", line
                )
            return
        parent = process.parent_scope_of(node.id)
        owner = process.find_node(parent.id)
        if owner is None or owner.kind is not NodeKind.TRANSACTION:
            self.report(node.id, "a cancel end event is only allowed inside a transaction", line)

    def boundary(self, process: Process, node: BoundaryEvent) -> None:
        if node.trigger is EventKind.NONE:
            self.report(node.id, "a boundary event needs an event definition", node.line)
        if node.trigger is EventKind.COMPENSATE and node.compensation_handler is None:
            self.report(
                node.id,
                "compensation boundary event needs an association to a compensation handler",
                node.line,
            )
        if node.trigger is EventKind.COMPENSATE and node.compensation_handler is not None:
            handler = process.find_node(node.compensation_handler)
            if handler is None or not handler.is_for_compensation:
                self.report(
                    node.id,
                    f"compensation handler '{node.compensation_handler}' must be an activity "
                    'with isForCompensation="true"',
                    node.line,
                )


def validate(
    definitions: Definitions,
    *,
    scripts_enabled: bool = False,
    require_executable: bool = False,
    javascript_enabled: bool = True,
    resources: Mapping[str, bytes] | None = None,
) -> list[BpmnProblem]:
    """Every problem of a parsed file, in model order; empty when it can be deployed.
    `resources`: the deployment's files, to find `deployment://` script resources in."""
    return _Validator(
        definitions, scripts_enabled, require_executable, javascript_enabled, resources
    ).run()
