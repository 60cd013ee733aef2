"""Tasks and their camunda: extensions are read into the model."""

from __future__ import annotations

from engine.bpmn.model import (
    ImplementationKind,
    NodeKind,
    ServiceTask,
    UserTask,
    ValueKind,
)
from engine.bpmn.parser import parse_bpmn
from tests.engine.bpmn.helpers import START_TO, bpmn, parse_process


def one(body: str, node_id: str = "t", **kwargs: object):
    return parse_process(START_TO.format(node_id) + body, **kwargs).node(node_id)


def test_user_task_reads_assignment_dates_priority_and_form_key():
    task = one(
        '<userTask id="t" name="Approve" camunda:assignee="${starter}"'
        ' camunda:candidateUsers="kermit, gonzo" camunda:candidateGroups="management"'
        ' camunda:dueDate="P2D" camunda:followUpDate="${later}" camunda:priority="70"'
        ' camunda:formKey="embedded:app:forms/approve.html">'
        "<documentation>Very important</documentation></userTask>"
    )
    assert isinstance(task, UserTask)
    assert task.kind is NodeKind.USER_TASK
    assert (task.name, task.documentation) == ("Approve", "Very important")
    assert task.assignee == "${starter}"
    assert task.candidate_users == "kermit, gonzo"
    assert task.candidate_groups == "management"
    assert (task.due_date, task.follow_up_date, task.priority) == ("P2D", "${later}", "70")
    assert task.form_key == "embedded:app:forms/approve.html"


def test_user_task_reads_a_camunda_form_reference_with_binding_and_version():
    task = one(
        '<userTask id="t" camunda:formRef="invoiceForm" camunda:formRefBinding="version"'
        ' camunda:formRefVersion="3"/>'
    )
    assert task.form_ref.form_id == "invoiceForm"
    assert (task.form_ref.binding, task.form_ref.version) == ("version", "3")


def test_form_data_fields_keep_types_defaults_enum_values_constraints_and_properties():
    task = one(
        '<userTask id="t"><extensionElements><camunda:formData>'
        '<camunda:formField id="amount" label="Amount" type="long" defaultValue="1">'
        '<camunda:properties><camunda:property id="p" value="v"/></camunda:properties>'
        '<camunda:validation><camunda:constraint name="required"/>'
        '<camunda:constraint name="min" config="0"/></camunda:validation>'
        "</camunda:formField>"
        '<camunda:formField id="kind" type="enum">'
        '<camunda:value id="a" name="A"/><camunda:value id="b" name="B"/></camunda:formField>'
        '<camunda:formField id="when" type="date" datePattern="dd/MM/yyyy"/>'
        "</camunda:formData></extensionElements></userTask>"
    )
    amount, kind, when = task.form_fields
    assert (amount.id, amount.label, amount.type, amount.default_value) == (
        "amount",
        "Amount",
        "long",
        "1",
    )
    assert [(c.name, c.config) for c in amount.constraints] == [("required", None), ("min", "0")]
    assert [(p.id, p.value) for p in amount.properties] == [("p", "v")]
    assert [(v.id, v.name) for v in kind.values] == [("a", "A"), ("b", "B")]
    assert when.date_pattern == "dd/MM/yyyy"


def test_task_listeners_read_every_implementation_fields_and_timeout_timer():
    task = one(
        '<userTask id="t"><extensionElements>'
        '<camunda:taskListener event="create" class="org.example.Listener">'
        '<camunda:field name="greeting" stringValue="hi"/>'
        '<camunda:field name="expr"><camunda:expression>${a}</camunda:expression></camunda:field>'
        "</camunda:taskListener>"
        '<camunda:taskListener event="assignment" expression="${x.y()}"/>'
        '<camunda:taskListener event="complete" delegateExpression="${bean}"/>'
        '<camunda:taskListener event="delete"><camunda:script scriptFormat="juel">'
        "${true}</camunda:script></camunda:taskListener>"
        '<camunda:taskListener event="timeout" expression="${t}" id="timeout1">'
        "<timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition>"
        "</camunda:taskListener></extensionElements></userTask>"
    )
    create, assignment, complete, delete, timeout = task.task_listeners
    assert create.class_name == "org.example.Listener"
    assert [(f.name, f.string_value, f.expression) for f in create.fields] == [
        ("greeting", "hi", None),
        ("expr", None, "${a}"),
    ]
    assert assignment.expression == "${x.y()}"
    assert complete.delegate_expression == "${bean}"
    assert (delete.script.format, delete.script.text) == ("juel", "${true}")
    assert (timeout.id, timeout.timer.kind, timeout.timer.text) == ("timeout1", "duration", "PT1H")


