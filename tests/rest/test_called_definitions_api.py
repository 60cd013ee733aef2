"""GET /process-definition/{id}/static-called-process-definitions: what the call activities
of a definition name without an expression, resolved by their binding."""

from __future__ import annotations

import pytest

from engine.models import ProcessDefinition
from engine.services import ResourceInput, deploy
from identity.resources import Permission, Resource
from tests.factories import bpmn_document, one_task_bpmn
from tests.identity.factories import make_user
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import basic_client, grant

pytestmark = pytest.mark.django_db

PARENT = bpmn_document("""<bpmn:process id="parent" isExecutable="true">
  <bpmn:startEvent id="s" />
  <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="latest" />
  <bpmn:callActivity id="latest" calledElement="child" />
  <bpmn:sequenceFlow id="f2" sourceRef="latest" targetRef="pinned" />
  <bpmn:callActivity id="pinned" calledElement="child" camunda:calledElementBinding="version"
    camunda:calledElementVersion="1" />
  <bpmn:sequenceFlow id="f3" sourceRef="pinned" targetRef="again" />
  <bpmn:callActivity id="again" calledElement="child" />
  <bpmn:sequenceFlow id="f4" sourceRef="again" targetRef="dynamic" />
  <bpmn:callActivity id="dynamic" calledElement="${which}" />
  <bpmn:sequenceFlow id="f5" sourceRef="dynamic" targetRef="missing" />
  <bpmn:callActivity id="missing" calledElement="nobody" />
  <bpmn:sequenceFlow id="f6" sourceRef="missing" targetRef="e" />
  <bpmn:endEvent id="e" />
</bpmn:process>""")


@pytest.fixture
def parent(demo_user) -> ProcessDefinition:
    deploy([ResourceInput("child.bpmn", one_task_bpmn("child"))])
    deploy([ResourceInput("child.bpmn", one_task_bpmn("child", task="Task_2"))])
    deploy([ResourceInput("parent.bpmn", PARENT)])
    return ProcessDefinition.objects.get(key="parent")


def called(client, definition_id):
    path = f"process-definition/{definition_id}/static-called-process-definitions"
    return client.get(f"{BASE}/{path}")


def test_each_called_definition_once_with_the_activities_that_call_it(api, parent):
    body = called(api, parent.id).json()
    assert [(d["key"], d["version"], d["calledFromActivityIds"]) for d in body] == [
        ("child", 1, ["pinned"]),
        ("child", 2, ["again", "latest"]),
    ]
    assert {d["callingProcessDefinitionId"] for d in body} == {parent.id}
    assert body[0]["id"] == ProcessDefinition.objects.get(key="child", version=1).id


def test_only_what_the_caller_may_read(parent):
    make_user("mallory")
    mallory = basic_client("mallory")
    assert called(mallory, parent.id).status_code == 403
    grant("mallory", Resource.PROCESS_DEFINITION, "parent", Permission.READ)
    assert called(mallory, parent.id).json() == []
    grant("mallory", Resource.PROCESS_DEFINITION, "child", Permission.READ)
    assert len(called(mallory, parent.id).json()) == 2
