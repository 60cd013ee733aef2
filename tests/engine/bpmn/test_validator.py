"""The validator refuses what cannot be deployed and reports every problem at once."""

from __future__ import annotations

import pytest

from engine.bpmn.parser import parse_bpmn
from tests.engine.bpmn.helpers import HEADER, START_TO, bpmn, messages, refusal


def problems_of(body: str, roots: str = "", **kwargs: object) -> list[str]:
    return messages(refusal(bpmn(body, roots=roots), **kwargs))


def test_error_message_names_resource_line_element_and_reason():
    error = refusal(
        bpmn('<startEvent id="s"/>\n<sequenceFlow id="Flow_3" sourceRef="s" targetRef="Task_9"/>'),
        resource_name="order.bpmn",
    )
    assert str(error) == (
        "order.bpmn line 5, element 'Flow_3': sequence flow 'Flow_3' targets unknown element "
        "'Task_9'"
    )


def test_all_problems_of_a_file_are_reported_together_in_line_order():
    error = refusal(
        bpmn(
            '<startEvent id="s"/>\n<sequenceFlow id="a" sourceRef="s" targetRef="nowhere"/>\n'
            '<sequenceFlow id="b" sourceRef="ghost" targetRef="s"/>\n'
            '<scriptTask id="g" scriptFormat="ruby"><script>1</script></scriptTask>'
        )
    )
    assert len(error.problems) == 3
    assert [p.line for p in error.problems] == sorted(p.line for p in error.problems)
    assert "3 problems" in str(error)


def test_duplicate_ids_are_refused():
    assert any(
        "duplicate id 'x'" in m for m in problems_of('<startEvent id="x"/><endEvent id="x"/>')
    )


def test_boundary_attached_to_unknown_activity_is_refused():
    body = START_TO.format("t") + '<userTask id="t"/><boundaryEvent id="b" attachedToRef="zz">'
    body += "<timerEventDefinition><timeDuration>PT1M</timeDuration></timerEventDefinition>"
    body += "</boundaryEvent>"
    assert any("attached to unknown element 'zz'" in m for m in problems_of(body))


@pytest.mark.parametrize(
    ("definition", "attribute"),
    [
        ('<messageEventDefinition messageRef="nope"/>', "messageRef 'nope'"),
        ('<signalEventDefinition signalRef="nope"/>', "signalRef 'nope'"),
        ('<errorEventDefinition errorRef="nope"/>', "errorRef 'nope'"),
        ('<escalationEventDefinition escalationRef="nope"/>', "escalationRef 'nope'"),
    ],
)
def test_unknown_root_element_references_are_refused(definition, attribute):
    body = START_TO.format("t") + '<userTask id="t"/><boundaryEvent id="b" attachedToRef="t">'
    body += f"{definition}</boundaryEvent>"
    assert any(f"{attribute} references no declared element" in m for m in problems_of(body))


def test_default_flow_that_is_not_an_outgoing_flow_is_refused():
    body = START_TO.format("g") + '<exclusiveGateway id="g" default="f0"/>'
    body += '<sequenceFlow id="out" sourceRef="g" targetRef="e"/><endEvent id="e"/>'
    assert any("default flow 'f0' is not an outgoing" in m for m in problems_of(body))


def test_process_without_start_event_is_refused():
    assert any("has no start event" in m for m in problems_of('<userTask id="t"/>'))


def test_event_sub_process_needs_its_own_triggered_start_event():
    body = START_TO.format("e") + '<endEvent id="e"/>'
    body += '<subProcess id="esp" triggeredByEvent="true"><userTask id="t"/></subProcess>'
    assert any("exactly one start event" in m for m in problems_of(body))


def test_an_event_sub_process_takes_no_input_output_mapping_as_in_camunda():
    body = START_TO.format("e") + '<endEvent id="e"/>'
    body += (
        '<subProcess id="esp" triggeredByEvent="true"><extensionElements><camunda:inputOutput>'
        '<camunda:inputParameter name="x">1</camunda:inputParameter></camunda:inputOutput>'
        '</extensionElements><startEvent id="s"><messageEventDefinition messageRef="m"/>'
        '</startEvent><sequenceFlow id="sf" sourceRef="s" targetRef="t"/><userTask id="t"/>'
        "</subProcess>"
    )
    roots = '<message id="m" name="go"/>'
    assert any(
        "camunda:inputOutput mapping unsupported for element type 'subProcess' with attribute "
        "'triggeredByEvent = true'" in m
        for m in problems_of(body, roots)
    )


