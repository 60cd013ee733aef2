"""Camunda Forms: the deployed schema is found by formRef / formKey, validated on the server."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from engine.models import HistoricVariableInstance, ProcessInstance, Task
from engine.queries import get_variables
from engine.runtime.values import FileValue
from engine.services import ResourceInput, deploy, runtime
from tasklist import camunda_forms
from tasklist.camunda_forms import errors_by_field_id, validate
from tests.tasklist.conftest import FIXTURES, login
from tests.tasklist.test_start_and_filters import grant_start

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


REQUEST = json.loads((FIXTURES / "limit_request.form").read_text())


def picked(*uploads: SimpleUploadedFile) -> MultiValueDict:
    return MultiValueDict({"files::1": list(uploads)})


def test_a_picked_file_becomes_a_file_variable():
    statement = SimpleUploadedFile("march.pdf", b"%PDF-1.4", "application/pdf")
    variables, errors = validate(
        REQUEST, {"customer": "ACME", "statement": "files::1"}, picked(statement)
    )
    assert errors == {}
    assert variables["statement"] == FileValue(b"%PDF-1.4", "march.pdf", "application/pdf")


def test_file_pickers_refuse_two_files_a_too_large_one_and_none_when_required(monkeypatch):
    two = picked(SimpleUploadedFile("a.txt", b"a"), SimpleUploadedFile("b.txt", b"b"))
    data = {"customer": "ACME", "statement": "files::1"}
    assert validate(REQUEST, data, two) == (
        {}, {"statement": "Choose one file: a File variable holds one."}
    )
    monkeypatch.setattr(camunda_forms, "MAX_FILE_MB", 0)
    assert validate(REQUEST, data, picked(SimpleUploadedFile("a.txt", b"a"))) == (
        {}, {"statement": "Choose a file of at most 0 MB."}
    )
    required = json.loads(json.dumps(REQUEST))
    required["components"][2]["validate"] = {"required": True}
    # a files key the request does not carry is no file
    assert validate(required, data, MultiValueDict()) == (
        {}, {"statement": "This field is required."}
    )


@pytest.mark.django_db
def test_a_start_form_with_a_file_posts_it_as_a_part_beside_the_data(demo, alice):
    grant_start("compliance", "credit_limit")
    payload = json.dumps({"data": {"customer": "ACME", "statement": "files::x"},
                          "businessKey": "CL-1"})
    statement = SimpleUploadedFile("march.txt", b"balance: 100", "text/plain; charset=utf-8")
    response = login(alice).post(
        f"/tasklist/start/{demo['credit_limit'].id}/",
        {"payload": payload, "files::x": statement},
    )
    assert response.status_code == 200, response.content
    instance = ProcessInstance.objects.get(business_key="CL-1")
    file = get_variables(instance.id)["statement"].value
    assert (file.filename, file.mime_type, file.encoding, file.content) == (
        "march.txt", "text/plain", "utf-8", b"balance: 100"
    )