def test_human_performer_and_potential_owner_become_assignee_and_candidates():
    def assignment(text: str) -> str:
        return (
            "<resourceAssignmentExpression><formalExpression>"
            f"{text}</formalExpression></resourceAssignmentExpression>"
        )

    task = one(
        f'<userTask id="t"><humanPerformer>{assignment("kermit")}</humanPerformer>'
        f"<potentialOwner>{assignment('user(gonzo), group(management), sales')}"
        "</potentialOwner></userTask>"
    )
    assert task.assignee == "kermit"
    assert task.candidate_users == "gonzo"
    assert task.candidate_groups == "management, sales"


def test_service_task_implementations_are_told_apart():
    process = parse_process(
        START_TO.format("a") + '<serviceTask id="a" camunda:class="org.example.Delegate"/>'
        '<serviceTask id="b" camunda:expression="${svc.run(execution)}"'
        ' camunda:resultVariable="out"/>'
        '<serviceTask id="c" camunda:delegateExpression="${delegate}"/>'
        '<serviceTask id="d" camunda:type="external" camunda:topic="invoices"'
        ' camunda:taskPriority="${prio}"/>'
    )
    kinds = {i: process.node(i).implementation.kind for i in "abcd"}
    assert kinds == {
        "a": ImplementationKind.CLASS,
        "b": ImplementationKind.EXPRESSION,
        "c": ImplementationKind.DELEGATE_EXPRESSION,
        "d": ImplementationKind.EXTERNAL,
    }
    assert process.node("b").result_variable == "out"
    assert process.node("d").implementation.topic == "invoices"
    assert process.node("d").implementation.task_priority == "${prio}"


def test_class_delegate_field_injections_are_read_with_nested_string_and_expression():
    task = one(
        '<serviceTask id="t" camunda:class="X"><extensionElements>'
        '<camunda:field name="a"><camunda:string>text</camunda:string></camunda:field>'
        '<camunda:field name="b" expression="${b}"/></extensionElements></serviceTask>'
    )
    fields = task.implementation.fields
    assert [(f.name, f.string_value, f.expression) for f in fields] == [
        ("a", "text", None),
        ("b", None, "${b}"),
    ]


def test_external_task_error_event_definitions_are_kept_with_their_expression():
    task = one(
        '<serviceTask id="t" camunda:type="external" camunda:topic="x"><extensionElements>'
        '<camunda:errorEventDefinition id="e1" errorRef="err" expression="${failed}"/>'
        "</extensionElements></serviceTask>",
        roots='<error id="err" errorCode="E1"/>',
    )
    mapping = task.error_mappings[0]
    assert (mapping.id, mapping.error_ref, mapping.expression) == ("e1", "err", "${failed}")


def test_business_rule_task_reads_the_decision_reference():
    task = one(
        '<businessRuleTask id="t" camunda:decisionRef="dish" camunda:decisionRefBinding="version"'
        ' camunda:decisionRefVersion="2" camunda:mapDecisionResult="singleEntry"'
        ' camunda:resultVariable="result"/>'
    )
    assert isinstance(task, ServiceTask)
    assert task.kind is NodeKind.BUSINESS_RULE_TASK
    impl = task.implementation
    assert impl.kind is ImplementationKind.DECISION
    assert (impl.decision_ref, impl.decision_ref_binding, impl.decision_ref_version) == (
        "dish",
        "version",
        "2",
    )
    assert (impl.map_decision_result, task.result_variable) == ("singleEntry", "result")


def test_send_task_is_service_like():
    task = one('<sendTask id="t" camunda:expression="${mail.send()}"/>')
    assert task.kind is NodeKind.SEND_TASK
    assert task.implementation.kind is ImplementationKind.EXPRESSION