def test_embedded_sub_process_needs_a_none_start_event():
    body = START_TO.format("sub") + '<subProcess id="sub"><userTask id="t"/></subProcess>'
    assert any("sub-process has no start event" in m for m in problems_of(body))


def test_gateway_without_outgoing_flow_is_refused():
    body = START_TO.format("g") + '<exclusiveGateway id="g"/>'
    assert any("gateway has no outgoing sequence flow" in m for m in problems_of(body))


@pytest.mark.parametrize(
    ("gateway", "target"),
    [
        ("parallelGateway", '<endEvent id="e"/>'),
        ("eventBasedGateway",
         '<intermediateCatchEvent id="e"><timerEventDefinition><timeDuration>PT1M'
         "</timeDuration></timerEventDefinition></intermediateCatchEvent>"),
    ],
)
def test_a_condition_on_a_flow_out_of_a_parallel_or_event_gateway_deploys_as_in_camunda(
    gateway, target
):
    # Camunda's behaviours of these gateways never read their outgoing flows' conditions
    body = START_TO.format("g") + f'<{gateway} id="g"/>{target}'
    body += '<sequenceFlow id="c" sourceRef="g" targetRef="e">'
    body += "<conditionExpression>${false}</conditionExpression></sequenceFlow>"
    (process,) = parse_bpmn(bpmn(body)).processes
    assert process.flow("c").condition == "${false}"


def test_unparseable_expression_is_refused_with_the_attribute_named():
    body = START_TO.format("t") + '<userTask id="t" camunda:assignee="${a +}"/>'
    assert any(
        "camunda:assignee '${a +}' is not a valid expression" in m for m in problems_of(body)
    )


def test_unparseable_condition_is_refused():
    body = START_TO.format("e") + '<endEvent id="e"/>'
    body = body.replace(
        'targetRef="e"/>',
        'targetRef="e"><conditionExpression>${(}</conditionExpression></sequenceFlow>',
    )
    assert any("is not a valid expression" in m for m in problems_of(body))


def test_unparseable_timer_is_refused_but_timer_expressions_are_checked_as_expressions():
    bad = START_TO.format("t") + '<intermediateCatchEvent id="t"><timerEventDefinition>'
    bad += "<timeDuration>five minutes</timeDuration></timerEventDefinition>"
    bad += "</intermediateCatchEvent>"
    assert any("timer duration 'five minutes' is invalid" in m for m in problems_of(bad))
    good = bad.replace("five minutes", "${delay}")
    parse_bpmn(bpmn(good))


@pytest.mark.parametrize("language", ["ruby", "python2", "jruby"])
def test_scripts_in_other_languages_are_refused_naming_element_and_language(language):
    error = refusal(
        bpmn(
            START_TO.format("t")
            + f'<scriptTask id="t" scriptFormat="{language}"><script>x = 1</script></scriptTask>'
        )
    )
    (problem,) = error.problems
    assert problem.element_id == "t"
    assert f"scriptFormat '{language}' is not supported" in problem.message


def test_javascript_is_compiled_at_deploy_and_refused_where_switched_off():
    script = START_TO.format("t") + '<scriptTask id="t" scriptFormat="{fmt}"><script>{text}'
    script += "</script></scriptTask>"
    for fmt in ("javascript", "JavaScript", "js", "ecmascript", "nashorn", "graal.js"):
        parse_bpmn(bpmn(script.format(fmt=fmt, text="var x = 1; x &lt; 2")))
    (problem,) = refusal(bpmn(script.format(fmt="js", text="if (x {}"))).problems
    assert problem.message == (
        "script task is not valid JavaScript: SyntaxError: Unexpected token '{'"
    )
    (problem,) = refusal(
        bpmn(script.format(fmt="javascript", text="1")), javascript_enabled=False
    ).problems
    assert "uses scriptFormat 'javascript', but JavaScript is switched off" in problem.message


