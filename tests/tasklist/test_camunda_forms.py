"""Camunda Forms: the deployed schema is found by formRef / formKey, validated on the server."""

import json

import pytest

from engine.models import HistoricVariableInstance, Task
from engine.services import ResourceInput, deploy, runtime
from tasklist.camunda_forms import errors_by_field_id, validate
from tests.tasklist.conftest import FIXTURES, login

SCHEMA = json.loads((FIXTURES / "limit_decision.form").read_text())


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"reason": "ok!"}, {"limit": "This field is required."}),
        ({"limit": -1, "reason": "ok!"}, {"limit": "Enter 0 or more."}),
        ({"limit": 100001, "reason": "ok!"}, {"limit": "Enter 100000 or less."}),
        ({"limit": 5, "reason": "no"}, {"reason": "Enter at least 3 characters."}),
        ({"limit": 5, "reason": "x" * 201}, {"reason": "Enter at most 200 characters."}),
        (
            {"limit": 5, "reason": "fine", "reference": "12AB"},
            {"reference": "Enter a value in the expected format."},
        ),
        ({"limit": "lots", "reason": "fine"}, {"limit": "Enter a number."}),
        (
            {"limit": 5, "reason": "fine", "approved": "yes"},
            {"approved": "Tick the box or leave it empty."},
        ),
    ],
)
def test_the_schema_validate_blocks_are_enforced_on_the_server(data, errors):
    assert validate(SCHEMA, data) == ({}, errors)


def test_valid_data_keeps_its_json_types_and_ignores_unknown_keys():
    variables, errors = validate(
        SCHEMA,
        {"limit": 500, "reason": "fine", "reference": "CL1234", "approved": True, "injected": "x"},
    )
    assert errors == {}
    assert variables == {"limit": 500, "reason": "fine", "reference": "CL1234", "approved": True}


def test_errors_are_also_keyed_by_form_js_component_id():
    assert errors_by_field_id(SCHEMA, {"limit": "Enter 0 or more."}) == {
        "Field_limit": ["Enter 0 or more."]
    }


@pytest.mark.django_db
def test_a_form_js_task_completes_only_with_valid_data(demo, alice):
    started = runtime.start_process_instance("credit_limit", variables={"customer": "ACME"})
    task = Task.objects.get(process_instance_id=started.id)
    client = login(alice)
    page = client.get(f"/tasklist/tasks/{task.id}/").content.decode()
    assert 'id="form-schema"' in page
    assert "limitDecision" in page
    runtime.claim_task(task.id, "alice")
    url = f"/tasklist/tasks/{task.id}/complete/"
    refused = client.post(url, {"limit": 5}, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"reason": "This field is required."}
    assert refused.json()["fieldErrors"] == {"Field_reason": ["This field is required."]}
    assert Task.objects.filter(pk=task.id).exists()
    done = client.post(url, {"limit": 5, "reason": "good payer"}, content_type="application/json")
    assert done.json() == {"redirect": "/tasklist/"}
    assert not Task.objects.filter(process_instance_id=started.id).exists()
    limit = HistoricVariableInstance.objects.get(process_instance_id=started.id, name="limit")
    assert (limit.type, limit.value) == ("Integer", 5)


@pytest.mark.django_db
def test_form_key_camunda_forms_deployment_finds_the_file_of_the_same_deployment(db, alice):
    bpmn = (
        (FIXTURES / "camunda_form.bpmn")
        .read_text()
        .replace(
            'camunda:formRef="limitDecision" camunda:formRefBinding="deployment"',
            'camunda:formKey="camunda-forms:deployment:limit_decision.form"',
        )
    )
    deploy(
        [
            ResourceInput("keyed.bpmn", bpmn.encode()),
            ResourceInput("limit_decision.form", (FIXTURES / "limit_decision.form").read_bytes()),
            ResourceInput("limit_request.form", (FIXTURES / "limit_request.form").read_bytes()),
        ]
    )
    started = runtime.start_process_instance("credit_limit")
    task = Task.objects.get(process_instance_id=started.id)
    page = login(alice).get(f"/tasklist/tasks/{task.id}/").content.decode()
    assert "Field_limit" in page


@pytest.mark.django_db
def test_a_missing_form_is_reported_in_words(db, alice):
    bpmn = (FIXTURES / "camunda_form.bpmn").read_text().replace("limitDecision", "nowhere")
    deploy([ResourceInput("lonely.bpmn", bpmn.encode())])
    started = runtime.start_process_instance("credit_limit")
    task = Task.objects.get(process_instance_id=started.id)
    page = login(alice).get(f"/tasklist/tasks/{task.id}/").content.decode()
    assert "No deployed form has the id &#x27;nowhere&#x27; (deployment)." in page
