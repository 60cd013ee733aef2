"""Spin's Xml variables over REST and in a running process: a client starts with XML text
typed `Xml`, a gateway routes on an XPath query of it, an output mapping stores one of its
elements (an Xml variable again), and REST, the history and the cockpit hand the text back."""

from __future__ import annotations

import pytest

from engine.models import ProcessInstance, Task
from engine.services import ResourceInput, deploy
from tests.factories import bpmn_document
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db

PROCESS = """<bpmn:process id="shipping" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gate" />
  <bpmn:exclusiveGateway id="gate" default="standard" />
  <bpmn:sequenceFlow id="express" sourceRef="gate" targetRef="expressTask">
    <bpmn:conditionExpression>
      ${order.xPath("count(item) &gt; 1 and @priority = 'high'").bool()}
    </bpmn:conditionExpression>
  </bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="standard" sourceRef="gate" targetRef="standardTask" />
  <bpmn:userTask id="expressTask">
    <bpmn:extensionElements><camunda:inputOutput>
      <camunda:outputParameter name="firstItem">
        ${order.childElements("item")[0]}
      </camunda:outputParameter>
      <camunda:outputParameter name="firstSku">
        ${S(raw).xPath("/order/item/@sku").attribute().value()}
      </camunda:outputParameter>
    </camunda:inputOutput></bpmn:extensionElements>
  </bpmn:userTask>
  <bpmn:userTask id="standardTask" />
</bpmn:process>"""

ORDER = '<order priority="high"><item sku="x-1" qty="2"/><item sku="y-2"/></order>'


def start(api, order: dict) -> dict:
    deploy([ResourceInput("shipping.bpmn", bpmn_document(PROCESS))], name="shipping")
    return api.post(
        f"{BASE}/process-definition/key/shipping/start",
        {"variables": {"order": order, "raw": {"value": ORDER, "type": "String"}}},
        content_type="application/json",
    )


def test_an_xml_variable_routes_the_instance_and_comes_back_as_xml_text(api):
    response = start(api, {"value": ORDER, "type": "xml"})
    assert response.status_code == 200, response.content
    instance = response.json()["id"]
    task = Task.objects.get(process_instance_id=instance)
    assert task.task_definition_key == "expressTask"

    url = f"{BASE}/process-instance/{instance}/variables"
    assert api.get(f"{url}/order").json() == {"type": "Xml", "value": ORDER, "valueInfo": {}}

    response = api.post(f"{BASE}/task/{task.id}/complete", {}, content_type="application/json")
    assert response.status_code == 204, response.content
    history = api.get(f"{BASE}/history/variable-instance?processInstanceId={instance}").json()
    by_name = {row["name"]: row for row in history}
    assert (by_name["firstItem"]["type"], by_name["firstItem"]["value"]) == (
        "Xml", '<item sku="x-1" qty="2"/>'
    )
    assert (by_name["firstSku"]["type"], by_name["firstSku"]["value"]) == ("String", "x-1")


def test_an_xml_variable_is_set_and_listed_on_a_running_instance(api):
    instance = start(api, {"value": "<order/>", "type": "Xml"}).json()["id"]
    url = f"{BASE}/process-instance/{instance}/variables"
    response = api.put(
        f"{url}/note", {"value": "<note lang='en'>ok</note>", "type": "Xml"},
        content_type="application/json",
    )
    assert response.status_code == 204, response.content
    assert api.get(url).json()["note"] == {
        "type": "Xml", "value": '<note lang="en">ok</note>', "valueInfo": {},
    }
    listed = api.get(f"{BASE}/variable-instance?processInstanceIdIn={instance}&variableName=note")
    assert listed.json()[0]["value"] == '<note lang="en">ok</note>'


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("<order><item></order>", "not well-formed XML"),
        ('<!DOCTYPE o [<!ENTITY x SYSTEM "file:///etc/passwd">]><o>&x;</o>',
         "document type declarations"),
        ({"order": 1}, "XML is a string"),
    ],
)
def test_xml_that_cannot_be_read_is_a_400_and_starts_nothing(api, value, words):
    response = start(api, {"value": value, "type": "Xml"})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["type"] == "InvalidRequestException"
    assert "'order'" in body["message"], body["message"]
    assert words in body["message"], body["message"]
    assert not ProcessInstance.objects.exists()
