"""Transient variables (Camunda's `valueInfo.transient`): a request's variable that the
command it starts can read, that no row, history or later request ever shows."""

from __future__ import annotations

import pytest

from engine.models import HistoricVariableInstance, VariableInstance
from engine.services import ResourceInput, deploy
from tests.factories import bpmn_document
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db

ROUTED = bpmn_document("""<bpmn:process id="routed" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="route" />
  <bpmn:exclusiveGateway id="route" default="normal" />
  <bpmn:sequenceFlow id="urgent" sourceRef="route" targetRef="fast">
    <bpmn:conditionExpression>${token == 'vip'}</bpmn:conditionExpression>
  </bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="normal" sourceRef="route" targetRef="slow" />
  <bpmn:userTask id="fast" name="Fast lane" />
  <bpmn:userTask id="slow" name="Slow lane" />
</bpmn:process>""")


def start(api, token: dict) -> dict:
    deploy([ResourceInput("routed.bpmn", ROUTED)])
    response = api.post(
        f"{BASE}/process-definition/key/routed/start",
        {"variables": {"token": token, "kept": {"value": 1, "type": "Integer"}}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_a_transient_variable_routes_its_command_and_is_kept_nowhere(api):
    started = start(api, {"value": "vip", "type": "String", "valueInfo": {"transient": True}})
    tasks = api.get(f"{BASE}/task", {"processInstanceId": started["id"]}).json()
    assert [t["name"] for t in tasks] == ["Fast lane"]
    variables = api.get(f"{BASE}/process-instance/{started['id']}/variables").json()
    assert set(variables) == {"kept"}
    assert not VariableInstance.objects.filter(name="token").exists()
    assert not HistoricVariableInstance.objects.filter(name="token").exists()


def test_a_transient_flag_that_is_no_boolean_is_a_400(api):
    deploy([ResourceInput("routed.bpmn", ROUTED)])
    response = api.post(
        f"{BASE}/process-definition/key/routed/start",
        {"variables": {"token": {"value": "vip", "type": "String",
                                 "valueInfo": {"transient": "yes"}}}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "type": "InvalidRequestException",
        "message": "valueInfo.transient of variable 'token' must be true or false",
        "code": None,
    }