def test_script_task_reads_format_inline_text_and_result_variable():
    task = one(
        '<scriptTask id="t" scriptFormat="juel" camunda:resultVariable="r">'
        "<script><![CDATA[#{a < b}]]></script></scriptTask>"
    )
    assert (task.script.format, task.script.text, task.result_variable) == ("juel", "#{a < b}", "r")


def test_script_task_may_reference_a_resource_instead_of_inline_text():
    task = one('<scriptTask id="t" scriptFormat="juel" camunda:resource="deployment:x.juel"/>')
    assert (task.script.text, task.script.resource) == (None, "deployment:x.juel")


def test_receive_task_keeps_its_message_reference_without_the_qname_prefix():
    task = one(
        '<receiveTask id="t" messageRef="tns:msg"/>', roots='<message id="msg" name="invoice"/>'
    )
    assert task.message_ref == "msg"


def test_call_activity_reads_binding_and_every_kind_of_in_out_mapping():
    task = one(
        '<callActivity id="t" calledElement="child" camunda:calledElementBinding="versionTag"'
        ' camunda:calledElementVersionTag="v1" camunda:calledElementVersion="4">'
        "<extensionElements>"
        '<camunda:in source="a" target="b"/>'
        '<camunda:in sourceExpression="${x+5}" target="y" local="true"/>'
        '<camunda:in variables="all"/>'
        '<camunda:in businessKey="${execution.processBusinessKey}"/>'
        '<camunda:out source="c" target="d"/><camunda:out variables="all" local="true"/>'
        "</extensionElements></callActivity>"
    )
    assert (task.called_element, task.binding, task.version_tag, task.version) == (
        "child",
        "versionTag",
        "v1",
        "4",
    )
    first, second, third, fourth = task.inputs
    assert (first.source, first.target) == ("a", "b")
    assert (second.source_expression, second.local) == ("${x+5}", True)
    assert third.all_variables
    assert fourth.business_key == "${execution.processBusinessKey}"
    assert [(o.source, o.all_variables, o.local) for o in task.outputs] == [
        ("c", False, False),
        (None, True, True),
    ]


def test_input_output_parameters_hold_text_expressions_lists_maps_scripts_and_null():
    task = one(
        '<receiveTask id="t"><extensionElements><camunda:inputOutput>'
        '<camunda:inputParameter name="text">constant</camunda:inputParameter>'
        '<camunda:inputParameter name="expr">${a}</camunda:inputParameter>'
        '<camunda:inputParameter name="empty"/>'
        '<camunda:inputParameter name="list"><camunda:list><camunda:value>x</camunda:value>'
        "<camunda:value>${y}</camunda:value></camunda:list></camunda:inputParameter>"
        '<camunda:inputParameter name="map"><camunda:map>'
        '<camunda:entry key="k"><camunda:list><camunda:value>v</camunda:value></camunda:list>'
        '</camunda:entry><camunda:entry key="${key}">w</camunda:entry>'
        "</camunda:map></camunda:inputParameter>"
        '<camunda:inputParameter name="script"><camunda:script scriptFormat="juel">'
        "${1}</camunda:script></camunda:inputParameter>"
        '<camunda:outputParameter name="out">${result}</camunda:outputParameter>'
        "</camunda:inputOutput></extensionElements></receiveTask>"
    )
    inputs = {p.name: p.value for p in task.input_output.inputs}
    assert (inputs["text"].kind, inputs["text"].text) == (ValueKind.TEXT, "constant")
    assert (inputs["expr"].kind, inputs["expr"].text) == (ValueKind.EXPRESSION, "${a}")
    assert inputs["empty"].kind is ValueKind.NULL
    assert [i.text for i in inputs["list"].items] == ["x", "${y}"]
    (key, nested), (expr_key, plain) = inputs["map"].entries
    assert (key, nested.kind, nested.items[0].text) == ("k", ValueKind.LIST, "v")
    assert (expr_key, plain.text) == ("${key}", "w")
    assert inputs["script"].script.format == "juel"
    assert [p.name for p in task.input_output.outputs] == ["out"]


