"""`/task/{id}/deployed-form` and `/process-definition/.../deployed-start-form`: the deployed
file a form key or `camunda:formRef` names, as Camunda's FormService serves it."""

from __future__ import annotations

import json

import pytest

from engine.models import Task
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import bpmn_document
from tests.identity.factories import make_user
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import assert_forbidden, basic_client

HTML = b"<form role=\"form\"><input cam-variable-name=\"amount\" /></form>"
FORM = {"id": "decision", "type": "default", "components": []}


def process(key: str, start: str, task: str) -> str:
    return f"""<bpmn:process id="{key}" isExecutable="true">
  <bpmn:startEvent id="{key}_start" {start} />
  <bpmn:sequenceFlow id="{key}_f1" sourceRef="{key}_start" targetRef="{key}_task" />
  <bpmn:userTask id="{key}_task" {task} />
  <bpmn:sequenceFlow id="{key}_f2" sourceRef="{key}_task" targetRef="{key}_end" />
  <bpmn:endEvent id="{key}_end" />
</bpmn:process>"""


@pytest.fixture
def deployment(demo_user):
    """`embedded`: an HTML start form, a Camunda Form by key on the task; `byref`: a formRef
    start form, an app form on the task; `missing`: no start form, a file not deployed."""
    bpmn = bpmn_document(
        process("embedded", 'camunda:formKey="embedded:deployment:start.html"',
                'camunda:formKey="camunda-forms:deployment:decision.form"'),
        process("byref", 'camunda:formRef="decision" camunda:formRefBinding="latest"',
                'camunda:formKey="app:foo.html"'),
        process("missing", "", 'camunda:formKey="embedded:deployment:gone.html"'),
    )
    return deploy(
        [ResourceInput("forms.bpmn", bpmn), ResourceInput("start.html", HTML),
         ResourceInput("decision.form", json.dumps(FORM).encode())],
        name="forms",
    )


def task_of(key: str) -> str:
    started = rt.start_process_instance(key)
    return Task.objects.get(process_instance_id=started.id).id


def definition_id(deployment, key: str) -> str:
    return next(d.id for d in deployment.process_definitions if d.key == key)


def test_an_embedded_start_form_is_served_as_xhtml_by_id_and_key(api, deployment):
    for path in (f"{definition_id(deployment, 'embedded')}", "key/embedded"):
        response = api.get(f"{BASE}/process-definition/{path}/deployed-start-form")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/xhtml+xml"
        assert response.content == HTML


def test_camunda_forms_by_key_and_by_ref_are_served_as_json(api, deployment):
    response = api.get(f"{BASE}/task/{task_of('embedded')}/deployed-form")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == FORM
    start = api.get(f"{BASE}/process-definition/key/byref/deployed-start-form")
    assert (start.status_code, start["Content-Type"]) == (200, "application/json")
    assert json.loads(start.content) == FORM


def test_a_form_that_is_not_deployed_is_a_400_in_camundas_words(api, deployment):
    response = api.get(f"{BASE}/task/{task_of('byref')}/deployed-form")
    assert response.status_code == 400
    assert response.json() == {
        "type": "InvalidRequestException",
        "message": "The form key 'app:foo.html' does not reference a deployed form.",
        "code": None,
    }
    none = api.get(f"{BASE}/process-definition/key/missing/deployed-start-form")
    assert none.status_code == 400
    assert none.json()["message"] == ("One of the attributes 'formKey' and 'camunda:formRef' "
                                      "must be supplied but none were set.")


def test_a_missing_file_an_unknown_task_or_definition_is_a_404(api, deployment):
    gone = api.get(f"{BASE}/task/{task_of('missing')}/deployed-form")
    assert gone.status_code == 404
    assert gone.json()["type"] == "InvalidRequestException"
    assert "'gone.html' cannot be found in deployment" in gone.json()["message"]
    assert api.get(f"{BASE}/task/nope/deployed-form").status_code == 404
    assert api.get(f"{BASE}/process-definition/nope:1:x/deployed-start-form").status_code == 404
    assert api.get(f"{BASE}/process-definition/key/nope/deployed-start-form").status_code == 404


@pytest.mark.django_db
def test_a_user_who_may_not_read_the_task_or_definition_gets_a_403(deployment):
    make_user("mallory")
    mallory = basic_client("mallory")
    task = task_of("embedded")
    assert_forbidden(mallory.get(f"{BASE}/task/{task}/deployed-form"), "mallory")
    assert_forbidden(
        mallory.get(f"{BASE}/process-definition/key/embedded/deployed-start-form"), "mallory"
    )
