"""Groovy in a running process on the real stack: a script task with a result variable, a
condition, a task listener, an input parameter, a BPMN error caught by a boundary event, and
a failing script that rolls the command back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.errors import DeploymentError
from engine.models import HistoricVariableInstance, ProcessInstance, Task
from engine.queries import get_variables
from engine.queries.instances import get_task_variables
from engine.runtime.errors import ProcessEngineError
from engine.runtime.values import TypedValue
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import bpmn_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]

ORDER = """<bpmn:process id="order" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="price" />
  <bpmn:scriptTask id="price" scriptFormat="groovy" camunda:resultVariable="total">
    <bpmn:script><![CDATA[
      import groovy.json.JsonSlurper

      def order = new JsonSlurper().parseText(payload)
      def total = 0
      order.lines.each { line -> total += line.qty * line.price }
      execution.setVariable("skus", order.lines.collect { it.sku.toUpperCase() })
      items << "never stored"
      total
    ]]></bpmn:script>
  </bpmn:scriptTask>
  <bpmn:sequenceFlow id="f2" sourceRef="price" targetRef="gate" />
  <bpmn:exclusiveGateway id="gate" default="small" />
  <bpmn:sequenceFlow id="big" sourceRef="gate" targetRef="review">
    <bpmn:conditionExpression language="groovy">
      total &gt; 100 &amp;&amp; skus.size() == 2
    </bpmn:conditionExpression>
  </bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="small" sourceRef="gate" targetRef="done" />
  <bpmn:userTask id="review">
    <bpmn:extensionElements>
      <camunda:taskListener event="create">
        <camunda:script scriptFormat="groovy">task.assignee = "demo"</camunda:script>
      </camunda:taskListener>
      <camunda:inputOutput>
        <camunda:inputParameter name="label">
          <camunda:script scriptFormat="groovy">
            "Review ${skus.join(', ')} (${total})"
          </camunda:script>
        </camunda:inputParameter>
      </camunda:inputOutput>
    </bpmn:extensionElements>
  </bpmn:userTask>
  <bpmn:userTask id="done" />
</bpmn:process>"""

PAYLOAD = (
    '{"lines": [{"sku": "a-1", "qty": 2, "price": 40}, {"sku": "b-2", "qty": 1, "price": 25}]}'
)

REFUSING = """<bpmn:process id="refusing" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
  <bpmn:scriptTask id="check" scriptFormat="groovy">
    <bpmn:script><![CDATA[
      if (!customer) {
        throw new org.camunda.bpm.engine.delegate.BpmnError("NO_CUSTOMER", "who?")
      }
      customer.size() / 0
    ]]></bpmn:script>
  </bpmn:scriptTask>
  <bpmn:boundaryEvent id="caught" attachedToRef="check">
    <bpmn:errorEventDefinition errorRef="noCustomer" />
  </bpmn:boundaryEvent>
  <bpmn:sequenceFlow id="f2" sourceRef="caught" targetRef="ask" />
  <bpmn:userTask id="ask" />
  <bpmn:sequenceFlow id="f3" sourceRef="check" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>
<bpmn:error id="noCustomer" errorCode="NO_CUSTOMER" />"""


def test_groovy_runs_wherever_camunda_takes_a_script():
    deploy([ResourceInput("order.bpmn", bpmn_document(ORDER))])
    started = rt.start_process_instance("order", variables={"payload": PAYLOAD, "items": [1]})
    variables = get_variables(started.id)
    assert variables["total"] == TypedValue("Integer", 105)
    assert variables["skus"] == TypedValue("Json", ["A-1", "B-2"])
    assert variables["items"] == TypedValue("Json", [1])  # the script changed its copy only
    task = Task.objects.get(process_instance_id=started.id)
    assert (task.task_definition_key, task.assignee) == ("review", "demo")
    assert get_task_variables(task, local=True)["label"] == TypedValue(
        "String", "Review A-1, B-2 (105)"
    )


def test_a_bpmn_error_thrown_by_groovy_reaches_the_boundary_event():
    deploy([ResourceInput("refusing.bpmn", bpmn_document(REFUSING))])
    started = rt.start_process_instance("refusing", variables={"customer": ""})
    assert Task.objects.get(process_instance_id=started.id).task_definition_key == "ask"


def test_a_failing_groovy_script_fails_the_command_and_changes_nothing():
    deploy([ResourceInput("refusing.bpmn", bpmn_document(REFUSING))])
    with pytest.raises(ProcessEngineError) as raised:
        rt.start_process_instance("refusing", variables={"customer": "Ada"})
    assert "Unable to evaluate script: Division by zero at line 4 of the script" in str(
        raised.value
    )
    assert raised.value.activity_id == "check"
    assert not ProcessInstance.objects.exists()
    assert not HistoricVariableInstance.objects.exists()


def test_groovy_outside_the_subset_is_refused_at_deploy_with_its_line():
    process = ORDER.replace("def total = 0", "def total = 0\n      do { total++ } while (total)")
    with pytest.raises(DeploymentError) as raised:
        deploy([ResourceInput("order.bpmn", bpmn_document(process))])
    (problem,) = raised.value.problems
    assert problem.element_id == "price"
    assert "'do' is not supported" in problem.message
    line = bpmn_document(process).decode().splitlines()[problem.line - 1]
    assert line.strip() == "do { total++ } while (total)"


XML_PROCESS = """<bpmn:process id="xml" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="build" />
  <bpmn:scriptTask id="build" scriptFormat="groovy">
    <bpmn:script><![CDATA[
      def doc = XML(order)
      doc.attr("status", "checked").append(XML("<line sku='b'/>"))
      execution.setVariable("checked", doc)
      doc.attr("status", "changed after it was stored")
      execution.setVariable("count", doc.xPath("count(line)").number() as Integer)
    ]]></bpmn:script>
  </bpmn:scriptTask>
  <bpmn:sequenceFlow id="f2" sourceRef="build" targetRef="wait" />
  <bpmn:userTask id="wait" />