def test_generic_activity_attributes_async_exclusive_priority_retry_properties():
    task = one(
        '<manualTask id="t" camunda:asyncBefore="true" camunda:asyncAfter="true"'
        ' camunda:exclusive="false" camunda:jobPriority="${5}" isForCompensation="false">'
        "<extensionElements><camunda:failedJobRetryTimeCycle>R5/PT5M"
        "</camunda:failedJobRetryTimeCycle><camunda:properties>"
        '<camunda:property name="color" value="red"/></camunda:properties>'
        '<camunda:executionListener event="start" expression="${a}"/>'
        "</extensionElements></manualTask>"
    )
    assert task.kind is NodeKind.MANUAL_TASK
    assert (task.async_before, task.async_after, task.exclusive) == (True, True, False)
    assert (task.job_priority, task.failed_job_retry_time_cycle) == ("${5}", "R5/PT5M")
    assert [(p.name, p.value) for p in task.properties] == [("color", "red")]
    assert task.execution_listeners[0].event == "start"


def test_legacy_camunda_async_means_async_before():
    assert one('<task id="t" camunda:async="true"/>').async_before


def test_activiti_namespace_bound_to_the_camunda_prefix_is_read_as_camunda():
    data = (
        b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"'
        b' xmlns:camunda="http://activiti.org/bpmn"><process id="p" isExecutable="true">'
        b'<startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="t"/>'
        b'<userTask id="t" camunda:assignee="kermit" camunda:async="true"/></process></definitions>'
    )
    task = parse_bpmn(data).processes[0].node("t")
    assert (task.assignee, task.async_before) == ("kermit", True)


def test_operatons_namespace_is_read_as_camunda():
    # Operaton, the community fork of Camunda 7, writes its own extension namespace.
    data = (
        b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"'
        b' xmlns:operaton="http://operaton.org/schema/1.0/bpmn">'
        b'<process id="p" isExecutable="true" operaton:historyTimeToLive="7">'
        b'<startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="t"/>'
        b'<userTask id="t" operaton:assignee="kermit" operaton:asyncBefore="true">'
        b"<extensionElements><operaton:inputOutput><operaton:inputParameter name=\"limit\">"
        b"${amount}</operaton:inputParameter></operaton:inputOutput></extensionElements>"
        b"</userTask></process></definitions>"
    )
    process = parse_bpmn(data).processes[0]
    task = process.node("t")
    assert (task.assignee, task.async_before, process.history_time_to_live) == ("kermit", True, 7)
    assert [p.name for p in task.input_output.inputs] == ["limit"]


def test_multi_instance_reads_cardinality_collection_element_variable_and_body_async():
    process = parse_process(
        START_TO.format("a")
        + '<userTask id="a"><multiInstanceLoopCharacteristics isSequential="true"'
        ' camunda:asyncBefore="true">'
        "<extensionElements><camunda:failedJobRetryTimeCycle>R1/PT1M"
        "</camunda:failedJobRetryTimeCycle></extensionElements>"
        "<loopCardinality>${n}</loopCardinality>"
        "<completionCondition>${nrOfCompletedInstances == 2}</completionCondition>"
        "</multiInstanceLoopCharacteristics></userTask>"
        '<userTask id="b"><multiInstanceLoopCharacteristics camunda:collection="${list}"'
        ' camunda:elementVariable="item"/></userTask>'
        '<userTask id="c"><multiInstanceLoopCharacteristics>'
        '<loopDataInputRef>assignees</loopDataInputRef><inputDataItem name="assignee"/>'
        "</multiInstanceLoopCharacteristics></userTask>"
    )
    a, b, c = (process.node(i).multi_instance for i in "abc")
    assert (a.is_sequential, a.loop_cardinality, a.async_before) == (True, "${n}", True)
    assert a.completion_condition == "${nrOfCompletedInstances == 2}"
    assert a.failed_job_retry_time_cycle == "R1/PT1M"
    assert (b.is_sequential, b.collection, b.element_variable) == (False, "${list}", "item")
    assert (c.collection, c.element_variable) == ("assignees", "assignee")


def test_complex_gateway_parses_in_a_non_executable_process():
    data = bpmn(
        '<startEvent id="s"/><complexGateway id="g"/>'
        '<sequenceFlow id="f" sourceRef="s" targetRef="g"/>',
        executable=False,
    )
    assert parse_bpmn(data).processes[0].node("g").kind is NodeKind.COMPLEX_GATEWAY
