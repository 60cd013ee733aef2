"""Events, gateways, flows, scopes and their precomputed indexes."""

from __future__ import annotations

import dataclasses

import pytest

from engine.bpmn.model import BoundaryEvent, EventKind, NodeKind, StartEvent, SubProcess, TimerKind
from engine.bpmn.parser import parse_bpmn
from tests.engine.bpmn.helpers import START_TO, bpmn, parse, parse_process

ROOTS = (
    '<message id="m" name="invoice"/><signal id="s" name="alert"/>'
    '<error id="e" name="Failure" errorCode="E42" camunda:errorMessage="boom"/>'
    '<escalation id="x" name="Up" escalationCode="ESC"/>'
)


def event_node(body: str, node_id: str = "ev"):
    return parse_process(START_TO.format(node_id) + body, roots=ROOTS).node(node_id)


def test_root_elements_are_indexed_by_id_with_names_and_codes():
    definitions = parse(START_TO.format("end") + '<endEvent id="end"/>', roots=ROOTS)
    assert definitions.messages["m"].name == "invoice"
    assert definitions.signals["s"].name == "alert"
    assert (definitions.errors["e"].error_code, definitions.errors["e"].error_message) == (
        "E42",
        "boom",
    )
    assert definitions.escalations["x"].escalation_code == "ESC"


@pytest.mark.parametrize(
    ("tag", "text", "kind"),
    [
        ("timeDate", "2030-01-01T10:00:00", TimerKind.DATE),
        ("timeDuration", "PT5M", TimerKind.DURATION),
        ("timeCycle", "R3/PT10H", TimerKind.CYCLE),
    ],
)
def test_timer_catch_event_reads_each_timer_kind(tag, text, kind):
    node = event_node(
        f'<intermediateCatchEvent id="ev"><timerEventDefinition><{tag}>{text}</{tag}>'
        "</timerEventDefinition></intermediateCatchEvent>"
    )
    assert node.trigger is EventKind.TIMER
    assert (node.definition.timer.kind, node.definition.timer.text) == (kind, text)


def test_message_signal_and_conditional_catch_events_keep_their_references():
    process = parse_process(
        START_TO.format("a")
        + '<intermediateCatchEvent id="a"><messageEventDefinition messageRef="m"/>'
        "</intermediateCatchEvent>"
        '<intermediateCatchEvent id="b"><signalEventDefinition signalRef="s"/>'
        "</intermediateCatchEvent>"
        '<intermediateCatchEvent id="c"><conditionalEventDefinition camunda:variableName="v"'
        ' camunda:variableEvents="create, update"><condition>${v == 1}</condition>'
        "</conditionalEventDefinition></intermediateCatchEvent>",
        roots=ROOTS,
    )
    assert process.node("a").definition.message_ref == "m"
    assert process.node("b").definition.signal_ref == "s"
    conditional = process.node("c").definition
    assert (conditional.condition, conditional.variable_name) == ("${v == 1}", "v")
    assert conditional.variable_events == ("create", "update")


def test_error_boundary_reads_code_and_message_variables_and_attachment():
    process = parse_process(
        START_TO.format("t") + '<userTask id="t"/>'
        '<boundaryEvent id="b" attachedToRef="t"><errorEventDefinition errorRef="e"'
        ' camunda:errorCodeVariable="code" camunda:errorMessageVariable="msg"/></boundaryEvent>'
        '<boundaryEvent id="n" attachedToRef="t" cancelActivity="false">'
        '<escalationEventDefinition escalationRef="x" camunda:escalationCodeVariable="esc"/>'
        "</boundaryEvent>",
        roots=ROOTS,
    )
    error, escalation = process.scope.boundary_events("t")
    assert isinstance(error, BoundaryEvent)
    assert (error.attached_to, error.cancel_activity) == ("t", True)
    assert (error.definition.error_code_variable, error.definition.error_message_variable) == (
        "code",
        "msg",
    )
    assert escalation.cancel_activity is False
    assert escalation.definition.escalation_code_variable == "esc"


def test_start_event_reads_initiator_form_and_interrupting_flag():
    node = parse_process(
        '<startEvent id="s" camunda:initiator="starter" camunda:formKey="app:start.html">'
        "<extensionElements><camunda:formData>"
        '<camunda:formField id="amount" type="long"/></camunda:formData></extensionElements>'
        "</startEvent>"
    ).node("s")
    assert isinstance(node, StartEvent)
    assert (node.initiator, node.form_key, node.is_interrupting) == (
        "starter",
        "app:start.html",
        True,
    )
    assert node.form_fields[0].id == "amount"
    assert node.trigger is EventKind.NONE


