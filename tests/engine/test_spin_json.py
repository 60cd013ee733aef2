"""Camunda Spin's JSON in a running process: a Json variable a worker sent, read with
`prop(...)` in a gateway condition and an output mapping (EL) and in a JavaScript script; a
Spin node stored stays Json."""

import pytest

from engine.models import Task
from engine.queries import get_variables
from engine.runtime.values import TypedValue
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import bpmn_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]

PROCESS = """<bpmn:process id="spin" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="receive" />
  <bpmn:userTask id="receive">
    <bpmn:extensionElements><camunda:inputOutput>
      <camunda:outputParameter name="firstSku">
        ${order.prop("lines").elements()[0].prop("sku").stringValue()}
      </camunda:outputParameter>
      <camunda:outputParameter name="customer">${S(raw).prop("customer")}</camunda:outputParameter>
    </camunda:inputOutput></bpmn:extensionElements>
  </bpmn:userTask>
  <bpmn:sequenceFlow id="f2" sourceRef="receive" targetRef="score" />
  <bpmn:scriptTask id="score" scriptFormat="javascript" camunda:resultVariable="label">
    <bpmn:script><![CDATA[
      var lines = order.prop("lines").elements();
      execution.setVariable("lineCount", lines.length);
      execution.setVariable("tags", S(raw).prop("customer").prop("tags"));
      var id = execution.getVariable("order").prop("id").stringValue();
      customer.prop("name").stringValue() + "/" + id
    ]]></bpmn:script>
  </bpmn:scriptTask>
  <bpmn:sequenceFlow id="f3" sourceRef="score" targetRef="gate" />
  <bpmn:exclusiveGateway id="gate" default="small" />
  <bpmn:sequenceFlow id="big" sourceRef="gate" targetRef="bigTask">
    <bpmn:conditionExpression>
      ${order.prop("total").numberValue() &gt; 100}
    </bpmn:conditionExpression>
  </bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="small" sourceRef="gate" targetRef="smallTask" />
  <bpmn:userTask id="bigTask" /><bpmn:userTask id="smallTask" />
</bpmn:process>"""

ORDER = {"id": "A-7", "total": 120.5, "lines": [{"sku": "x-1"}, {"sku": "y-2"}]}
RAW = '{"customer": {"name": "Ada", "tags": ["vip", "eu"]}}'


def test_json_variables_are_read_with_spin_in_el_and_javascript():
    deploy([ResourceInput("spin.bpmn", bpmn_document(PROCESS))])
    started = rt.start_process_instance(
        "spin", variables={"order": TypedValue("Json", ORDER), "raw": RAW}
    )
    rt.complete_task(Task.objects.get(process_instance_id=started.id).id, {})
    variables = get_variables(started.id)
    assert variables["firstSku"] == TypedValue("String", "x-1")
    assert variables["customer"] == TypedValue("Json", {"name": "Ada", "tags": ["vip", "eu"]})
    assert variables["lineCount"] == TypedValue("Integer", 2)
    assert variables["tags"] == TypedValue("Json", ["vip", "eu"])
    assert variables["label"] == TypedValue("String", "Ada/A-7")
    assert Task.objects.get(process_instance_id=started.id).task_definition_key == "bigTask"