</bpmn:process>"""


def test_groovy_builds_xml_from_an_xml_variable_and_stores_it():
    deploy([ResourceInput("xml.bpmn", bpmn_document(XML_PROCESS))])
    order = TypedValue.from_json({"type": "Xml", "value": "<order><line sku='a'/></order>"})
    started = rt.start_process_instance("xml", variables={"order": order})
    variables = get_variables(started.id)
    assert variables["order"].value.to_xml() == '<order><line sku="a"/></order>'
    assert variables["checked"].type == "Xml"
    assert variables["checked"].value.to_xml() == (
        '<order status="checked"><line sku="a"/><line sku="b"/></order>'
    )
    assert variables["count"] == TypedValue("Integer", 2)


DUE_DATE = """<bpmn:process id="due" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="plan" />
  <bpmn:scriptTask id="plan" scriptFormat="groovy" camunda:resultVariable="reminder">
    <bpmn:script><![CDATA[
      import java.time.*
      import java.time.format.DateTimeFormatter

      def zone = ZoneId.of("Europe/Berlin")
      def received = orderedAt.toInstant().atZone(zone)
      def due = received.toLocalDate().plusMonths(1).atTime(17, 0).atZone(zone)
      if (due.dayOfWeek in [DayOfWeek.SATURDAY, DayOfWeek.SUNDAY]) {
        due = due.with(java.time.temporal.TemporalAdjusters.next(DayOfWeek.MONDAY))
      }
      execution.setVariable("dueDate", Date.from(due.toInstant()))
      def label = DateTimeFormatter.ofPattern("EEE dd.MM.yyyy HH:mm")
      execution.setVariable("dueLabel", due.format(label))
      execution.setVariable("window", Duration.between(received, due).toString())
      due.minusDays(2)
    ]]></bpmn:script>
  </bpmn:scriptTask>
  <bpmn:sequenceFlow id="f2" sourceRef="plan" targetRef="wait" />
  <bpmn:userTask id="wait" />
</bpmn:process>"""


def test_groovy_computes_a_due_date_with_java_time_and_stores_it_as_a_date():
    deploy([ResourceInput("due.bpmn", bpmn_document(DUE_DATE))])
    ordered = datetime(2024, 2, 2, 9, 30, tzinfo=UTC)  # a month later is a Saturday
    started = rt.start_process_instance("due", variables={"orderedAt": ordered})
    variables = get_variables(started.id)
    assert variables["dueDate"] == TypedValue("Date", datetime(2024, 3, 4, 16, tzinfo=UTC))
    assert variables["dueLabel"] == TypedValue("String", "Mon 04.03.2024 17:00")
    assert variables["window"] == TypedValue("String", "PT750H30M")
    assert variables["reminder"] == TypedValue("Date", datetime(2024, 3, 2, 16, tzinfo=UTC))


def test_a_local_date_stored_from_groovy_fails_the_command_saying_how_to_store_it():
    process = DUE_DATE.replace("due.minusDays(2)", "due.toLocalDate()")
    deploy([ResourceInput("due.bpmn", bpmn_document(process))])
    with pytest.raises(ProcessEngineError) as raised:
        rt.start_process_instance("due", variables={"orderedAt": datetime(2024, 2, 2, tzinfo=UTC)})
    assert "a java.time.LocalDate cannot be stored as a process variable" in str(raised.value)
    assert not ProcessInstance.objects.exists()


def test_java_time_the_sandbox_lacks_is_refused_at_deploy_with_its_line():
    process = DUE_DATE.replace("import java.time.*", "import java.time.MonthDay")
    with pytest.raises(DeploymentError) as raised:
        deploy([ResourceInput("due.bpmn", bpmn_document(process))])
    (problem,) = raised.value.problems
    assert "import of java.time.MonthDay is not supported" in problem.message
    line = bpmn_document(process).decode().splitlines()[problem.line - 1]
    assert line.strip() == "import java.time.MonthDay"