def test_end_events_read_terminate_error_escalation_cancel_and_compensate_definitions():
    process = parse_process(
        START_TO.format("a") + '<endEvent id="a"><terminateEventDefinition/></endEvent>'
        '<endEvent id="b"><errorEventDefinition errorRef="e"/></endEvent>'
        '<endEvent id="c"><escalationEventDefinition escalationRef="x"/></endEvent>'
        '<endEvent id="d"><compensateEventDefinition activityRef="a"'
        ' waitForCompletion="false"/></endEvent>',
        roots=ROOTS,
    )
    assert [process.node(i).trigger for i in "abcd"] == [
        EventKind.TERMINATE,
        EventKind.ERROR,
        EventKind.ESCALATION,
        EventKind.COMPENSATE,
    ]
    compensate = process.node("d").definition
    assert (compensate.activity_ref, compensate.wait_for_completion) == ("a", False)


def test_message_throw_event_runs_an_implementation_read_from_its_definition():
    node = event_node(
        '<intermediateThrowEvent id="ev"><messageEventDefinition messageRef="m"'
        ' camunda:type="external" camunda:topic="notify"/></intermediateThrowEvent>'
    )
    assert node.implementation.topic == "notify"


def test_signal_throw_may_be_asynchronous():
    node = event_node(
        '<intermediateThrowEvent id="ev"><signalEventDefinition signalRef="s"'
        ' camunda:async="true"/></intermediateThrowEvent>'
    )
    assert node.definition.is_async


def test_link_catch_events_are_indexed_by_link_name():
    process = parse_process(
        START_TO.format("throw")
        + '<intermediateThrowEvent id="throw"><linkEventDefinition name="L"/>'
        "</intermediateThrowEvent>"
        '<intermediateCatchEvent id="catch"><linkEventDefinition name="L"/>'
        "</intermediateCatchEvent>"
    )
    assert process.scope.link_targets == {"L": "catch"}


def test_flow_condition_keeps_expression_and_script_language():
    process = parse_process(
        START_TO.format("g") + '<exclusiveGateway id="g" default="f2"/>'
        '<sequenceFlow id="f1" sourceRef="g" targetRef="a"><conditionExpression>${x &gt; 1}'
        "</conditionExpression></sequenceFlow>"
        '<sequenceFlow id="f2" sourceRef="g" targetRef="b"/>'
        '<sequenceFlow id="f3" sourceRef="g" targetRef="b"><conditionExpression language="juel">'
        "${y}</conditionExpression></sequenceFlow>"
        '<endEvent id="a"/><endEvent id="b"/>'
    )
    assert process.node("g").default_flow == "f2"
    assert (process.flow("f1").condition, process.flow("f1").condition_language) == (
        "${x > 1}",
        None,
    )
    assert process.flow("f3").condition_language == "juel"
    assert process.flow("f2").condition is None


def test_outgoing_flows_keep_document_order_and_nodes_know_their_flow_ids():
    process = parse_process(
        START_TO.format("g") + '<parallelGateway id="g"/>'
        '<sequenceFlow id="z" sourceRef="g" targetRef="a"/>'
        '<sequenceFlow id="y" sourceRef="g" targetRef="b"/>'
        '<endEvent id="a"/><endEvent id="b"/>'
    )
    assert [f.id for f in process.scope.outgoing("g")] == ["z", "y"]
    assert [f.id for f in process.scope.incoming("g")] == ["f0"]
    assert process.node("g").outgoing == ("z", "y")
    assert process.node("g").incoming == ("f0",)


def test_incoming_and_outgoing_child_elements_are_ignored_in_favour_of_flow_refs():
    process = parse_process(
        START_TO.format("t") + '<userTask id="t"><outgoing>ghost</outgoing></userTask>'
    )
    assert process.node("t").outgoing == ()


def test_flows_without_id_get_a_stable_generated_one():
    process = parse_process(
        '<startEvent id="s"/><sequenceFlow sourceRef="s" targetRef="e"/>'
        '<sequenceFlow sourceRef="s" targetRef="e"/><endEvent id="e"/>'
    )
    assert [f.id for f in process.scope.outgoing("s")] == ["s-e", "s-e-2"]


def test_nested_scopes_have_their_own_nodes_and_a_flat_process_index():
    process = parse_process(
        START_TO.format("sub") + '<subProcess id="sub"><startEvent id="inner"/>'
        '<sequenceFlow id="if" sourceRef="inner" targetRef="deep"/>'
        '<subProcess id="deep"><startEvent id="deepStart"/></subProcess></subProcess>'
        '<subProcess id="esp" triggeredByEvent="true"><startEvent id="msgStart"'
        ' isInterrupting="false"><messageEventDefinition messageRef="m"/></startEvent>'
        "</subProcess>",
        roots=ROOTS,
    )
    sub = process.node("sub")
    assert isinstance(sub, SubProcess)
    assert set(sub.scope.nodes) == {"inner", "deep"}
    assert process.node("deepStart").kind is NodeKind.START_EVENT
    assert process.parent_scope_of("deepStart") is process.node("deep").scope
    assert process.parent_scope_of("if") is sub.scope
    assert process.parent_scope_of("sub") is process.scope
    assert [s.id for s in process.scope.event_subprocesses] == ["esp"]
    assert process.node("msgStart").is_interrupting is False
    assert [s.id for s in process.start_events] == ["start"]
    assert process.initial_start_event.id == "start"