def test_groovy_is_parsed_at_deploy_and_refused_with_the_line_beyond_the_subset():
    script = START_TO.format("t") + '<scriptTask id="t" scriptFormat="groovy"><script>{text}'
    script += "</script></scriptTask>"
    parse_bpmn(bpmn(script.format(text="def x = [a: 1]\nx.each { k, v -&gt; println k }")))
    (problem,) = refusal(bpmn(script.format(text="\ndef ok = 1\nclass Ok {}"))).problems
    assert problem.message == "script task is not Groovy Legato runs: 'class' is not supported"
    lines = bpmn(script.format(text="\ndef ok = 1\nclass Ok {}")).decode().splitlines()
    assert lines[problem.line - 1] == "class Ok {}</script></scriptTask>"
    (problem,) = refusal(
        bpmn(script.format(text="import java.io.File\nnew File('x').delete()"))
    ).problems
    assert "import of java.io.File is not supported" in problem.message


def test_python_scripts_need_scripts_to_be_enabled():
    body = START_TO.format("t") + '<scriptTask id="t" scriptFormat="python"><script>x = 1</script>'
    body += "</scriptTask>"
    assert any("Python scripts are not enabled" in m for m in problems_of(body))
    parse_bpmn(bpmn(body), scripts_enabled=True)


def test_python_script_with_a_syntax_error_is_refused_when_scripts_are_enabled():
    body = START_TO.format("t") + '<scriptTask id="t" scriptFormat="python"><script>x = (</script>'
    body += "</scriptTask>"
    assert any("not valid Python" in m for m in problems_of(body, scripts_enabled=True))


def test_juel_scripts_are_always_allowed():
    body = START_TO.format("t") + '<scriptTask id="t" scriptFormat="juel"><script>${1 + 1}'
    body += "</script></scriptTask>"
    parse_bpmn(bpmn(body))


def test_complex_gateway_is_refused_as_unsupported():
    body = START_TO.format("g") + '<complexGateway id="g"/><endEvent id="e"/>'
    body += '<sequenceFlow id="o" sourceRef="g" targetRef="e"/>'
    assert any("complex gateway is not supported" in m for m in problems_of(body))


def test_service_task_without_implementation_is_refused():
    body = START_TO.format("t") + '<serviceTask id="t"/>'
    assert any("service task needs one of camunda:class" in m for m in problems_of(body))


def test_external_task_without_topic_is_refused():
    body = START_TO.format("t") + '<serviceTask id="t" camunda:type="external"/>'
    assert any("needs a camunda:topic" in m for m in problems_of(body))


def test_listener_with_two_implementations_is_refused():
    body = START_TO.format("t") + '<userTask id="t"><extensionElements>'
    body += '<camunda:taskListener event="create" class="A" expression="${b}"/>'
    body += "</extensionElements></userTask>"
    assert any("task listener needs exactly one of" in m for m in problems_of(body))


def test_multi_instance_without_cardinality_or_collection_is_refused():
    body = START_TO.format("t") + '<userTask id="t"><multiInstanceLoopCharacteristics/></userTask>'
    assert any("needs loopCardinality or a collection" in m for m in problems_of(body))


def test_link_throw_without_matching_catch_is_refused():
    body = START_TO.format("t") + '<intermediateThrowEvent id="t"><linkEventDefinition name="L"/>'
    body += "</intermediateThrowEvent>"
    assert any("no link catch event named 'L'" in m for m in problems_of(body))


def test_non_executable_processes_parse_without_runtime_checks():
    data = bpmn(
        '<complexGateway id="g"/><scriptTask id="s" scriptFormat="groovy"/>', executable=False
    )
    definitions = parse_bpmn(data)
    assert definitions.executable_processes == ()


def test_a_file_without_executable_process_is_refused_when_one_is_required():
    data = bpmn('<startEvent id="s"/>', executable=False)
    error = refusal(data, require_executable=True)
    assert "no executable process" in str(error)


def test_root_that_is_not_bpmn_definitions_is_refused():
    error = refusal(b'<?xml version="1.0"?><html><body/></html>')
    assert "not a BPMN 2.0 <definitions>" in str(error)


def test_definitions_without_any_process_is_refused():
    error = refusal((HEADER + "</definitions>").encode())
    assert "defines no process" in str(error)
