"""submit-form of tasks and start events: a generated form's fields are validated and typed
as the tasklist does it; a refused field is a 400 that changes nothing."""

from __future__ import annotations

import pytest

from tests.factories import bpmn_document, straight_process
from tests.rest.conftest import BASE
from tests.rest.test_runtime_api import props

LOAN = """<bpmn:process id="loan" isExecutable="true">
  <bpmn:startEvent id="start"><bpmn:extensionElements><camunda:formData>
    <camunda:formField id="customer" type="string"><camunda:validation>
      <camunda:constraint name="required" /><camunda:constraint name="minlength" config="2" />
    </camunda:validation></camunda:formField>
    <camunda:formField id="limit" type="long" defaultValue="1000"><camunda:validation>
      <camunda:constraint name="min" config="0" /></camunda:validation></camunda:formField>
  </camunda:formData></bpmn:extensionElements></bpmn:startEvent>
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
  <bpmn:userTask id="review" name="Review"><bpmn:extensionElements><camunda:formData>
    <camunda:formField id="amount" type="long"><camunda:validation>
      <camunda:constraint name="required" /><camunda:constraint name="min" config="1" />
      <camunda:constraint name="max" config="1000" /></camunda:validation></camunda:formField>
    <camunda:formField id="approved" type="boolean" />
    <camunda:formField id="due" type="date" />
    <camunda:formField id="grade" type="enum">
      <camunda:value id="a" name="A" /><camunda:value id="b" name="B" /></camunda:formField>
    <camunda:formField id="code" type="string"><camunda:validation>
      <camunda:constraint name="minlength" config="2" />
      <camunda:constraint name="maxlength" config="4" /></camunda:validation></camunda:formField>
    <camunda:formField id="customer" type="string"><camunda:validation>
      <camunda:constraint name="readonly" /></camunda:validation></camunda:formField>
  </camunda:formData></bpmn:extensionElements></bpmn:userTask>
  <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="after" />
  <bpmn:userTask id="after" name="After" />
  <bpmn:sequenceFlow id="f3" sourceRef="after" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""

# A task with an embedded form key and no form fields: its variables pass as given.
PLAIN = straight_process("plain").replace(
    '<bpmn:userTask id="Task_1" name="Do it" />',
    '<bpmn:userTask id="Task_1" name="Do it" camunda:formKey="embedded:app:forms/do.html" />',
)


def text(value):
    return {"value": value, "type": "String"}


@pytest.fixture
def deployed(modeler_deploy):
    response = modeler_deploy({"loan.bpmn": bpmn_document(LOAN, PLAIN)})
    assert response.status_code == 200, response.content


def started_task(api, key="loan", **variables):
    body = {"variables": variables or {"customer": text("Ada")}}
    instance = api.post(f"{BASE}/process-definition/key/{key}/start", body,
                        content_type="application/json").json()
    (task,) = api.get(f"{BASE}/task", {"processInstanceId": instance["id"]}).json()
    return task


def submit(api, task_id, variables):
    return api.post(f"{BASE}/task/{task_id}/submit-form", {"variables": variables},
                    content_type="application/json")


def variables_of(api, instance_id):
    return api.get(f"{BASE}/process-instance/{instance_id}/variables").json()


def test_a_task_form_without_its_required_field_is_refused_and_the_task_stays_open(
    api, deployed
):
    task = started_task(api)
    response = submit(api, task["id"], {})
    assert response.status_code == 400
    assert response.json() == {
        "type": "RestException",
        "message": f"Cannot submit task form {task['id']}: Invalid value submitted for form "
        "field 'amount': validation of required failed.",
        "code": 0,
    }
    assert api.get(f"{BASE}/task/{task['id']}").status_code == 200


@pytest.mark.parametrize(
    ("variables", "field", "refusal"),
    [
        ({"amount": text("abc")}, "amount", "value 'abc' is not of type Long"),
        ({"amount": {"value": 4.5, "type": "Double"}}, "amount", "value '4.5' is not of type Long"),
        ({"amount": {"value": 5000, "type": "Long"}}, "amount", "validation of max(1000)"),
        ({"amount": text("0")}, "amount", "validation of min(1)"),
        ({"approved": text("yes")}, "approved", "value 'yes' is not of type Boolean"),
        ({"due": text("2024-01-31")}, "due",
         "could not parse value '2024-01-31' as date using date format 'dd/MM/yyyy'"),
        ({"grade": text("z")}, "grade", "invalid value for enum form property: z"),
        ({"code": text("x")}, "code", "validation of minlength(2)"),
        ({"code": text("abcde")}, "code", "validation of maxlength(4)"),
        ({"customer": text("Eve")}, "customer", "validation of readonly"),
    ],
)
def test_a_field_that_does_not_convert_or_breaks_a_constraint_refuses_the_whole_form(
    api, deployed, variables, field, refusal
):
    task = started_task(api)
    response = submit(api, task["id"], {"amount": text("7"), "note": text("x"), **variables})
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "RestException"
    assert f"Invalid value submitted for form field '{field}': {refusal}" in body["message"]
    assert api.get(f"{BASE}/task/{task['id']}").status_code == 200
    assert set(variables_of(api, task["processInstanceId"])) == {"customer"}


def test_a_valid_task_form_is_stored_in_the_fields_types_and_completes_the_task(api, deployed):
    task = started_task(api)
    response = submit(api, task["id"], {
        "amount": text(" 42 "),
        "approved": text("true"),
        "due": text("31/01/2024"),
        "grade": text("b"),
        "code": text(""),
        "note": text("kept as given"),
    })
    assert response.status_code == 204, response.content
    found = variables_of(api, task["processInstanceId"])
    assert {name: (v["type"], v["value"]) for name, v in found.items()} == {
        "customer": ("String", "Ada"),  # read-only and not submitted: unchanged
        "amount": ("Long", 42),
        "approved": ("Boolean", True),
        "due": ("Date", "2024-01-31T00:00:00.000+0000"),
        "grade": ("String", "b"),
        "code": ("Null", None),  # blank text is no value, as in the tasklist
        "note": ("String", "kept as given"),
    }
    (after,) = api.get(f"{BASE}/task", {"processInstanceId": task["processInstanceId"]}).json()
    assert after["taskDefinitionKey"] == "after"


def test_a_required_field_not_submitted_is_satisfied_by_its_existing_variable(api, deployed):
    task = started_task(api, customer=text("Ada"), amount={"value": 9, "type": "Long"})
    assert submit(api, task["id"], {"approved": text("true")}).status_code == 204
    found = variables_of(api, task["processInstanceId"])
    assert (found["amount"]["value"], found["approved"]["type"]) == (9, "Boolean")


def test_submitting_the_form_of_a_delegated_task_resolves_it(api, deployed):
    task = started_task(api)
    api.post(f"{BASE}/task/{task['id']}/claim", {"userId": "demo"},
             content_type="application/json")
    api.post(f"{BASE}/task/{task['id']}/delegate", {"userId": "john"},
             content_type="application/json")
    assert submit(api, task["id"], {"amount": text("3")}).status_code == 204
    resolved = api.get(f"{BASE}/task/{task['id']}").json()
    assert (resolved["delegationState"], resolved["assignee"]) == ("RESOLVED", "demo")


def submit_start(api, route, variables, **body):
    return api.post(f"{BASE}/process-definition/{route}/submit-form",
                    {"variables": variables, **body}, content_type="application/json")


def test_a_start_form_without_its_required_field_starts_nothing(api, deployed):
    definition = api.get(f"{BASE}/process-definition/key/loan").json()
    response = submit_start(api, "key/loan", {"limit": text("5")})
    assert response.status_code == 400
    assert response.json() == {
        "type": "RestException",
        "message": f"Cannot instantiate process definition {definition['id']}: Invalid value "
        "submitted for form field 'customer': validation of required failed.",
        "code": 0,
    }
    by_id = submit_start(api, definition["id"], {"customer": text("Ada"), "limit": text("-1")})
    assert "form field 'limit': validation of min(0) failed" in by_id.json()["message"]
    assert api.get(f"{BASE}/process-instance/count").json() == {"count": 0}


def test_a_valid_start_form_starts_an_instance_with_typed_fields_and_defaults(api, deployed):
    response = submit_start(api, "key/loan", {"customer": text("Ada")}, businessKey="B-7")
    assert response.status_code == 200, response.content
    body = response.json()
    assert list(body) == props("ProcessInstanceDto")
    assert body["businessKey"] == "B-7"
    found = variables_of(api, body["id"])
    assert {name: (v["type"], v["value"]) for name, v in found.items()} == {
        "customer": ("String", "Ada"),
        "limit": ("Long", 1000),  # not submitted: the field's default
    }


def test_forms_without_generated_fields_take_their_variables_as_given(api, deployed):
    started = submit_start(api, "key/plain", {"amount": text("abc")})
    assert started.status_code == 200
    (task,) = api.get(f"{BASE}/task", {"processInstanceId": started.json()["id"]}).json()
    assert submit(api, task["id"], {"score": text("high")}).status_code == 204
    history = api.get(f"{BASE}/history/variable-instance",
                      {"processInstanceId": task["processInstanceId"]}).json()
    assert sorted((v["name"], v["type"], v["value"]) for v in history) == [
        ("amount", "String", "abc"),
        ("score", "String", "high"),
    ]


@pytest.mark.parametrize("path", ["start", "submit-form"])
def test_a_business_key_that_is_not_text_is_refused(api, deployed, path):
    response = api.post(f"{BASE}/process-definition/key/loan/{path}",
                        {"businessKey": {"no": "text"}, "variables": {"customer": text("Ada")}},
                        content_type="application/json")
    assert response.status_code == 400
    assert response.json()["message"] == "'businessKey' must be a string"