def test_transaction_is_a_sub_process_of_its_own_kind():
    process = parse_process(
        START_TO.format("tx") + '<transaction id="tx"><startEvent id="in"/></transaction>'
    )
    assert process.node("tx").kind is NodeKind.TRANSACTION


def test_compensation_boundary_is_linked_to_its_handler_by_the_association():
    process = parse_process(
        START_TO.format("t") + '<userTask id="t"/>'
        '<boundaryEvent id="cb" attachedToRef="t"><compensateEventDefinition/></boundaryEvent>'
        '<userTask id="undo" isForCompensation="true"/>'
        '<association id="a" associationDirection="One" sourceRef="cb" targetRef="undo"/>'
    )
    assert process.node("cb").compensation_handler == "undo"
    assert process.scope.boundary_events("t")[0].compensation_handler == "undo"
    assert process.node("undo").is_for_compensation


def test_process_attributes_are_read():
    data = bpmn('<startEvent id="s"/>').replace(
        b'isExecutable="true"',
        b'isExecutable="true" name="Invoice" camunda:versionTag="1.2"'
        b' camunda:historyTimeToLive="P30D" camunda:isStartableInTasklist="false"'
        b' camunda:candidateStarterUsers="kermit, gonzo" camunda:candidateStarterGroups="sales"',
    )
    process = parse_bpmn(data).processes[0]
    assert (process.name, process.version_tag, process.history_time_to_live) == (
        "Invoice",
        "1.2",
        30,
    )
    assert process.is_startable_in_tasklist is False
    assert process.candidate_starter_users == ("kermit", "gonzo")
    assert process.candidate_starter_groups == ("sales",)


def test_potential_starters_add_to_the_candidate_starters_as_camunda_reads_them():
    def starter(text: str) -> str:
        return (
            "<resourceAssignmentExpression><formalExpression>"
            f"{text}</formalExpression></resourceAssignmentExpression>"
        )

    body = (
        "<extensionElements><camunda:potentialStarter>"
        f"{starter('group(management), user(kermit)')}</camunda:potentialStarter>"
        f"</extensionElements><potentialStarter>{starter('user(gonzo), sales')}"
        '</potentialStarter><startEvent id="s"/>'
    )
    data = bpmn(body).replace(
        b'isExecutable="true"', b'isExecutable="true" camunda:candidateStarterUsers="kermit"'
    )
    process = parse_bpmn(data).processes[0]
    assert process.candidate_starter_users == ("kermit", "gonzo")
    assert process.candidate_starter_groups == ("sales", "management")


def test_history_time_to_live_in_plain_days_is_read():
    data = bpmn('<startEvent id="s"/>').replace(
        b'isExecutable="true"', b'isExecutable="true" camunda:historyTimeToLive="180"'
    )
    assert parse_bpmn(data).processes[0].history_time_to_live == 180


def test_collaboration_and_diagram_bounds_are_kept():
    data = bpmn('<startEvent id="s"/>').replace(
        b"</definitions>",
        b'<collaboration id="c"><participant id="pa" name="Pool" processRef="p"/>'
        b"</collaboration>"
        b'<bpmndi:BPMNDiagram xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"'
        b' xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"'
        b' xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="d"><bpmndi:BPMNPlane id="pl">'
        b'<bpmndi:BPMNShape id="sh" bpmnElement="s"><dc:Bounds x="1" y="2" width="36"'
        b' height="36"/></bpmndi:BPMNShape><bpmndi:BPMNEdge id="ed" bpmnElement="f">'
        b'<di:waypoint x="1" y="2"/><di:waypoint x="3" y="4"/></bpmndi:BPMNEdge>'
        b"</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></definitions>",
    )
    definitions = parse_bpmn(data)
    assert definitions.collaboration.participants[0].process_ref == "p"
    assert definitions.diagram.bounds["s"].width == 36
    assert definitions.diagram.edges[0].waypoints == ((1.0, 2.0), (3.0, 4.0))


def test_model_is_immutable():
    process = parse_process(START_TO.format("e") + '<endEvent id="e"/>')
    with pytest.raises(dataclasses.FrozenInstanceError):
        process.node("e").name = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        process.scope.nodes["x"] = process.node("e")  # type: ignore[index]


def test_bpmn_core_imports_nothing_from_django():
    import sys

    import engine.bpmn.parser  # noqa: F401

    loaded = [name for name in sys.modules if name.startswith("engine.bpmn")]
    for name in loaded:
        module = sys.modules[name]
        source = getattr(module, "__file__", None)
        if source:
            with open(source, encoding="utf-8") as handle:
                assert "import django" not in handle.read()
                handle.seek(0)
                assert "from django" not in handle.read()
